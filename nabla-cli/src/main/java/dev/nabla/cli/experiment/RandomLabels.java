package dev.nabla.cli.experiment;

import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.plot.Charts;
import dev.nabla.data.ImageSet;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.train.EpochMetrics;
import dev.nabla.train.Splits;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainListener;
import dev.nabla.train.TrainResult;
import dev.nabla.train.TrainState;
import dev.nabla.train.Trainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The randomization test: the same network and optimizer trained on a training subset whose labels or pixels
 * are corrupted ({@link Corruption}), then tested on the (equally corrupted-pixel, clean-label) test set. Every
 * epoch is kept (no best-model selection): the question is what the network can fit, and how the fitted
 * network then generalizes.
 */
public final class RandomLabels {

    /** One training condition: a label-corruption level, or a pixel corruption. */
    public record Condition(String name, double p, String pixels) {
        static final Condition SHUFFLED_PIXELS = new Condition("shuffled pixels", Double.NaN, "shuffled");
        static final Condition RANDOM_PIXELS = new Condition("random pixels", Double.NaN, "random");
        static final Condition GAUSSIAN = new Condition("gaussian", Double.NaN, "gaussian");

        static Condition labels(double p) {
            String name = p == 0 ? "true labels" : p == 1 ? "random labels" : String.format(Locale.ROOT, "labels %.0f%% random", 100 * p);
            return new Condition(name, p, null);
        }

        /** The training and test sets of this condition (labels are corrupted in training only). */
        MnistSplits apply(ImageSet train, ImageSet test, long seed) {
            ImageSet empty = train.slice(0, 0);
            if (pixels == null) return new MnistSplits(Corruption.randomLabels(train, p, seed), empty, test);
            return switch (pixels) {
                // the same permutation for training and test images: the structure is hidden, not destroyed
                case "shuffled" -> new MnistSplits(Corruption.shuffledPixels(train, seed), empty, Corruption.shuffledPixels(test, seed));
                case "random" -> new MnistSplits(Corruption.randomPixels(train, seed), empty, Corruption.randomPixels(test, seed + 1));
                default -> new MnistSplits(Corruption.gaussianPixels(train, seed), empty, Corruption.gaussianPixels(test, seed + 1));
            };
        }
    }

    /** What one condition reached. */
    public record Outcome(Condition condition, List<EpochMetrics> history, double finalTrainAcc, double finalTrainLoss,
                          double testAcc, double seconds, String status) {
    }

    private final TrainConfig cfg;
    private final int trainSize;
    private final List<Condition> conditions;
    private final Path dir;
    private final PrintWriter log;

    public RandomLabels(TrainConfig cfg, int trainSize, List<Condition> conditions, Path dir, PrintWriter log) {
        this.cfg = cfg.withThreads(0);
        this.trainSize = trainSize;
        this.conditions = conditions;
        this.dir = dir;
        this.log = log;
    }

    /** Trains every condition ({@code parallel} at a time, sharing the cores) and writes the report. */
    public Report run(MnistSplits data, int parallel) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        ImageSet train = data.train().slice(0, trainSize);
        int cores = Runtime.getRuntime().availableProcessors();
        int p = Math.max(1, Math.min(parallel, conditions.size()));
        int threadsEach = Math.max(1, cores / p);
        log.printf("randomization test: %d conditions, %d training images, %s, %d epochs; %d at a time%n",
                conditions.size(), trainSize, RunConfig.describe(cfg), cfg.epochs(), p);
        log.flush();
        Outcome[] outcomes = new Outcome[conditions.size()];
        ExecutorService pool = Executors.newFixedThreadPool(p, r -> {
            Thread t = new Thread(r, "nabla-condition");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < conditions.size(); i++) {
                int idx = i;
                futures.add(pool.submit(() -> {
                    try (var ctx = ExecutionContext.withThreads(threadsEach)) {
                        outcomes[idx] = train(conditions.get(idx), train, data.test(), cfg.seed() + idx);
                    }
                    synchronized (this) {
                        write(outcomes);
                    }
                }));
            }
            for (Future<?> f : futures) f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        return write(outcomes);
    }

