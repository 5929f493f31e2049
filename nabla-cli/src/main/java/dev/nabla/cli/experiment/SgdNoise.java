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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SGD is not a descent method: the same network, from the same initial weights, trained for the same number of
 * steps by full-batch gradient descent and by SGD at several batch sizes. After every step the loss on a fixed
 * subset of the training images (the first {@code evalSize}) stands in for the full training loss; the fraction
 * of steps on which it went up is counted. Full-batch gradient descent with a small enough rate lowers it on
 * every step; SGD's steps follow one batch's gradient and raise it on a good share of them.
 */
public final class SgdNoise {

    /** One batch size's run. */
    public record Outcome(int batchSize, boolean fullBatch, double[] batchLoss, double[] trainLoss, double upFraction,
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
     * @param evalSize   training images whose loss is evaluated after each step
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

    private Outcome train(int batchSize, ImageSet train, ImageSet test) {
        long t0 = System.nanoTime();
        TrainConfig c = cfg.withBatchSize(batchSize);
        Module model = Models.build(c.model()); // the same seed: the same initial weights for every batch size
        Optimizer opt = Trainer.optimizer(model, c);
        Loss loss = new CrossEntropyLoss();
        DataLoader loader = new DataLoader(train, batchSize, true, c.seed());
        DataLoader eval = new DataLoader(train.slice(0, Math.min(evalSize, train.count())), 1000, false, 0);
        double[] batchLoss = new double[steps], trainLoss = new double[steps];
        double before = Evaluator.evaluate(model, eval, loss, null).loss();
        int step = 0, up = 0;
        try (var on = Grad.enabled()) {
            for (int epoch = 1; step < steps; epoch++) {
                for (Batch b : loader.batches(epoch)) {
                    if (step == steps) break;
                    for (Parameter p : opt.parameters()) p.tensor().releaseGrad();
                    Tensor l = loss.forward(model.forward(b.x()), b.labels(), b.targets());
                    batchLoss[step] = l.item();
                    l.backward();
                    opt.step();
                    double after = Evaluator.evaluate(model, eval, loss, null).loss();
                    if (after > before) up++;
                    trainLoss[step++] = before = after;
                }
            }
        }
        double trainAcc = Evaluator.evaluate(model, new DataLoader(train, 1000, false, 0), loss, null).accuracy();
        double testAcc = Evaluator.evaluate(model, new DataLoader(test, 1000, false, 0), loss, null).accuracy();
        Outcome o = new Outcome(batchSize, batchSize >= train.count(), batchLoss, trainLoss, (double) up / steps,
                trainAcc, testAcc, (System.nanoTime() - t0) / 1e9);
        log.printf(Locale.ROOT, "[%s] loss went up on %.1f%% of %d steps; final training loss %.4f, train acc %.4f, test acc %.4f, %.1f s%n",
                o.name(), 100 * o.upFraction(), steps, trainLoss[steps - 1], trainAcc, testAcc, o.seconds());
        log.flush();
        return o;
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
        Charts.lines("Training loss (first " + evalSize + " images) after every step: " + what, "step", "training loss",
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
                            + " training loss evaluated on the first %d training images after every step%n%n",
                    RunConfig.describeModel(cfg.model()) + ", sgd lr=" + RunConfig.number(cfg.lr()).replaceAll("\\.0$", ""),
                    trainSize, steps, evalSize));
            sb.append("| batch | steps on which the training loss went up | final training loss | train acc | test acc | seconds |\n");
            sb.append("| --- | --- | --- | --- | --- | --- |\n");
            for (Outcome o : outcomes) {
                sb.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.4f | %.4f | %.4f | %.1f |%n", o.name(),
                        100 * o.upFraction(), o.trainLoss()[o.trainLoss().length - 1], o.finalTrainAcc(), o.testAcc(), o.seconds()));
            }
            return sb.toString();
        }

        public String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("config", RunConfig.toMap(cfg));
            m.put("train_size", trainSize);
            m.put("steps", steps);
            m.put("eval_size", evalSize);
            List<Object> rows = new ArrayList<>();
            for (Outcome o : outcomes) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("batch", o.batchSize());
                r.put("full_batch", o.fullBatch());
                r.put("up_fraction", o.upFraction());
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
