package dev.nabla.cli.experiment;

import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.plot.Charts;
import dev.nabla.data.ImageSet;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;
import dev.nabla.loss.CrossEntropyLoss;
import dev.nabla.loss.Loss;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.nn.Parameter;
import dev.nabla.optim.Optimizer;
import dev.nabla.train.Batch;
import dev.nabla.train.DataLoader;
import dev.nabla.train.Evaluator;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.Trainer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SGD is not a descent method: the same network, from the same initial weights, trained for the same number of
 * steps by full-batch gradient descent and by SGD at several batch sizes. After every step the training loss is
 * evaluated, on all training images (the objective that gradient descent lowers) or on the first
 * {@code evalSize}; the fraction of steps on which it went up is counted. Full-batch gradient descent with a small enough rate lowers it on
 * every step; SGD's steps follow one batch's gradient and raise it on a good share of them.
 */
public final class SgdNoise {

    /**
     * One batch size's run.
     *
     * @param initialTrainLoss the training loss before the first step, against which the first step is counted
     * @param trainLoss        the training loss after each step
     * @param upFraction       the fraction of steps after which the training loss was higher than before them
     */
    public record Outcome(int batchSize, boolean fullBatch, double initialTrainLoss, double[] batchLoss, double[] trainLoss, double upFraction,
                          double finalTrainAcc, double testAcc, double seconds) {
        String name() {
            return fullBatch ? "full batch (GD)" : "batch " + batchSize;
        }
    }

    private final TrainConfig cfg;
    private final List<Integer> batchSizes;
    private final int steps;
    private final int evalSize;
    private final Path dir;
    private final PrintWriter log;

    /**
     * @param cfg        model, learning rate, seed (optimizer sgd without momentum; batch size per run)
     * @param batchSizes batch sizes; one that is the training set's size (or larger) is full-batch gradient descent
     * @param steps      steps per run
     * @param evalSize   training images whose loss is evaluated after each step (the first ones; all when it is
     *                   the training set's size or more)
     */
    public SgdNoise(TrainConfig cfg, List<Integer> batchSizes, int steps, int evalSize, Path dir, PrintWriter log) {
        this.cfg = cfg;
        this.batchSizes = batchSizes;
        this.steps = steps;
        this.evalSize = evalSize;
        this.dir = dir;
        this.log = log;
    }

    public Report run(ImageSet train, ImageSet test) {
        Experiments.createFolder(dir);
        List<Outcome> done = new ArrayList<>();
        for (int b : batchSizes) {
            done.add(train(Math.min(b, train.count()), train, test));
            write(done, train.count());
        }
        return write(done, train.count());
    }

    /**
     * Images per forward and backward pass of full-batch gradient descent, and per pass of the loss evaluations:
     * the whole set's gradient is the sum of its chunks' gradients, weighted by their sizes. Whole-set passes
     * allocated [trainSize, ...] arrays every step, too large for the young generation: the JVM promoted them
     * and let its heap grow to gigabytes of garbage between full collections.
     */
    static final int CHUNK = 1000;

    private Outcome train(int batchSize, ImageSet train, ImageSet test) {
        long t0 = System.nanoTime();
        TrainConfig c = cfg.withBatchSize(batchSize);
        Module model = Models.build(c.model()); // the same seed: the same initial weights for every batch size
        Optimizer opt = Trainer.optimizer(model, c);
        Loss loss = new CrossEntropyLoss();
        boolean fullBatch = batchSize >= train.count();
        DataLoader chunks = new DataLoader(train, CHUNK, false, 0); // views, in a fixed order: no copies
        Iterator<Batch> batches = fullBatch ? null : everyEpoch(new DataLoader(train, batchSize, true, c.seed()));
        DataLoader eval = new DataLoader(train.slice(0, Math.min(evalSize, train.count())), CHUNK, false, 0);
        double[] batchLoss = new double[steps], trainLoss = new double[steps];
        double initial = Evaluator.evaluate(model, eval, loss, null).loss(), before = initial;
        int up = 0;
        try (var on = Grad.enabled()) {
            for (int step = 0; step < steps; step++) {
                if (fullBatch) {
                    batchLoss[step] = gradient(model, loss, chunks.batches(1), train.count());
                } else {
                    Batch b = batches.next();
                    batchLoss[step] = gradient(model, loss, List.of(b), b.size());
                }
                opt.step();
                double after = Evaluator.evaluate(model, eval, loss, null).loss();
                if (after > before) up++;
                trainLoss[step] = before = after;
            }
        }
        double trainAcc = Evaluator.evaluate(model, chunks, loss, null).accuracy();
        double testAcc = Evaluator.evaluate(model, new DataLoader(test, CHUNK, false, 0), loss, null).accuracy();
        Outcome o = new Outcome(batchSize, fullBatch, initial, batchLoss, trainLoss, (double) up / steps,
                trainAcc, testAcc, (System.nanoTime() - t0) / 1e9);
        log.printf(Locale.ROOT, "[%s] loss went up on %.1f%% of %d steps; final training loss %.4f, train acc %.4f, test acc %.4f, %.1f s%n",
                o.name(), 100 * o.upFraction(), steps, trainLoss[steps - 1], trainAcc, testAcc, o.seconds());
        log.flush();
        return o;
    }

