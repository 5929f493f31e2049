package dev.nabla.train;

import dev.nabla.InputException;
import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.loss.CrossEntropyLoss;
import dev.nabla.loss.Loss;
import dev.nabla.metrics.Accuracy;
import dev.nabla.metrics.Metric;
import dev.nabla.nn.Module;
import dev.nabla.nn.Parameter;
import dev.nabla.optim.Adam;
import dev.nabla.optim.AdamW;
import dev.nabla.optim.Optimizer;
import dev.nabla.optim.Penalty;
import dev.nabla.optim.ProxSGD;
import dev.nabla.optim.ParamGroup;
import dev.nabla.optim.SGD;
import dev.nabla.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains a model with an optimizer and a loss on a {@link DataLoader}, validating after every epoch, and tells
 * its {@link TrainListener}s what happens; they may steer it (a learning-rate schedule, early stopping, a stop
 * on divergence) or record it (progress, checkpoints).
 *
 * <pre>
 * for epoch = epochsDone + 1 .. epochs:
 *     listeners.onEpochStart                              (LrScheduler sets the rate)
 *     for each batch (x, y) of the epoch's order:        (DataLoader: seeded by (seed, epoch))
 *         zero the gradients (releasing their storage to the next backward)
 *         loss = loss(model(x), y)                        (mean over the batch; with Replicas, over the global batch)
 *         listeners.onLoss; stop before the update if one asked to (DivergenceStop)
 *         loss.backward(); optimizer.step(); listeners.onBatch   (Replicas average the gradients before the step)
 *     validate; listeners.onValidated                     (EarlyStopping, DivergenceStop)
 *     keep the weights if they are the best so far        (validation accuracy; without one, validation loss)
 *     listeners.onEpoch(metrics, newBest, state)          (checkpoints)
 * load the best weights
 * </pre>
 *
 * The best epoch is the first with the highest validation accuracy when the data has labels (or an accuracy
 * metric is set), else the first with the lowest validation loss; without validation data, the last epoch.
 *
 * <pre>{@code
 * Trainer t = new Trainer(model, new SGD(model.namedParameters(), 0.1, 0.9, false, 0), new MSELoss())
 *         .listen(new EarlyStopping(3));
 * TrainResult r = t.fit(new DataLoader(train, 32, true, 1), new DataLoader(val, 256, false, 0), 50);
 * }</pre>
 */
public final class Trainer {
    /** Batch size for validation and test of a {@link TrainConfig} run: larger batches are faster, same results. */
    static final int EVAL_BATCH = 1000;

    private final Module model;
    private final Optimizer optimizer;
    private final Loss loss;
    private final List<TrainListener> listeners = new ArrayList<>();
    private Metric accuracy;
    private boolean accuracySet;
    private Replicas replicas;

    // the run in progress
    private TrainConfig config;
    private DataLoader trainLoader;
    private int epochs, batchesPerEpoch;
    private boolean validates;
    private String stopStatus, stopMessage;

    public Trainer(Module model, Optimizer optimizer, Loss loss) {
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
    }

    /** Adds listeners, called in the order added. */
    public Trainer listen(TrainListener... ls) {
        for (TrainListener l : ls) if (l != null) listeners.add(l);
        return this;
    }

    /**
     * The accuracy metric of training and validation (null: none). By default {@link Accuracy} for labelled
     * data and none for data with targets.
     */
    public Trainer accuracy(Metric m) {
        accuracy = m;
        accuracySet = true;
        return this;
    }

    /**
     * Trains as one of several data-parallel replicas (null: alone): the step's loss, its gradients and the
     * epoch's training accuracy become the means over every replica's shard of the global batch, so every
     * replica applies the update one process would apply to the whole batch. The train loader must be the
     * replica's {@link DataLoader#shard}.
     */
    public Trainer replicas(Replicas r) {
        replicas = r;
        return this;
    }

    public Module model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Loss loss() {
        return loss;
    }

    /** The settings of a run started by {@link #fit(Module, Optimizer, Splits, TrainConfig, TrainListener, TrainState)}; null for any other run. */
    public TrainConfig config() {
        return config;
    }

    /** The training batches of the run in progress. */
    public DataLoader trainLoader() {
        return trainLoader;
    }

