package dev.nabla.cli.sweep;

import dev.nabla.InputException;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.plot.Charts;
import dev.nabla.cli.run.RunFolder;
import dev.nabla.cli.run.RunLock;
import dev.nabla.cli.run.RunRecorder;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.train.EpochMetrics;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainListener;
import dev.nabla.train.TrainResult;
import dev.nabla.train.TrainState;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the trials of a sweep in one folder and keeps its tables up to date.
 *
 * <p>Layout: {@code sweep.json} (the plan: base settings, every trial's overrides, threads per trial), one run
 * folder per trial ({@code trial-01/}, ... as {@code nabla train} writes them), and, rewritten after every
 * finished trial, {@code results.md}, {@code results.csv}, {@code results.json} and the overlay plots
 * {@code val_accuracy.png/.svg} and {@code val_loss.png/.svg}. A killed sweep loses at most the trials in flight:
 * on resume a finished trial is read back, an unfinished one continues from its last checkpoint (which ends
 * exactly as an uninterrupted run would), and one with no checkpoint starts again.
 */
public final class Sweep {
    public static final String PLAN = "sweep.json";

    /** The settings a trial may vary: those of train, except the thread count, which the sweep shares out. */
    public static final List<String> SWEEPABLE = RunConfig.KEYS.stream().filter(k -> !k.equals("threads")).toList();

    /**
     * The plan as saved: what to run, with how many threads each and on which data folder, so that a resumed
     * sweep runs the same bits.
     */
    public record Plan(Map<String, String> base, List<Map<String, String>> trials, int threadsPerTrial, String command,
                       String data, double validationFraction, String dataset) {

        public Plan {
            if (dataset == null) dataset = ImageDataset.MNIST.name();
        }

        /** A plan for MNIST (or an unnamed folder in its layout). */
        public Plan(Map<String, String> base, List<Map<String, String>> trials, int threadsPerTrial, String command,
                    String data, double validationFraction) {
            this(base, trials, threadsPerTrial, command, data, validationFraction, ImageDataset.MNIST.name());
        }

        /** The base settings that were given (by file, option or code) as text, for the plan file. */
        public static Map<String, String> baseText(RunConfig base) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String k : RunConfig.KEYS) {
                Object v = base.get(k);
                if (v == null || k.equals("threads")) continue;
                out.put(k, text(v));
            }
            return out;
        }

        private static String text(Object v) {
            if (v instanceof int[] a) {
                StringBuilder sb = new StringBuilder();
                for (int x : a) sb.append(sb.length() > 0 ? "," : "").append(x);
                return sb.toString();
            }
            if (v instanceof List<?> l) {
                StringBuilder sb = new StringBuilder();
                for (Object x : l) sb.append(sb.length() > 0 ? "," : "").append(x);
                return sb.toString();
            }
            if (v instanceof Double d) return RunConfig.number(d);
            return String.valueOf(v);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", command);
            m.put("base", new LinkedHashMap<String, Object>(base));
            List<Object> t = new ArrayList<>();
            for (Map<String, String> tr : trials) t.add(new LinkedHashMap<String, Object>(tr));
            m.put("trials", t);
            m.put("threads_per_trial", threadsPerTrial);
            m.put("data", data);
            m.put("val_fraction", validationFraction);
            m.put("dataset", dataset);
            return m;
        }

        @SuppressWarnings("unchecked")
        public static Plan read(Path dir) {
            Path f = dir.resolve(PLAN);
            if (!Files.isRegularFile(f)) throw new InputException("--resume " + dir + ": no " + PLAN + " there (not a sweep folder)");
            try {
                Map<String, Object> m = Json.parseObject(Files.readString(f), f.toString());
                Map<String, String> base = strings((Map<String, Object>) m.get("base"));
                List<Map<String, String>> trials = new ArrayList<>();
                for (Object o : (List<Object>) m.get("trials")) trials.add(strings((Map<String, Object>) o));
                int threads = ((Number) m.get("threads_per_trial")).intValue();
                if (threads < 1 || threads > RunConfig.maxThreads()) {
                    throw new InputException(f + ": threads_per_trial = " + threads + " is not allowed: expected "
                            + RunConfig.threadsAllowed());
                }
                Object data = m.get("data");
                // a plan from before the fraction was recorded: the course's split
                double fraction = ((Number) m.getOrDefault("val_fraction", Mnist.DEFAULT_VALIDATION_FRACTION)).doubleValue();
                if (!(fraction >= 0 && fraction < 1)) {
                    throw new InputException(f + ": val_fraction = " + fraction + " is not allowed: expected a number in [0, 1)");
                }
                // a plan from before data sets were named: MNIST
                Object dataset = m.get("dataset");
                if (dataset != null) ImageDataset.byName(dataset.toString(), f + ": dataset =");
                return new Plan(base, trials, threads, String.valueOf(m.get("command")), data == null ? null : data.toString(),
                        fraction, dataset == null ? null : dataset.toString().strip().toLowerCase(java.util.Locale.ROOT));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            } catch (ClassCastException | NullPointerException e) {
                throw new InputException(f + ": malformed sweep plan (" + e.getMessage() + ")");
            }
        }

        private static Map<String, String> strings(Map<String, Object> m) {
            Map<String, String> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, String.valueOf(v)));
            return out;
        }
    }

    private final Path dir;
    private final Plan plan;
    private final RunConfig base;
    private final PrintWriter log;

    /**
     * @param base the base configuration, already checked; {@code plan.base()} is its text form for the plan file
     */
    public Sweep(Path dir, Plan plan, RunConfig base, PrintWriter log) {
        this.dir = dir;
        this.plan = plan;
        this.base = base;
        this.log = log;
    }

    /** Resolves every trial's configuration now, so that a bad combination fails before anything runs. */
    public List<TrainConfig> configs() {
        List<TrainConfig> out = new ArrayList<>();
        for (int i = 0; i < plan.trials().size(); i++) {
            RunConfig rc = base;
            for (Map.Entry<String, String> e : plan.trials().get(i).entrySet()) {
                rc = rc.with(e.getKey(), e.getValue(), "--param " + e.getKey() + " (trial " + (i + 1) + ")");
            }
            // threads are the sweep's to share out: trials leave the global setting alone
            out.add(rc.resolve().withThreads(0));
        }
        return out;
    }

    /**
     * Refuses trial folders that are symbolic links (or not folders): a trial's files must stay inside the
     * sweep folder, not land wherever a link points.
     *
     * @throws InputException naming the first such trial folder and its target
     */
    public void checkTrialFolders() {
        for (int i = 1; i <= plan.trials().size(); i++) {
            Path t = dir.resolve(trialName(i));
            if (Files.isSymbolicLink(t)) {
                String target;
                try {
                    target = Files.readSymbolicLink(t).toString();
                } catch (IOException e) {
                    target = "?";
                }
                throw new InputException(t + " is a symbolic link (to " + target + "); a trial's files must stay"
                        + " inside the sweep folder: remove the link");
            }
            if (Files.exists(t) && !Files.isDirectory(t)) {
                throw new InputException(t + " is a file, not a trial folder: move it out of the sweep folder");
            }
        }
    }

    public static String trialName(int index) {
        return String.format(Locale.ROOT, "trial-%02d", index);
    }

    /**
     * Runs trials somewhere: given the 1-based indices of the unfinished ones, it runs each (in this JVM or on a
     * cluster, which then leaves the trial's run folder under the sweep folder) and reports it as it ends.
     */
    public interface TrialExecutor {
        void run(List<Integer> trials, java.util.function.BiConsumer<Integer, TrialResult> finished);
    }

    /** Runs the unfinished trials, {@code parallel} at a time in this JVM, and returns every trial's result in plan order. */
    public List<TrialResult> run(MnistSplits data, int parallel) {
        List<TrainConfig> configs = configs();
        return run((todo, finished) -> runLocally(todo, finished, configs, data, parallel));
    }

    /** Runs the unfinished trials with {@code executor} and returns every trial's result in plan order. */
    public List<TrialResult> run(TrialExecutor executor) {
        int n = configs().size();
        checkTrialFolders();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        AtomicFiles.writeString(dir.resolve(PLAN), Json.pretty(plan.toMap()));
        TrialResult[] results = new TrialResult[n];
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TrialResult done = readFinished(i + 1);
            if (done != null) results[i] = done;
            else todo.add(i + 1);
        }
        if (todo.size() < n) log.printf("%d of %d trials already finished in %s%n", n - todo.size(), n, dir);
        log.flush();
        writeTables(results);
        executor.run(todo, (index, result) -> {
            synchronized (this) {
                results[index - 1] = result;
                writeTables(results);
            }
        });
        writeTables(results);
        return List.of(results);
    }

    private void runLocally(List<Integer> todo, java.util.function.BiConsumer<Integer, TrialResult> finished,
                            List<TrainConfig> configs, MnistSplits data, int parallel) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, Math.max(todo.size(), 1))), r -> {
            Thread t = new Thread(r, "nabla-trial");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i : todo) {
                futures.add(pool.submit(() -> {
                    // each trial its own kernel threads: trials running side by side do not share a team
                    TrialResult r;
                    try (var ctx = ExecutionContext.withThreads(plan.threadsPerTrial())) {
                        r = runTrial(i, configs.get(i - 1), data);
                    }
                    finished.accept(i, r);
                }));
            }
            awaitAll(futures);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Waits for every trial submitted side by side (locally or to a cluster); a trial's unchecked exception is
     * rethrown as it was thrown.
     */
    public static void awaitAll(List<? extends Future<?>> trials) {
        for (Future<?> f : trials) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("sweep interrupted", e);
            }
        }
    }

    /** Runs trial {@code index} (1-based) in this JVM into its run folder under the sweep folder. */
    public TrialResult runTrial(int index, MnistSplits data) {
        return runTrial(index, configs().get(index - 1), data);
    }

    /**
     * The result of trial {@code index} from its run folder when it ended (ok or diverged); otherwise a row with
     * status "failed" (NaN metrics) naming nothing more: the reason goes to the log and the trial runs again on
     * resume.
     */
    public TrialResult finishedOrFailed(int index, double seconds) {
        TrialResult done = readFinished(index);
        if (done != null) return done;
        return new TrialResult(index, plan.trials().get(index - 1), FAILED, Double.NaN, Double.NaN, Double.NaN, 0,
                seconds, trialName(index), List.of(), List.of());
    }

    /** The status of a trial that threw or whose task was lost for good; such a trial runs again on resume. */
    public static final String FAILED = "failed";

    /** The base settings of a saved plan (as {@code --resume} reads them), checked by their declarations. */
    public static RunConfig baseConfig(Plan plan) {
        RunConfig base = RunConfig.defaults();
        for (Map.Entry<String, String> e : plan.base().entrySet()) base = base.with(e.getKey(), e.getValue(), PLAN + ": base." + e.getKey());
        return base;
    }

    private TrialResult runTrial(int index, TrainConfig cfg, MnistSplits data) {
        Path trialDir = dir.resolve(trialName(index));
        try (RunLock lock = RunLock.acquire(trialDir, "a trial of nabla sweep")) {
            return runTrial(index, cfg, data, trialDir);
        }
    }

    private TrialResult runTrial(int index, TrainConfig cfg, MnistSplits data, Path trialDir) {
        RunFolder folder = new RunFolder(trialDir);
        RunFolder.Checkpoint resume = null;
        if (Files.isRegularFile(folder.file(RunFolder.CHECKPOINT))) {
            resume = folder.readCheckpoint();
            say(index, "continuing after epoch " + resume.state().epochsDone());
        }
        String label = label(plan.trials().get(index - 1));
        TrainListener progress = new TrainListener() {
            @Override
            public void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
                say(index, String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.4f  val loss %.4f acc %.4f%s",
                        m.epoch(), cfg.epochs(), m.trainLoss(), m.trainAcc(), m.valLoss(), m.valAcc(), newBest ? "  *" : ""));
            }

            @Override
            public void onDiverged(int epoch, int batch, String message) {
                say(index, message);
            }
        };
        say(index, "starting: " + label);
        if (plan.data() != null) folder.writeDataSource(new RunFolder.DataSource(Path.of(plan.data()), plan.validationFraction(),
                data.dataset()));
        TrainResult r = RunRecorder.runTraining(cfg, data, trialDir, resume, progress);
        say(index, String.format(Locale.ROOT, "%s: best val acc %.4f (epoch %d), test acc %.4f, %.1f s",
                r.status(), r.bestValAcc(), r.bestEpoch(), r.testAcc(), r.seconds()));
        return fromRun(index, plan.trials().get(index - 1), r.status(), r.finalTrainAcc(), r.bestValAcc(), r.testAcc(),
                r.bestEpoch(), r.seconds(), trialDir, r.history());
    }

    private synchronized void say(int index, String text) {
        log.printf("[%s/%d] %s%n", trialName(index).substring(6), plan.trials().size(), text);
        log.flush();
    }

    private static String label(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.length() > 0 ? " " : "").append(k).append('=').append(v));
        return sb.toString();
    }

    private static TrialResult fromRun(int index, Map<String, String> params, String status, double finalTrain,
                                       double bestVal, double test, int bestEpoch, double seconds, Path trialDir,
                                       List<EpochMetrics> history) {
        List<Double> va = new ArrayList<>(), vl = new ArrayList<>();
        for (EpochMetrics m : history) {
            va.add(m.valAcc());
            vl.add(m.valLoss());
        }
        return new TrialResult(index, params, status, finalTrain, bestVal, test, bestEpoch, seconds,
                trialDir.getFileName().toString(), va, vl);
    }

    /** A trial whose results.json says it ended (ok or diverged), or null. */
    @SuppressWarnings("unchecked")
    private TrialResult readFinished(int index) {
        Path f = dir.resolve(trialName(index)).resolve(RunFolder.RESULTS);
        if (!Files.isRegularFile(f)) return null;
        try {
            Map<String, Object> m = Json.parseObject(Files.readString(f), f.toString());
            String status = String.valueOf(m.get("status"));
            if (!status.equals(TrainResult.OK) && !status.equals(TrainResult.DIVERGED)) return null;
            List<EpochMetrics> history = new ArrayList<>();
            for (Object o : (List<Object>) m.get("history")) {
                Map<String, Object> e = (Map<String, Object>) o;
                history.add(new EpochMetrics(num(e.get("epoch")).intValue(), d(e.get("train_loss")), d(e.get("train_acc")),
                        d(e.get("val_loss")), d(e.get("val_acc")), d(e.get("train_seconds")), d(e.get("eval_seconds"))));
            }
            return fromRun(index, plan.trials().get(index - 1), status, d(m.get("final_train_acc")), d(m.get("best_val_acc")),
                    d(m.get("test_acc")), num(m.get("best_epoch")).intValue(), d(m.get("seconds")), f.getParent(), history);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        } catch (ClassCastException | NullPointerException e) {
            return null; // a damaged file: run the trial again
        }
    }

    private static Number num(Object o) {
        return (Number) o;
    }

    private static double d(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }

    /**
     * A self-contained Markdown report of a finished sweep at {@code file}: the command, the table, the best trial
     * and its test accuracy, and the overlay plots (linked relative to the report's folder).
     */
    public void writeReport(Path file, String title, List<TrialResult> results) {
        Path parent = file.toAbsolutePath().getParent();
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
        sb.append("Generated by:\n\n```\n").append(plan.command()).append("\n```\n\n");
        if (!plan.base().isEmpty()) {
            sb.append("Settings shared by all trials: ");
            StringBuilder b = new StringBuilder();
            java.util.Set<String> swept = new java.util.HashSet<>();
            for (Map<String, String> t : plan.trials()) swept.addAll(t.keySet());
            plan.base().forEach((k, v) -> {
                if (!swept.contains(k)) b.append(b.length() > 0 ? ", " : "").append(k).append('=').append(v);
            });
            sb.append(b).append(".\n\n");
        }
        sb.append(SweepTable.markdown(results)).append('\n');
        int best = SweepTable.best(results);
        if (best >= 0) {
            TrialResult t = results.get(best);
            sb.append(String.format(Locale.ROOT, "Best trial by validation accuracy: #%d (%s): validation accuracy %.4f at epoch %d, "
                    + "test accuracy of that model **%.4f**, final training accuracy %.4f.%n%n",
                    t.index(), t.label(), t.bestValAcc(), t.bestEpoch(), t.testAcc(), t.finalTrainAcc()));
        }
        for (String chart : List.of("val_accuracy", "val_loss")) {
            Path png = dir.resolve(chart + ".png").toAbsolutePath();
            if (Files.isRegularFile(png)) {
                sb.append("![").append(chart.replace('_', ' ')).append("](")
                        .append(parent.relativize(png).toString().replace('\\', '/')).append(")\n\n");
            }
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** The values up to the first non-finite one (a diverged trial's curve stops there). */
    private static double[] finitePrefix(List<Double> values) {
        int n = 0;
        while (n < values.size() && Double.isFinite(values.get(n))) n++;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = values.get(i);
        return out;
    }

    /** Rewrites the tables and plots from the trials finished so far (nulls are trials still to run). */
    private void writeTables(TrialResult[] results) {
        List<TrialResult> done = new ArrayList<>();
        for (TrialResult r : results) if (r != null) done.add(r);
        done.sort(Comparator.comparingInt(TrialResult::index));
        AtomicFiles.writeString(dir.resolve("results.md"), SweepTable.markdown(done));
        AtomicFiles.writeString(dir.resolve("results.csv"), SweepTable.csv(done));
        AtomicFiles.writeString(dir.resolve("results.json"), SweepTable.jsonText(done));
        if (done.isEmpty()) return;
        List<Charts.Series> acc = new ArrayList<>(), loss = new ArrayList<>();
        int best = SweepTable.best(done);
        for (int i = 0; i < done.size(); i++) {
            TrialResult t = done.get(i);
            String name = t.label() + (i == best ? " (best)" : "") + ("ok".equals(t.status()) ? "" : " (" + t.status() + ")");
            if (finitePrefix(t.valAcc()).length == 0) continue;
            acc.add(Charts.Series.indexed(name, finitePrefix(t.valAcc())));
            double[] vl = finitePrefix(t.valLoss());
            if (vl.length > 0) loss.add(Charts.Series.indexed(name, vl));
        }
        if (acc.isEmpty()) return;
        String title = "Validation %s per epoch, " + done.size() + " trial" + (done.size() == 1 ? "" : "s");
        Charts.lines(String.format(title, "accuracy"), "epoch", "validation accuracy", acc, Charts.Style.curves(), dir.resolve("val_accuracy"));
        Charts.lines(String.format(title, "loss"), "epoch", "validation loss", loss, Charts.Style.curves(), dir.resolve("val_loss"));
    }
}