    /** The loader's batches, epoch 1, 2, ... one after another, without end. */
    private static Iterator<Batch> everyEpoch(DataLoader loader) {
        return new Iterator<>() {
            private int epoch;
            private Iterator<Batch> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Batch next() {
                while (!current.hasNext()) current = loader.batches(++epoch).iterator();
                return current.next();
            }
        };
    }

    /**
     * Leaves the gradient of the mean loss over {@code parts} ({@code total} samples in all) in the model's
     * parameters and returns that mean loss: each part's mean loss weighted by its share of the samples.
     */
    static double gradient(Module model, Loss loss, Iterable<Batch> parts, int total) {
        for (Parameter p : model.parameters()) p.tensor().releaseGrad();
        double mean = 0;
        for (Batch b : parts) {
            Tensor l = loss.forward(model.forward(b.x()), b.labels(), b.targets());
            if (b.size() == total) {
                mean = l.item();
                l.backward();
            } else {
                double share = (double) b.size() / total;
                mean += share * l.item();
                l.mul(share).backward();
            }
        }
        return mean;
    }

    private Report write(List<Outcome> done, int trainSize) {
        Report report = new Report(cfg, trainSize, steps, evalSize, List.copyOf(done));
        AtomicFiles.writeString(dir.resolve("results.md"), report.markdown());
        AtomicFiles.writeString(dir.resolve("results.json"), report.json());
        List<Charts.Series> full = new ArrayList<>(), batch = new ArrayList<>();
        for (Outcome o : done) {
            full.add(Charts.Series.indexed(o.name(), o.trainLoss()));
            batch.add(Charts.Series.indexed(o.name(), o.batchLoss()));
        }
        String what = RunConfig.describeModel(cfg.model()) + ", sgd lr=" + RunConfig.number(cfg.lr()).replaceAll("\\.0$", "");
        Charts.lines("Training loss (" + report.evaluatedOn() + ") after every step: " + what, "step", "training loss",
                full, Charts.Style.curves().withMarkers(false), dir.resolve("train_loss_per_step"));
        Charts.lines("Loss of each step's batch: " + what, "step", "batch loss",
                batch, Charts.Style.curves().withMarkers(false), dir.resolve("batch_loss_per_step"));
        return report;
    }

    /** The outcomes as a table and JSON. */
    public record Report(TrainConfig cfg, int trainSize, int steps, int evalSize, List<Outcome> outcomes) {

        public String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "SGD against gradient descent: %s, %d training images, %d steps each;"
                            + " training loss evaluated on %s after every step%n%n",
                    RunConfig.describeModel(cfg.model()) + ", sgd lr=" + RunConfig.number(cfg.lr()).replaceAll("\\.0$", ""),
                    trainSize, steps, evaluatedOn()));
            sb.append("| batch | steps on which the training loss went up | final training loss | train acc | test acc | seconds |\n");
            sb.append("| --- | --- | --- | --- | --- | --- |\n");
            for (Outcome o : outcomes) {
                sb.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.4f | %.4f | %.4f | %.1f |%n", o.name(),
                        100 * o.upFraction(), o.trainLoss()[o.trainLoss().length - 1], o.finalTrainAcc(), o.testAcc(), o.seconds()));
            }
            return sb.toString();
        }

        /** "all 5000 training images" or "the first 1000 training images". */
        String evaluatedOn() {
            return evalSize >= trainSize ? "all " + trainSize + " training images" : "the first " + evalSize + " training images";
        }

        public String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("config", RunConfig.toMap(cfg));
            m.put("train_size", trainSize);
            m.put("steps", steps);
            m.put("eval_size", Math.min(evalSize, trainSize));
            List<Object> rows = new ArrayList<>();
            for (Outcome o : outcomes) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("batch", o.batchSize());
                r.put("full_batch", o.fullBatch());
                r.put("up_fraction", o.upFraction());
                r.put("initial_train_loss", o.initialTrainLoss());
                r.put("final_train_loss", o.trainLoss()[o.trainLoss().length - 1]);
                r.put("final_train_acc", o.finalTrainAcc());
                r.put("test_acc", o.testAcc());
                r.put("seconds", o.seconds());
                r.put("train_loss", toList(o.trainLoss()));
                r.put("batch_loss", toList(o.batchLoss()));
                rows.add(r);
            }
            m.put("runs", rows);
            return Json.pretty(m);
        }

        private static List<Double> toList(double[] a) {
            List<Double> l = new ArrayList<>(a.length);
            for (double x : a) l.add(x);
            return l;
        }
    }
}