    private Outcome train(Condition c, ImageSet train, ImageSet test, long seed) {
        MnistSplits splits = c.apply(train, test, seed);
        Module model = Models.build(cfg.model());
        TrainListener progress = new TrainListener() {
            @Override
            public void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
                if (m.epoch() == 1 || m.epoch() % 10 == 0 || m.epoch() == cfg.epochs()) {
                    say(c, String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.4f", m.epoch(), cfg.epochs(),
                            m.trainLoss(), m.trainAcc()));
                }
            }
        };
        TrainResult r = Trainer.fit(model, Trainer.optimizer(model, cfg), Splits.of(splits.train(), splits.validation(), splits.test()),
                cfg, progress, null);
        List<EpochMetrics> h = r.history();
        double lastLoss = h.isEmpty() ? Double.NaN : h.get(h.size() - 1).trainLoss();
        say(c, String.format(Locale.ROOT, "done: train acc %.4f, test acc %.4f, %.1f s", r.finalTrainAcc(), r.testAcc(), r.seconds()));
        return new Outcome(c, h, r.finalTrainAcc(), lastLoss, r.testAcc(), r.seconds(), r.status());
    }

    private synchronized void say(Condition c, String text) {
        log.printf("[%s] %s%n", c.name(), text);
        log.flush();
    }

    /** The finished conditions as tables and plots (those still running are left out). */
    private Report write(Outcome[] outcomes) {
        List<Outcome> done = new ArrayList<>();
        for (Outcome o : outcomes) if (o != null) done.add(o);
        Report report = new Report(cfg, trainSize, done);
        AtomicFiles.writeString(dir.resolve("results.md"), report.markdown());
        AtomicFiles.writeString(dir.resolve("results.json"), report.json());
        List<Charts.Series> loss = new ArrayList<>();
        List<Double> ps = new ArrayList<>(), testAcc = new ArrayList<>(), trainAcc = new ArrayList<>();
        for (Outcome o : done) {
            double[] l = o.history().stream().mapToDouble(EpochMetrics::trainLoss).filter(Double::isFinite).toArray();
            if (l.length > 0) loss.add(Charts.Series.indexed(o.condition().name(), l));
            if (o.condition().pixels() == null) {
                ps.add(o.condition().p());
                testAcc.add(o.testAcc());
                trainAcc.add(o.finalTrainAcc());
            }
        }
        if (!loss.isEmpty()) {
            Charts.lines("Training loss per epoch (" + trainSize + " images, " + RunConfig.describeModel(cfg.model()) + ")",
                    "epoch", "training loss", loss, Charts.Style.curves().withMarkers(false), dir.resolve("train_loss"));
        }
        if (!ps.isEmpty()) {
            double[] x = ps.stream().mapToDouble(Double::doubleValue).toArray();
            double[] order = x.clone();
            java.util.Arrays.sort(order);
            Charts.lines("Accuracy against label corruption p", "label corruption p", "accuracy",
                    List.of(new Charts.Series("test accuracy", sorted(x, testAcc), sortedY(x, testAcc)),
                            new Charts.Series("final training accuracy", sorted(x, trainAcc), sortedY(x, trainAcc))),
                    Charts.Style.curves().withIntegerX(false), dir.resolve("test_accuracy_vs_p"));
        }
        return report;
    }

    private static double[] sorted(double[] x, List<Double> y) {
        double[] s = x.clone();
        java.util.Arrays.sort(s);
        return s;
    }

    private static double[] sortedY(double[] x, List<Double> y) {
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(x[a], x[b]));
        double[] out = new double[x.length];
        for (int i = 0; i < idx.length; i++) out[i] = y.get(idx[i]);
        return out;
    }

    /** The results: a table per condition and the verdict on memorization vs generalization. */
    public record Report(TrainConfig cfg, int trainSize, List<Outcome> outcomes) {

        public String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "Randomization test: %s, %d training images, %d epochs%n%n",
                    RunConfig.describe(cfg), trainSize, cfg.epochs()));
            sb.append("| condition | label corruption p | final train loss | final train acc | test acc | seconds |\n");
            sb.append("| --- | --- | --- | --- | --- | --- |\n");
            for (Outcome o : outcomes) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f | %.1f |%n", o.condition().name(),
                        Double.isNaN(o.condition().p()) ? "" : RunConfig.number(o.condition().p()).replaceAll("\\.0$", ""),
                        o.finalTrainLoss(), o.finalTrainAcc(), o.testAcc(), o.seconds()));
            }
            return sb.toString();
        }

        /** One sentence on what the numbers show, for the console and the README. */
        public String verdict() {
            Outcome random = null, clean = null;
            for (Outcome o : outcomes) {
                if (o.condition().pixels() == null && o.condition().p() == 1) random = o;
                if (o.condition().pixels() == null && o.condition().p() == 0) clean = o;
            }
            if (random == null || clean == null) return "";
            return String.format(Locale.ROOT, "With random labels the network reaches %.1f%% training accuracy (true labels: %.1f%%)"
                            + " while its test accuracy is %.1f%% (true labels: %.1f%%; chance: 10%%): it %s the random labels%s.",
                    100 * random.finalTrainAcc(), 100 * clean.finalTrainAcc(), 100 * random.testAcc(), 100 * clean.testAcc(),
                    random.finalTrainAcc() > 0.95 ? "memorizes" : "does not (yet) fit",
                    random.finalTrainAcc() > 0.95 ? ", which teaches it nothing that generalizes" : "; train longer (--epochs)");
        }

        public String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("config", RunConfig.toMap(cfg));
            m.put("train_size", trainSize);
            List<Object> rows = new ArrayList<>();
            for (Outcome o : outcomes) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("condition", o.condition().name());
                r.put("p", Double.isNaN(o.condition().p()) ? null : o.condition().p());
                r.put("final_train_loss", o.finalTrainLoss());
                r.put("final_train_acc", o.finalTrainAcc());
                r.put("test_acc", o.testAcc());
                r.put("seconds", o.seconds());
                r.put("status", o.status());
                List<Object> loss = new ArrayList<>();
                for (EpochMetrics e : o.history()) loss.add(e.trainLoss());
                r.put("train_loss", loss);
                rows.add(r);
            }
            m.put("conditions", rows);
            m.put("verdict", verdict());
            return Json.pretty(m);
        }
    }
}
