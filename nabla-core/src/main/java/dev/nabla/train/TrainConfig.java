package dev.nabla.train;

import dev.nabla.InputException;
import dev.nabla.nn.ModelSpec;
import dev.nabla.optim.Schedule;

import java.util.Locale;

/**
 * Everything a training run needs besides the data.
 *
 * @param model        the model to build ({@link dev.nabla.nn.Models#build})
 * @param lr           learning rate, > 0 (the base rate when a schedule is set)
 * @param reg          L2 strength, >= 0 (added to the gradients of weight matrices, as the course does)
 * @param batchSize    samples per step, >= 1
 * @param epochs       passes over the training set, >= 1
 * @param momentum     SGD momentum in [0, 1) (ignored when {@code courseFormat})
 * @param nesterov     Nesterov momentum (SGD, where it needs momentum > 0; other optimizers ignore it)
 * @param optimizer    {@code sgd}, {@code adam} or {@code adamw}
 * @param seed         seed of the batch order (each epoch's order depends on (seed, epoch) only)
 * @param threads      kernel threads; 0 uses all cores. The same thread count gives the same bits.
 * @param courseFormat the configuration came from the course's YAML, whose SGD ignores momentum: so does
 *                     {@link Trainer#optimizer}
 * @param schedule     learning rate per epoch; null means constant
 */
public record TrainConfig(ModelSpec model, double lr, double reg, int batchSize, int epochs, double momentum,
                          boolean nesterov, String optimizer, long seed, int threads, boolean courseFormat,
                          Schedule schedule) {

    /** The optimizers {@link Trainer#optimizer} knows. */
    public static final String OPTIMIZERS = "sgd, adam, adamw";

    /** @throws InputException naming the setting that is out of range */
    public TrainConfig {
        if (model == null) throw new InputException("model: missing");
        if (!(lr > 0) || Double.isInfinite(lr)) throw new InputException("lr (learning rate) must be a positive number, got " + lr);
        if (!(reg >= 0) || Double.isInfinite(reg)) throw new InputException("reg (L2 strength) must be >= 0, got " + reg);
        if (batchSize < 1) throw new InputException("batch size must be >= 1, got " + batchSize);
        if (epochs < 1) throw new InputException("epochs must be >= 1, got " + epochs);
        if (!(momentum >= 0 && momentum < 1)) throw new InputException("momentum must be in [0, 1), got " + momentum);
        optimizer = optimizer == null ? "sgd" : optimizer.trim().toLowerCase(Locale.ROOT);
        if (!optimizer.equals("sgd") && !optimizer.equals("adam") && !optimizer.equals("adamw")) {
            throw new InputException("optimizer: unknown '" + optimizer + "' (expected one of: " + OPTIMIZERS + ")");
        }
        if (nesterov && momentum == 0 && optimizer.equals("sgd")) {
            throw new InputException("nesterov needs a momentum > 0, got momentum " + momentum);
        }
        if (threads < 0) throw new InputException("threads must be >= 0 (0: all cores), got " + threads);
        if (schedule == null) schedule = Schedule.constant();
    }

    /** The contract's eleven settings, with a constant learning rate. */
    public TrainConfig(ModelSpec model, double lr, double reg, int batchSize, int epochs, double momentum,
                       boolean nesterov, String optimizer, long seed, int threads, boolean courseFormat) {
        this(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, courseFormat, Schedule.constant());
    }

    /**
     * The course's setup: twolayer 784-128-10 with sigmoid, numpy init seed 1024; SGD, lr 0.1, reg 0.001,
     * batch 64, 10 epochs, no momentum; shuffle seed 1024; all cores.
     */
    public static TrainConfig courseDefaults() {
        return new TrainConfig(ModelSpec.courseTwoLayer(), 0.1, 0.001, 64, 10, 0, false, "sgd", 1024, 0, false);
    }

    /** The momentum the optimizer really uses: 0 for course-format configurations. */
    public double effectiveMomentum() {
        return courseFormat ? 0 : momentum;
    }

    public TrainConfig withModel(ModelSpec m) {
        return new TrainConfig(m, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, courseFormat, schedule);
    }

    public TrainConfig withLr(double v) {
        return new TrainConfig(model, v, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, courseFormat, schedule);
    }

    public TrainConfig withReg(double v) {
        return new TrainConfig(model, lr, v, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, courseFormat, schedule);
    }

    public TrainConfig withBatchSize(int v) {
        return new TrainConfig(model, lr, reg, v, epochs, momentum, nesterov, optimizer, seed, threads, courseFormat, schedule);
    }

    public TrainConfig withEpochs(int v) {
        return new TrainConfig(model, lr, reg, batchSize, v, momentum, nesterov, optimizer, seed, threads, courseFormat, schedule);
    }

    public TrainConfig withMomentum(double m, boolean nest) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, m, nest, optimizer, seed, threads, courseFormat, schedule);
    }

    public TrainConfig withOptimizer(String v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, v, seed, threads, courseFormat, schedule);
    }

    public TrainConfig withSeed(long v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, v, threads, courseFormat, schedule);
    }

    public TrainConfig withThreads(int v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, v, courseFormat, schedule);
    }

    public TrainConfig withCourseFormat(boolean v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, v, schedule);
    }

    public TrainConfig withSchedule(Schedule v) {
        return new TrainConfig(model, lr, reg, batchSize, epochs, momentum, nesterov, optimizer, seed, threads, courseFormat, v);
    }
}