    /** The number of epochs of the run in progress. */
    public int epochs() {
        return epochs;
    }

    /** Batches per epoch of the run in progress. */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** Whether the run in progress has validation data. */
    public boolean validates() {
        return validates;
    }

    /**
     * Asks the run to stop: during a step, before its update; after validation, as {@link TrainListener#onValidated}
     * says. The first request wins.
     *
     * @param status  {@link TrainResult#DIVERGED} for a failed run, {@link TrainResult#OK} for a planned stop
     * @param message a one-line reason, the result's message
     */
    public void stop(String status, String message) {
        if (stopStatus == null) {
            stopStatus = status;
            stopMessage = message;
        }
    }

    /** Trains for {@code epochs} epochs from the model's present weights (validation: null for none). */
    public TrainResult fit(DataLoader train, DataLoader validation, int epochs) {
        return fit(train, validation, epochs, null);
    }

    /**
     * Trains until {@code epochs} epochs are done, continuing after {@code resumeFrom}'s epochs when given; on
     * return the model holds the best epoch's weights. A run stopped with status {@link TrainResult#DIVERGED}
     * keeps the history of the epochs before.
     *
     * @param resumeFrom continue after this state (null: start fresh); the model, optimizer and loaders must be
     *                   built as for the original run
     * @throws InputException when the state does not fit the run or the data does not fit the model
     */
    public TrainResult fit(DataLoader train, DataLoader validation, int epochs, TrainState resumeFrom) {
        if (epochs < 1) throw new InputException("epochs must be >= 1, got " + epochs);
        long started = System.nanoTime();
        this.epochs = epochs;
        this.trainLoader = train;
        this.batchesPerEpoch = train.batches();
        stopStatus = stopMessage = null;
        Metric acc = accuracySet ? accuracy : train.dataset().hasLabels() ? new Accuracy() : null;
        boolean byAccuracy = acc != null || train.dataset().hasLabels();
        validates = validation != null && validation.size() > 0;

        List<EpochMetrics> history = new ArrayList<>();
        Map<String, NDArray> best = null;
        int bestEpoch = 0, first = 1;
        if (resumeFrom != null) {
            if (resumeFrom.epochsDone() < 0 || resumeFrom.epochsDone() > epochs) {
                throw new InputException("resume: the state has " + resumeFrom.epochsDone() + " epochs done, the run has "
                        + epochs + " epochs");
            }
            model.loadWeights(resumeFrom.weights());
            optimizer.loadState(resumeFrom.optimizerState());
            history.addAll(resumeFrom.history());
            best = resumeFrom.bestWeights();
            bestEpoch = resumeFrom.bestEpoch();
            first = resumeFrom.epochsDone() + 1;
        }
        double bestScore = bestEpoch == 0 ? Double.NaN : score(history.get(bestEpoch - 1), byAccuracy);

        try (var on = Grad.enabled()) {
            for (TrainListener l : listeners) l.onStart(this);
            for (int epoch = first; epoch <= epochs; epoch++) {
                for (TrainListener l : listeners) l.onEpochStart(this, epoch);
                long t0 = System.nanoTime();
                double lossSum = 0;
                int batch = 0;
                long samples = 0;
                if (acc != null) acc.reset();
                for (Batch b : train.reusingBatches(epoch)) {
                    batch++;
                    // no gradient is kept across steps, so backward may write the new ones into the old storage
                    for (Parameter p : optimizer.parameters()) p.tensor().releaseGrad();
                    Tensor out = model.forward(b.x());
                    Tensor l = loss.forward(out, b.labels(), b.targets());
                    double lv = l.item();
                    if (replicas != null) lv = replicas.mean(lv, b.size());
                    for (TrainListener x : listeners) x.onLoss(this, epoch, batch, lv);
                    if (stopStatus != null) break;
                    l.backward();
                    if (replicas != null) replicas.averageGradients(optimizer.parameters(), b.size());
                    optimizer.step();
                    samples += b.size();
                    lossSum += lv;
                    if (acc != null) acc.update(out.value(), b.labels(), b.targets() == null ? null : b.targets().value());
                    double running = acc == null ? Double.NaN : acc.value();
                    for (TrainListener x : listeners) x.onBatch(epoch, batch, batchesPerEpoch, lossSum / batch, running);
                }
                if (stopStatus != null) {
                    diverged(epoch, batch);
                    break;
                }
                long t1 = System.nanoTime();
                double trainAcc = acc == null ? Double.NaN : acc.value(); // before validation resets the metric
                if (replicas != null && acc != null) trainAcc = replicas.mean(trainAcc, samples);
                Evaluation val = validates ? evaluate(() -> Evaluator.evaluate(model, validation, loss, acc)) : null;
                long t2 = System.nanoTime();
                EpochMetrics m = new EpochMetrics(epoch, lossSum / batch, trainAcc,
                        val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(),
                        (t1 - t0) / 1e9, (t2 - t1) / 1e9);
                history.add(m);
                for (TrainListener l : listeners) l.onValidated(this, m);
                if (TrainResult.DIVERGED.equals(stopStatus)) {
                    diverged(epoch, batch);
                    break;
                }
                double s = score(m, byAccuracy);
                boolean newBest = best == null || !validates || s > bestScore;
                if (newBest) {
                    best = model.weights();
                    bestEpoch = epoch;
                    bestScore = s;
                }
                TrainState state = new TrainState(epoch, model.weights(), best, optimizer.state(), history, bestEpoch,
                        history.get(bestEpoch - 1).valAcc());
                for (TrainListener l : listeners) l.onEpoch(m, newBest, state);
                if (stopStatus != null) break;
            }
        }
        if (best != null) model.loadWeights(best);
        EpochMetrics b = bestEpoch == 0 ? null : history.get(bestEpoch - 1);
        double finalTrainAcc = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).trainAcc();
        String status = stopStatus == null ? TrainResult.OK : stopStatus;
        String message = stopMessage != null ? stopMessage : String.format(
                "trained %d epochs; best validation %s %.4f at epoch %d", history.size(), byAccuracy ? "accuracy" : "loss",
                b == null ? Double.NaN : byAccuracy ? b.valAcc() : b.valLoss(), bestEpoch);
        return new TrainResult(null, history, bestEpoch, b == null ? Double.NaN : b.valAcc(), finalTrainAcc, Double.NaN,
                (System.nanoTime() - started) / 1e9, status, message);
    }

    // with replicas, they decide who evaluates (the weights are the same on all)
    private Evaluation evaluate(java.util.function.Supplier<Evaluation> evaluation) {
        return replicas == null ? evaluation.get() : replicas.evaluate(evaluation);
    }

    private void diverged(int epoch, int batch) {
        if (TrainResult.DIVERGED.equals(stopStatus)) for (TrainListener l : listeners) l.onDiverged(epoch, batch, stopMessage);
    }

    // higher is better: the accuracy, or minus the loss
    private static double score(EpochMetrics m, boolean byAccuracy) {
        return byAccuracy ? m.valAcc() : -m.valLoss();
    }

    // ---------------------------------------------------------------- the run a TrainConfig describes

    /**
     * The optimizer {@code config} names, over {@code model}'s parameters: {@code sgd} (momentum, Nesterov,
     * L2 = reg), {@code adam} or {@code adamw} (betas 0.9, 0.999, eps 1e-8, weight decay = reg); the decay
     * applies to the weight matrices only ({@link ParamGroup#decayMatricesOnly}), as in the course. {@code proxsgd}
     * ({@link ProxSGD}) applies {@code config.penalty()} to the weight matrices by its proximal operator; {@code sgd}
     * with a penalty takes its subgradient step instead.
     */
    public static Optimizer optimizer(Module model, TrainConfig config) {
        return switch (config.optimizer()) {
            case "sgd" -> config.penalty().active() ? penalized(model, config, false)
                    : new SGD(ParamGroup.decayMatricesOnly(model), config.lr(), config.momentum(), config.nesterov(),
                    config.reg());
            case "proxsgd" -> penalized(model, config, true);
            case "adam" -> new Adam(ParamGroup.decayMatricesOnly(model), config.lr(), 0.9, 0.999, 1e-8, config.reg());
            case "adamw" -> new AdamW(ParamGroup.decayMatricesOnly(model), config.lr(), 0.9, 0.999, 1e-8, config.reg());
            default -> throw new InputException("optimizer: unknown '" + config.optimizer() + "' (expected one of: "
                    + TrainConfig.OPTIMIZERS + ")");
        };
    }

    // the penalty on the weight matrices (the first group), none on the biases
    private static Optimizer penalized(Module model, TrainConfig config, boolean proximal) {
        return new ProxSGD(ParamGroup.decayMatricesOnly(model), config.lr(), config.reg(),
                List.of(config.penalty(), Penalty.NONE), proximal);
    }

    /**
     * The run {@code cfg} describes, as {@code nabla train} makes it: cross-entropy on labels, batches of
     * {@code cfg.batchSize()} shuffled by {@code cfg.seed()} (and changed by {@code cfg.augment()}), the learning rate of {@code cfg.schedule()}, a stop
     * on a NaN or infinite loss ({@link DivergenceStop}); the best epoch's weights tested on {@code data.test()}
     * at the end. The kernels use {@code cfg.threads()} threads meanwhile.
     *
     * @param listener   hears progress (null: none)
     * @param resumeFrom continue after this state's epochs (null: start fresh); the model and optimizer must
     *                   be built as for the original run
     * @throws InputException when the data does not fit the model or the state does not fit the run
     */
    public static TrainResult fit(Module model, Optimizer opt, Splits data, TrainConfig cfg,
                                  TrainListener listener, TrainState resumeFrom) {
        return fit(model, opt, data, cfg, listener, resumeFrom, null);
    }

    /**
     * {@link #fit(Module, Optimizer, Splits, TrainConfig, TrainListener, TrainState)} as one of
     * {@code replicas.count()} data-parallel replicas (null: alone), each with {@code cfg.batchSize()} samples
     * of every global batch of {@code count * batchSize}: the run one process makes with that global batch.
     */
    public static TrainResult fit(Module model, Optimizer opt, Splits data, TrainConfig cfg,
                                  TrainListener listener, TrainState resumeFrom, Replicas replicas) {
        long started = System.nanoTime();
        try (var ctx = cfg.threads() > 0 ? ExecutionContext.withThreads(cfg.threads()) : null) {
            // fails early, naming the layer, when the data does not fit
            int[] in = data.train().sampleShape(), probe = new int[in.length + 1];
            probe[0] = 1;
            System.arraycopy(in, 0, probe, 1, in.length);
            model.outputShape(probe);
            // this process's batches before augmentation: the whole training set alone, its shard of each global
            // batch as one of several replicas
            DataLoader unaugmented = replicas == null ? new DataLoader(data.train(), cfg.batchSize(), true, cfg.seed())
                    : new DataLoader(data.train(), cfg.batchSize() * replicas.count(), true, cfg.seed())
                    .shard(replicas.rank(), replicas.count());
            DataLoader train = unaugmented.withAugment(cfg.augment());
            TrainListener l = listener == null ? TrainListener.NONE : listener;
            Trainer t = new Trainer(model, opt, new CrossEntropyLoss())
                    .listen(new LrScheduler(cfg.schedule(), cfg.lr()), new DivergenceStop(), l).replicas(replicas);
            t.config = cfg;
            TrainResult r = t.fit(train, new DataLoader(data.validation(), EVAL_BATCH, false, 0), cfg.epochs(), resumeFrom);
            double testAcc = Double.NaN;
            if (r.bestEpoch() > 0 && data.test() != null && data.test().size() > 0) {
                testAcc = t.evaluate(() -> Evaluator.evaluate(model, new DataLoader(data.test(), EVAL_BATCH, false, 0), t.loss(), null))
                        .accuracy();
            }
            String message = r.diverged() ? r.message()
                    : String.format("trained %d epochs; best validation accuracy %.4f at epoch %d; test accuracy %.4f",
                    r.history().size(), r.bestValAcc(), r.bestEpoch(), testAcc);
            return new TrainResult(cfg, r.history(), r.bestEpoch(), r.bestValAcc(), r.finalTrainAcc(), testAcc,
                    (System.nanoTime() - started) / 1e9, r.status(), message);
        }
    }
}
