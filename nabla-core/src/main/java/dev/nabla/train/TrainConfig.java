package dev.nabla.train;

import dev.nabla.InputException;
import dev.nabla.models.ModelSpec;
import dev.nabla.data.Augment;
import dev.nabla.optim.Penalty;
import dev.nabla.optim.Schedule;
import dev.nabla.tensor.DType;

import static dev.nabla.train.TrainSettings.*;

/**
 * Everything a {@link Trainer#fit(dev.nabla.nn.Module, dev.nabla.optim.Optimizer, Splits, TrainConfig,
 * TrainListener, TrainState) run} needs besides the data. Each value is checked by its declaration in
 * {@link TrainSettings}, which also says what it means and its default.
 *
 * @param model     the model to build ({@link dev.nabla.models.Models#build})
 * @param lr        learning rate (the base rate when a schedule is set)
 * @param reg       L2 strength (added to the gradients of weight matrices, as the course does)
 * @param batchSize samples per step
 * @param epochs    passes over the training set
 * @param momentum  SGD momentum
 * @param nesterov  Nesterov momentum (SGD, where it needs momentum > 0; other optimizers ignore it)
 * @param optimizer {@code sgd}, {@code adam}, {@code adamw} or {@code proxsgd}
 * @param seed      seed of the batch order (each epoch's order depends on (seed, epoch) only)
 * @param threads   kernel threads; 0 uses all cores. The same thread count gives the same bits.
 * @param schedule  learning rate per epoch; null means constant
 * @param penalty   the non-smooth penalty on the weight matrices (proxsgd: proximal step; sgd: subgradient);
 *                  null means none
 * @param logSteps  record the loss of every step
 * @param dtype     the model's element type (float32, or float64 to compare with a float64 reference); null
 *                  means float32
 * @param augment   random changes to the training images ({@link Augment}); null means none
 */
public record TrainConfig(ModelSpec model, double lr, double reg, int batchSize, int epochs, double momentum,
                          boolean nesterov, String optimizer, long seed, int threads, Schedule schedule,
                          Penalty penalty, boolean logSteps, DType dtype, Augment augment) {

    /** The optimizers {@link Trainer#optimizer} knows. */
    public static final String OPTIMIZERS = String.join(", ", TrainSettings.OPTIMIZERS);

    /** @throws InputException naming the setting that is out of range */
    public TrainConfig {
        if (model == null) throw new InputException("model: missing");
        LR.check(lr);
        REG.check(reg);
        BATCH.check(batchSize);
        EPOCHS.check(epochs);
        MOMENTUM.check(momentum);
        optimizer = OPTIMIZER.check(optimizer == null ? OPTIMIZER.dflt() : optimizer);
        if (nesterov && momentum == 0 && optimizer.equals("sgd")) {
            throw new InputException("nesterov needs a momentum > 0, got momentum " + momentum);
        }
        THREADS.check(threads);
        if (schedule == null) schedule = Schedule.constant();
        if (penalty == null) penalty = Penalty.NONE;
        if (dtype == null) dtype = DTYPE.dflt();
        if (augment == null) augment = Augment.NONE;
        if (penalty.active() && !optimizer.equals("sgd") && !optimizer.equals("proxsgd")) {
            throw new InputException("penalty " + penalty + " needs optimizer proxsgd (proximal step) or sgd"
                    + " (subgradient step), got optimizer " + optimizer);
        }
        if (momentum != 0 && (optimizer.equals("proxsgd") || penalty.active())) {
            throw new InputException("momentum " + momentum + " is not supported with "
                    + (optimizer.equals("proxsgd") ? "optimizer proxsgd" : "a penalty") + " (set momentum 0)");
        }
    }

    /** In float32, without augmentation. */
    public TrainConfig(ModelSpec model, double lr, double reg, int batchSize, int epochs, double momentum,
                       boolean nesterov, String optimizer, long seed, int threads, Schedule schedule,
                       Penalty penalty, boolean logSteps) {
        this(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, schedule, penalty, logSteps,
                DTYPE.dflt(), Augment.NONE);
    }

    /** With no penalty and no step log. */
    public TrainConfig(ModelSpec model, double lr, double reg, int batchSize, int epochs, double momentum,
                       boolean nesterov, String optimizer, long seed, int threads, Schedule schedule) {
        this(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, schedule, Penalty.NONE, false);
    }

    /** With a constant learning rate. */
    public TrainConfig(ModelSpec model, double lr, double reg, int batchSize, int epochs, double momentum,
                       boolean nesterov, String optimizer, long seed, int threads) {
        this(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, Schedule.constant());
    }

    /**
     * The defaults of {@link TrainSettings}, which are the course's setup: twolayer 784-128-10 with sigmoid,
     * numpy init seed 1024; SGD, lr 0.1, reg 0.001, batch 64, 10 epochs, no momentum; shuffle seed 1024; all
     * cores.
     */
    public static TrainConfig defaults() {
        return new TrainConfig(ModelSpec.courseTwoLayer(), LR.dflt(), REG.dflt(), BATCH.dflt(), EPOCHS.dflt(),
                MOMENTUM.dflt(), NESTEROV.dflt(), OPTIMIZER.dflt(), SEED.dflt(), THREADS.dflt(), SCHEDULE.dflt(),
                PENALTY.dflt(), LOG_STEPS.dflt(), DTYPE.dflt(), AUGMENT.dflt());
    }

    /** The same as {@link #defaults()}: the course's setup. */
    public static TrainConfig courseDefaults() {
        return defaults();
    }

    public TrainConfig withModel(ModelSpec v) {
        return new TrainConfig(v, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, schedule, penalty, logSteps, dtype, augment);
    }

    public TrainConfig withLr(double v) {
        return new TrainConfig(model, v, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, schedule, penalty, logSteps, dtype, augment);
    }

    public TrainConfig withReg(double v) {
        return new TrainConfig(model, lr, v, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, schedule, penalty, logSteps, dtype, augment);
    }

    public TrainConfig withBatchSize(int v) {
        return new TrainConfig(model, lr, reg, v, epochs, momentum, nesterov, optimizer, seed, threads, schedule, penalty, logSteps, dtype, augment);
    }

    public TrainConfig withEpochs(int v) {
        return new TrainConfig(model, lr, reg, batchSize, v, momentum, nesterov, optimizer, seed, threads, schedule, penalty, logSteps, dtype, augment);
    }

    public TrainConfig withMomentum(double m, boolean nest) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, m, nest, optimizer, seed, threads, schedule, penalty, logSteps, dtype, augment);
    }

    public TrainConfig withOptimizer(String v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, v, seed, threads, schedule, penalty, logSteps, dtype, augment);
    }

    public TrainConfig withSeed(long v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, v, threads, schedule, penalty, logSteps, dtype, augment);
    }

    public TrainConfig withThreads(int v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, v, schedule, penalty, logSteps, dtype, augment);
    }

    public TrainConfig withSchedule(Schedule v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, v, penalty, logSteps, dtype, augment);
    }

    public TrainConfig withPenalty(Penalty v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, schedule, v, logSteps, dtype, augment);
    }

    public TrainConfig withLogSteps(boolean v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, schedule, penalty, v, dtype, augment);
    }

    public TrainConfig withDType(DType v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, schedule, penalty, logSteps, v, augment);
    }

    public TrainConfig withAugment(Augment v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, schedule, penalty, logSteps, dtype, v);
    }
}
