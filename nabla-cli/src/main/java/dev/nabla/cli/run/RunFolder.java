package dev.nabla.cli.run;

import dev.nabla.InputException;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.cli.config.ConfigLoader;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.plot.Charts;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;
import dev.nabla.io.NamedArray;
import dev.nabla.io.SafeTensors;
import dev.nabla.models.CourseNames;
import dev.nabla.models.ModelFile;
import dev.nabla.nn.Module;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.train.EpochMetrics;
import dev.nabla.train.StepLog;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The files of one training run, all in one folder, each written whole (temporary name, then rename):
 * <ul>
 *   <li>{@value #CONFIG}: the resolved config in nabla's format ({@code nabla train --config} reads it);</li>
 *   <li>{@value #HISTORY}: {@code epoch,train_loss,train_acc,val_loss,val_acc,train_seconds,eval_seconds};</li>
 *   <li>{@value #RESULTS}: config, history, best epoch, accuracies, seconds and status
 *       ({@code running}, {@code ok} or {@code diverged});</li>
 *   <li>{@code loss.png/.svg}, {@code accuracy.png/.svg}: training and validation curves per epoch;</li>
 *   <li>{@value #MODEL}: the best epoch's weights ({@link ModelFile});</li>
 *   <li>{@value #CHECKPOINT} + {@value #CHECKPOINT_JSON}: the {@link TrainState} after the last finished epoch,
 *       from which {@code --resume} continues.</li>
 * </ul>
 *
 * <p>The checkpoint's tensors are stored as {@code weights.NAME}, {@code best.NAME} and {@code optimizer.KEY}; its
 * metadata key {@value #STATE_KEY} holds the rest of the state as JSON (epochs done, history, best epoch, the
 * config it was trained with and the SHA-256 of the {@value #MODEL} that belongs to it), the same text as
 * {@value #CHECKPOINT_JSON}. The safetensors file is the one read back, so the two files can never disagree
 * about which epoch a tensor belongs to.
 *
 * <p>Consistency across files: after an epoch the model is written first, then the checkpoint (the commit
 * point), then history, charts and results. Whatever a crash leaves half done is repaired from the checkpoint
 * on resume ({@link #repair}): a model file that is missing or is not the one the checkpoint names is rewritten
 * from the checkpoint's best weights, and the other files are rewritten by the resumed run.
 */
public final class RunFolder {

    public static final String CONFIG = "config.yaml";
    public static final String HISTORY = "history.csv";
    public static final String RESULTS = "results.json";
    public static final String MODEL = "model.safetensors";
    public static final String CHECKPOINT = "checkpoint.safetensors";
    public static final String CHECKPOINT_JSON = "checkpoint.json";
    /** Where the run's data came from and how it was split, so that --resume trains on the same images. */
    public static final String DATA_SOURCE = "data-source.txt";
    public static final String LOSS_CHART = "loss";
    public static final String ACCURACY_CHART = "accuracy";
    /** The loss of every step (with {@code log-steps}), and its chart. */
    public static final String STEPS = "steps.csv";
    public static final String STEPS_CHART = "steps";
    static final String STATE_KEY = "nabla.state";

    static final List<String> HISTORY_COLUMNS =
            List.of("epoch", "train_loss", "train_acc", "val_loss", "val_acc", "train_seconds", "eval_seconds");

    /**
     * Told the name of every file just before it is written (charts by their base name). Tests set it to throw,
     * which simulates a crash or a full disk between any two files; null in normal use.
     */
    static volatile Consumer<String> beforeWrite;

    private final Path dir;
    private final ImageDataset dataset; // named in results and model files; null: not recorded

    public RunFolder(Path dir) {
        this(dir, null);
    }

    /** The folder of a run on {@code dataset}, which its results and model file name (with its class names). */
    public RunFolder(Path dir, ImageDataset dataset) {
        this.dir = dir;
        this.dataset = dataset;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** {@code parent/<yyyyMMdd-HHmmss>-<model>}, with a numeric suffix if that folder exists already. */
    public static Path defaultDir(Path parent, String model, LocalDateTime now) {
        String base = now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)) + "-" + model;
        Path p = parent.resolve(base);
        for (int i = 2; Files.exists(p); i++) p = parent.resolve(base + "-" + i);
        return p;
    }

    /** Whether the folder holds a run's files already (so that a new run must not write into it). */
    public boolean holdsRun() {
        return Files.exists(file(RESULTS)) || Files.exists(file(CHECKPOINT));
    }

    // ---------------------------------------------------------------- data source

    /**
     * The folder a run's data was read from, the fraction of its training file that validates, and the data
     * set it holds (its class names).
     */
    public record DataSource(Path dir, double validationFraction, ImageDataset dataset) {
        public DataSource {
            if (dataset == null) dataset = ImageDataset.MNIST;
        }

        /** MNIST's images (or an unnamed folder in its layout). */
        public DataSource(Path dir, double validationFraction) {
            this(dir, validationFraction, ImageDataset.MNIST);
        }
    }

    private static final String FRACTION_PREFIX = "validation fraction: ";
    private static final String DATASET_PREFIX = "dataset: ";

    /**
     * Records the (absolute) folder the run's data was read from, its validation fraction and, when it is not
     * MNIST, the data set (so that a record of an MNIST run reads as before data sets were named).
     */
    public void writeDataSource(DataSource source) {
        writing(DATA_SOURCE);
        AtomicFiles.writeString(file(DATA_SOURCE), source.dir().toAbsolutePath().normalize() + "\n" + FRACTION_PREFIX
                + RunConfig.number(source.validationFraction()).replaceAll("\\.0$", "") + "\n"
                + (source.dataset().equals(ImageDataset.MNIST) ? "" : DATASET_PREFIX + source.dataset().name() + "\n"));
    }

    /**
     * What {@link #writeDataSource} recorded, or null when the run has nothing recorded; a record from before
     * the fraction was recorded has the course's 0.2, one from before data sets were named is MNIST.
     */
    public DataSource readDataSource() {
        Path f = file(DATA_SOURCE);
        if (!Files.isRegularFile(f)) return null;
        try {
            List<String> lines = Files.readAllLines(f);
            if (lines.isEmpty() || lines.get(0).isBlank()) return null;
            double fraction = dev.nabla.datasets.mnist.Mnist.DEFAULT_VALIDATION_FRACTION;
            ImageDataset dataset = ImageDataset.MNIST;
            for (String l : lines.subList(1, lines.size())) {
                if (l.startsWith(DATASET_PREFIX)) {
                    dataset = ImageDataset.byName(l.substring(DATASET_PREFIX.length()), f + ": dataset");
                    continue;
                }
                if (!l.startsWith(FRACTION_PREFIX)) continue;
                try {
                    fraction = Double.parseDouble(l.substring(FRACTION_PREFIX.length()).strip());
                } catch (NumberFormatException e) {
                    throw new InputException(f + ": '" + l + "' is not a validation fraction (expected a number in [0, 1))");
                }
            }
            return new DataSource(Path.of(lines.get(0).strip()), fraction, dataset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    // ---------------------------------------------------------------- config

    public void writeConfig(TrainConfig cfg) {
        writing(CONFIG);
        AtomicFiles.writeString(file(CONFIG), RunConfig.toYaml(cfg));
    }

    /** The run's {@value #CONFIG}, as settings that command-line options may still override. */
    public RunConfig readConfig() {
        Path f = file(CONFIG);
        if (!Files.isRegularFile(f)) {
            throw new InputException(dir + " has no " + CONFIG + ": not a run folder written by nabla train");
        }
        return ConfigLoader.load(f);
    }

    // ---------------------------------------------------------------- history, results, charts

    public void writeHistory(List<EpochMetrics> history) {
        StringBuilder sb = new StringBuilder(String.join(",", HISTORY_COLUMNS)).append('\n');
        for (EpochMetrics m : history) {
            sb.append(m.epoch()).append(',').append(m.trainLoss()).append(',').append(m.trainAcc()).append(',')
                    .append(m.valLoss()).append(',').append(m.valAcc()).append(',')
                    .append(m.trainSeconds()).append(',').append(m.evalSeconds()).append('\n');
        }
        writing(HISTORY);
        AtomicFiles.writeString(file(HISTORY), sb.toString());
    }

    /**
     * {@value #STEPS} (step, epoch, batch, loss: every step's batch loss since this process started the run; a
     * resumed run starts a new log) and its chart {@value #STEPS_CHART}.
     */
    public void writeSteps(TrainConfig cfg, StepLog steps, boolean chart) {
        writing(STEPS);
        AtomicFiles.writeString(file(STEPS), steps.csv());
        if (!chart || steps.size() == 0) return;
        writing(STEPS_CHART);
        Charts.lines("Loss of every step: " + RunConfig.describe(cfg), "step", "batch loss",
                List.of(Charts.Series.indexed("batch loss", steps.losses())),
                Charts.Style.curves().withMarkers(false), file(STEPS_CHART));
    }

    /** What {@value #RESULTS} holds, in this order. */
    public record Results(TrainConfig config, List<EpochMetrics> history, int bestEpoch, double bestValAcc,
                          double finalTrainAcc, double testAcc, double seconds, String status, String message) {

        /** The JSON-ready map: config, history, best_epoch, best_val_acc, final_train_acc, test_acc, ... */
        public Map<String, Object> toMap(Path runDir) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("config", RunConfig.toMap(config));
            m.put("history", historyToList(history));
            m.put("best_epoch", bestEpoch);
            m.put("best_val_acc", bestValAcc);
            m.put("final_train_acc", finalTrainAcc);
            m.put("test_acc", testAcc);
            m.put("seconds", seconds);
            m.put("status", status);
            if (message != null) m.put("message", message);
            m.put("model", ModelFile.specToMap(config.model()));
            if (runDir != null) m.put("run_dir", runDir.toString());
            m.put("kernels", dev.nabla.kernel.ExecutionContext.current().kernels().description());
            return m;
        }
    }

    public void writeResults(Results r) {
        Map<String, Object> m = r.toMap(dir);
        if (dataset != null) {
            m.put("dataset", dataset.name());
            m.put("class_names", dataset.classNames());
        }
        writing(RESULTS);
        AtomicFiles.writeString(file(RESULTS), Json.pretty(m));
    }

    /** Loss and accuracy curves (training vs validation), with the hyper-parameters in the titles. */
    public void writeCharts(TrainConfig cfg, List<EpochMetrics> history) {
        int n = history.size();
        double[] tl = new double[n], vl = new double[n], ta = new double[n], va = new double[n];
        for (int i = 0; i < n; i++) {
            EpochMetrics m = history.get(i);
            tl[i] = m.trainLoss();
            vl[i] = m.valLoss();
            ta[i] = m.trainAcc();
            va[i] = m.valAcc();
        }
        String what = RunConfig.describe(cfg);
        writing(LOSS_CHART);
        Charts.lines("Loss: " + what, "epoch", "cross-entropy loss",
                Charts.pair("training", tl, "validation", vl), file(LOSS_CHART));
        writing(ACCURACY_CHART);
        Charts.lines("Accuracy: " + what, "epoch", "accuracy",
                Charts.pair("training", ta, "validation", va), file(ACCURACY_CHART));
    }

    // ---------------------------------------------------------------- model and checkpoint

    /**
     * Writes the best weights with the spec (and, for information, the config and epoch) as metadata.
     *
     * @return the SHA-256 of the file written, for the checkpoint to name it
     */
    public String writeModel(TrainConfig cfg, Map<String, NDArray> weights, int epoch, double valAcc) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("nabla.config", Json.write(RunConfig.toMap(cfg)));
        meta.put("nabla.epoch", Integer.toString(epoch));
        meta.put("nabla.val_acc", Double.toString(valAcc));
        if (dataset != null) meta.putAll(dataset.metadata());
        writing(MODEL);
        ModelFile.save(file(MODEL), cfg.model(), weights, meta);
        return sha256(file(MODEL));
    }

    /**
     * Writes {@code state} as {@value #CHECKPOINT} and then {@value #CHECKPOINT_JSON}, naming the config it was
     * trained with and the model file that holds its best weights (by SHA-256; null when there is none yet).
     */
    public void writeCheckpoint(TrainState state, double secondsSoFar, TrainConfig cfg, String modelSha256) {
        Map<String, NamedArray> tensors = new LinkedHashMap<>();
        Map<String, Object> f64 = new LinkedHashMap<>();
        put(tensors, f64, "weights.", state.weights());
        put(tensors, f64, "best.", state.bestWeights());
        put(tensors, f64, "optimizer.", state.optimizerState());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epochs_done", state.epochsDone());
        json.put("best_epoch", state.bestEpoch());
        json.put("best_val_acc", state.bestValAcc());
        json.put("seconds", secondsSoFar);
        json.put("config", RunConfig.toMap(cfg));
        json.put("model_sha256", modelSha256);
        json.put("history", historyToList(state.history()));
        json.put("tensors", new ArrayList<>(tensors.keySet()));
        // float64 arrays (if the optimizer keeps any) go into the JSON, whose numbers round-trip exactly
        json.put("float64", f64);
        String text = Json.pretty(json);
        writing(CHECKPOINT);
        SafeTensors.write(file(CHECKPOINT), tensors, Map.of("format", "nabla-checkpoint", STATE_KEY, text));
        writing(CHECKPOINT_JSON);
        AtomicFiles.writeString(file(CHECKPOINT_JSON), text);
    }

    /**
     * Makes the folder agree with {@code ck} after a crash: the model file is rewritten from the checkpoint's
     * best weights when it is missing or is not the one the checkpoint names (a crash between the two files, or
     * a full disk). History, charts and results are rewritten by the resumed run itself.
     *
     * @return the SHA-256 of the model file that now belongs to the checkpoint (null when it has no best weights)
     */
    public String repair(Checkpoint ck, TrainConfig cfg) {
        TrainState st = ck.state();
        if (st.bestWeights() == null || st.bestEpoch() == 0) {
            deleteModel();
            return null;
        }
        Path model = file(MODEL);
        if (ck.modelSha256() != null && Files.isRegularFile(model) && ck.modelSha256().equals(sha256(model))) {
            return ck.modelSha256();
        }
        return writeModel(cfg, st.bestWeights(), st.bestEpoch(), st.bestValAcc());
    }

    /**
     * Removes a model file no checkpoint names: one left by an attempt that crashed before its first
     * checkpoint, which a fresh start must not leave beside its own results.
     */
    public void deleteModel() {
        try {
            Files.deleteIfExists(file(MODEL));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file(MODEL), e);
        }
    }

    /**
     * The config keys whose values differ between {@code cfg} and the config {@code ck} was trained with, apart
     * from those a resume may change ({@code epochs}, {@code threads}) and those the checkpoint does not record
     * (settings added after it was written: the run's {@value #CONFIG} decides them); empty when they match or
     * the checkpoint records no config (one written before checkpoints named it).
     */
    public static List<String> configDifferences(Checkpoint ck, TrainConfig cfg) {
        List<String> out = new ArrayList<>();
        if (ck.config() == null) return out;
        // through JSON text, so that both sides hold the same types (lists and doubles)
        Map<String, Object> now = Json.parseObject(Json.write(RunConfig.toMap(cfg)), "config");
        Map<String, Object> then = ck.config();
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(now.keySet());
        keys.addAll(then.keySet());
        for (String k : keys) {
            if (k.equals("epochs") || k.equals("threads") || !then.containsKey(k)) continue;
            if (!Objects.equals(now.get(k), then.get(k))) {
                out.add(k + " (" + CONFIG + ": " + show(now.get(k)) + ", checkpoint: " + show(then.get(k)) + ")");
            }
        }
        return out;
    }

    /**
     * Refuses to resume from {@code ck} with {@code cfg} when they differ in more than epochs and threads (the
     * run would continue one run's weights under another's settings).
     *
     * @throws InputException naming each differing key with both values
     */
    public void checkConfigMatches(Checkpoint ck, TrainConfig cfg) {
        List<String> diff = configDifferences(ck, cfg);
        if (!diff.isEmpty()) {
            throw new InputException(dir + ": " + CONFIG + " no longer matches the config its " + CHECKPOINT
                    + " was trained with, in " + String.join("; ", diff) + "; restore " + CONFIG
                    + " or start a new run");
        }
    }

    private static String show(Object v) {
        if (v == null) return "not set";
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) parts.add(show(o));
            return String.join(",", parts);
        }
        return String.valueOf(v);
    }

    /** The SHA-256 of a file, as lowercase hex. */
    static String sha256(Path f) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] d = md.digest(Files.readAllBytes(f));
            StringBuilder sb = new StringBuilder(64);
            for (byte b : d) sb.append(String.format("%02x", b));
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    private static void writing(String name) {
        Consumer<String> hook = beforeWrite;
        if (hook != null) hook.accept(name);
    }

    private static void put(Map<String, NamedArray> tensors, Map<String, Object> f64, String prefix,
                            Map<String, NDArray> arrays) {
        if (arrays == null) return;
        arrays.forEach((k, v) -> {
            if (v.dtype() == DType.F64) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("shape", v.shape());
                a.put("data", v.toDoubleArray());
                f64.put(prefix + k, a);
            } else {
                tensors.put(prefix + k, new NamedArray(v.shape(), v.toFloatArray()));
            }
        });
    }

    /**
     * A checkpoint read back: the state to resume from, the seconds the run had taken, the config it was
     * trained with (as JSON values; null for a checkpoint that does not record it) and the SHA-256 of its model
     * file (null when unknown).
     */
    public record Checkpoint(TrainState state, double seconds, Map<String, Object> config, String modelSha256) {

        /**
         * This checkpoint in {@code model}'s parameter names. Checkpoints written before state dicts name the
         * parameters as the course does ({@code W1} [in, out], {@code b1}, ..., and optimizer buffers
         * {@code W1.momentum}, ...): their weights, best weights and optimizer state are renamed and transposed
         * ({@link CourseNames#fromCourse}). Any other checkpoint is returned as it is.
         */
        public Checkpoint inNamesOf(Module model) {
            TrainState s = state;
            if (!CourseNames.areCourseNames(s.weights().keySet())) return this;
            TrainState named = new TrainState(s.epochsDone(), CourseNames.fromCourse(model, s.weights()),
                    s.bestWeights() == null ? null : CourseNames.fromCourse(model, s.bestWeights()),
                    CourseNames.fromCourse(model, s.optimizerState()), s.history(), s.bestEpoch(), s.bestValAcc());
            return new Checkpoint(named, seconds, config, modelSha256);
        }
    }

    /**
     * Reads the last checkpoint.
     *
     * @throws InputException when the folder has none or it is damaged
     */
    public Checkpoint readCheckpoint() {
        Path f = file(CHECKPOINT);
        if (!Files.isRegularFile(f)) {
            throw new InputException(dir + " has no " + CHECKPOINT + " to resume from (a run writes it after its"
                    + " first epoch)");
        }
        SafeTensors.Contents c = SafeTensors.read(f);
        String text = c.metadata().get(STATE_KEY);
        if (text == null) throw new InputException(f + " has no '" + STATE_KEY + "' metadata: not a nabla checkpoint");
        Map<String, Object> json = Json.parseObject(text, f + " metadata " + STATE_KEY);
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>(), best = new LinkedHashMap<>(), opt = new LinkedHashMap<>();
            c.tensors().forEach((name, a) -> route(name, ModelFile.toNDArray(a), weights, best, opt, f));
            @SuppressWarnings("unchecked")
            Map<String, Object> f64 = (Map<String, Object>) json.getOrDefault("float64", Map.of());
            f64.forEach((name, v) -> route(name, f64Array(v), weights, best, opt, f));
            TrainState st = new TrainState(intOf(json.get("epochs_done")), weights, best, opt,
                    historyFromList((List<?>) json.get("history")), intOf(json.get("best_epoch")),
                    doubleOf(json.get("best_val_acc")));
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) json.get("config");
            Object sha = json.get("model_sha256");
            return new Checkpoint(st, doubleOf(json.getOrDefault("seconds", 0.0)), config,
                    sha == null ? null : sha.toString());
        } catch (ClassCastException | NullPointerException e) {
            throw new InputException(f + ": the checkpoint's state is incomplete or malformed (" + e.getMessage() + ")");
        }
    }

    private static void route(String name, NDArray a, Map<String, NDArray> weights, Map<String, NDArray> best,
                              Map<String, NDArray> opt, Path f) {
        if (name.startsWith("weights.")) weights.put(name.substring(8), a);
        else if (name.startsWith("best.")) best.put(name.substring(5), a);
        else if (name.startsWith("optimizer.")) opt.put(name.substring(10), a);
        else throw new InputException(f + ": unexpected tensor '" + name + "' in a checkpoint");
    }

    private static NDArray f64Array(Object v) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        List<?> shape = (List<?>) m.get("shape");
        List<?> data = (List<?>) m.get("data");
        int[] s = new int[shape.size()];
        for (int i = 0; i < s.length; i++) s[i] = intOf(shape.get(i));
        double[] d = new double[data.size()];
        for (int i = 0; i < d.length; i++) d[i] = doubleOf(data.get(i));
        return NDArray.of(d, s);
    }

    // ---------------------------------------------------------------- history as JSON

    static List<Map<String, Object>> historyToList(List<EpochMetrics> history) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EpochMetrics m : history) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("epoch", m.epoch());
            e.put("train_loss", m.trainLoss());
            e.put("train_acc", m.trainAcc());
            e.put("val_loss", m.valLoss());
            e.put("val_acc", m.valAcc());
            e.put("train_seconds", m.trainSeconds());
            e.put("eval_seconds", m.evalSeconds());
            out.add(e);
        }
        return out;
    }

    static List<EpochMetrics> historyFromList(List<?> list) {
        List<EpochMetrics> out = new ArrayList<>();
        for (Object o : list) {
            Map<?, ?> e = (Map<?, ?>) o;
            out.add(new EpochMetrics(intOf(e.get("epoch")), doubleOf(e.get("train_loss")),
                    doubleOf(e.get("train_acc")), doubleOf(e.get("val_loss")), doubleOf(e.get("val_acc")),
                    doubleOf(e.get("train_seconds")), doubleOf(e.get("eval_seconds"))));
        }
        return out;
    }

    private static int intOf(Object o) {
        return ((Number) o).intValue();
    }

    // JSON has no NaN: the writer stores non-finite numbers as null
    private static double doubleOf(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }
}
