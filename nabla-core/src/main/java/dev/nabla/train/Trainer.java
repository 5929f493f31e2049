package dev.nabla.train;

import dev.nabla.InputException;
import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.ImageSet;
import dev.nabla.data.MnistSplits;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.nn.Module;
import dev.nabla.nn.Parameter;
import dev.nabla.optim.Adam;
import dev.nabla.optim.Optimizer;
import dev.nabla.optim.SGD;
import dev.nabla.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training loop.
 *
 * <pre>
 * for epoch = epochsDone + 1 .. epochs:
 *     lr = schedule(lr, epoch)
 *     for each batch (x, y) of the epoch's order:        (DataLoader: seeded by (seed, epoch))
 *         zero the gradients (releasing their storage to the next backward)
 *         loss = crossEntropy(model(x), y)                (mean over the batch; no L2 term)
 *         stop with status "diverged" if loss is NaN or infinite
 *         loss.backward(); optimizer.step()
 *     validate; keep the weights if validation accuracy is the best so far (the first best on ties)
 *     listener.onEpoch(metrics, newBest, state)
 * load the best weights; evaluate on test
 * </pre>
 */
public final class Trainer {
    /** Batch size for validation and test: larger batches are faster, the results are the same. */
    static final int EVAL_BATCH = 1000;

    private Trainer() {}

    /**
     * The optimizer {@code config} names, over {@code model}'s parameters: {@code sgd} (momentum 0 when
     * {@link TrainConfig#courseFormat()}), {@code adam} or {@code adamw} (betas 0.9, 0.999, eps 1e-8, weight
     * decay = reg).
     */
    public static Optimizer optimizer(Module model, TrainConfig config) {
        return switch (config.optimizer()) {
            // a course-format config has its momentum (and so Nesterov) switched off
            case "sgd" -> new SGD(model.parameters(), config.lr(), config.effectiveMomentum(),
                    config.nesterov() && !config.courseFormat(), config.reg());
            case "adam" -> new Adam(model.parameters(), config.lr(), 0.9, 0.999, 1e-8, config.reg());
            case "adamw" -> Adam.adamW(model.parameters(), config.lr(), 0.9, 0.999, 1e-8, config.reg());
            default -> throw new InputException("optimizer: unknown '" + config.optimizer() + "' (expected one of: "
                    + TrainConfig.OPTIMIZERS + ")");
        };
    }

    /**
     * Trains {@code model} with {@code opt} on {@code data.train()}, validating on {@code data.validation()}
     * after each epoch and testing the best epoch's weights on {@code data.test()} at the end; on return the
     * model holds the best weights. A NaN or infinite loss stops the run with status "diverged" (the history
     * so far is kept).
     *
     * @param listener   hears progress (null: none)
     * @param resumeFrom continue after this state's epochs (null: start fresh); the model and optimizer must
     *                   be built as for the original run
     * @throws InputException when the data does not fit the model or the state does not fit the run
     */
    public static TrainResult fit(Module model, Optimizer opt, MnistSplits data, TrainConfig cfg,
                                  TrainListener listener, TrainState resumeFrom) {
        TrainListener l = listener == null ? TrainListener.NONE : listener;
        long started = System.nanoTime();
        try (var ctx = cfg.threads() > 0 ? ExecutionContext.withThreads(cfg.threads()) : null;
             var on = Grad.enabled()) {
            return run(model, opt, data, cfg, l, resumeFrom, started);
        }
    }

    private static TrainResult run(Module model, Optimizer opt, MnistSplits data, TrainConfig cfg, TrainListener l,
                                   TrainState resume, long started) {
        ImageSet train = data.train();
        model.outputShape(1, train.features()); // fails early, naming the layer, when the data does not fit
        DataLoader loader = new DataLoader(train, cfg.batchSize(), true, cfg.seed());

        List<EpochMetrics> history = new ArrayList<>();
        Map<String, NDArray> best = null;
        int bestEpoch = 0, first = 1;
        double bestValAcc = Double.NaN;
        if (resume != null) {
            if (resume.epochsDone() < 0 || resume.epochsDone() > cfg.epochs()) {
                throw new InputException("resume: the state has " + resume.epochsDone() + " epochs done, the run has "
                        + cfg.epochs() + " epochs");
            }
            model.loadWeights(resume.weights());
            opt.loadState(resume.optimizerState());
            history.addAll(resume.history());
            best = resume.bestWeights();
            bestEpoch = resume.bestEpoch();
            bestValAcc = resume.bestValAcc();
            first = resume.epochsDone() + 1;
        }

        l.onStart(cfg, model, loader.batches());
        String status = TrainResult.OK, message = null;
        for (int epoch = first; epoch <= cfg.epochs() && message == null; epoch++) {
            opt.setLearningRate(cfg.schedule().lr(cfg.lr(), epoch, cfg.epochs()));
            long t0 = System.nanoTime();
            double lossSum = 0;
            long hits = 0, seen = 0;
            int batch = 0, batches = loader.batches();
            for (Batch b : loader.reusingBatches(epoch)) {
                batch++;
                // no gradient is kept across steps, so backward may write the new ones into the old storage
                for (Parameter p : opt.parameters()) p.tensor().releaseGrad();
                Tensor logits = model.forward(b.x());
                Tensor loss = Functional.crossEntropy(logits, b.y());
                double lv = loss.item();
                if (!Double.isFinite(lv)) {
                    message = divergedMessage(lv, epoch, batch, batches, opt.learningRate());
                    break;
                }
                loss.backward();
                opt.step();
                lossSum += lv;
                hits += Evaluator.hits(logits.value(), b.y());
                seen += b.size();
                l.onBatch(epoch, batch, batches, lossSum / batch, (double) hits / seen);
            }
            if (message != null) {
                l.onDiverged(epoch, batch, message);
                break;
            }
            long t1 = System.nanoTime();
            Evaluation val = Evaluator.evaluate(model, data.validation(), EVAL_BATCH);
            long t2 = System.nanoTime();
            EpochMetrics m = new EpochMetrics(epoch, lossSum / batch, (double) hits / seen, val.loss(), val.accuracy(),
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9);
            history.add(m);
            if (data.validation().count() > 0 && !Double.isFinite(val.loss())) {
                // the last steps produced non-finite weights without a non-finite training loss yet
                message = divergedMessage(val.loss(), epoch, batch, batches, opt.learningRate())
                        .replace("the training loss", "the validation loss");
                l.onDiverged(epoch, batch, message);
                break;
            }
            boolean newBest = best == null || data.validation().count() == 0 || val.accuracy() > bestValAcc;
            if (newBest) {
                best = model.weights();
                bestEpoch = epoch;
                bestValAcc = val.accuracy();
            }
            l.onEpoch(m, newBest, new TrainState(epoch, model.weights(), best, opt.state(), history, bestEpoch, bestValAcc));
        }
        if (message != null) status = TrainResult.DIVERGED;

        double testAcc = Double.NaN;
        if (best != null) {
            model.loadWeights(best);
            if (data.test() != null && data.test().count() > 0) testAcc = Evaluator.evaluate(model, data.test(), EVAL_BATCH).accuracy();
        }
        double finalTrainAcc = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).trainAcc();
        if (message == null) {
            message = String.format("trained %d epochs; best validation accuracy %.4f at epoch %d; test accuracy %.4f",
                    history.size(), bestValAcc, bestEpoch, testAcc);
        }
        return new TrainResult(cfg, history, bestEpoch, bestValAcc, finalTrainAcc, testAcc,
                (System.nanoTime() - started) / 1e9, status, message);
    }

    private static String divergedMessage(double loss, int epoch, int batch, int batches, double lr) {
        return String.format("training diverged: the training loss became %s at epoch %d, batch %d of %d (learning rate %s); "
                + "try a smaller learning rate, e.g. %s", Double.isNaN(loss) ? "NaN" : "infinite", epoch, batch, batches,
                fmt(lr), fmt(lr / 10));
    }

    private static String fmt(double v) {
        return String.format("%.6g", v).replaceAll("\\.?0+(e|$)", "$1");
    }
}
