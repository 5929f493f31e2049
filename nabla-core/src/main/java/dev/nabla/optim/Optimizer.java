package dev.nabla.optim;

import dev.nabla.nn.Parameter;
import dev.nabla.tensor.NDArray;

import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients. Per batch: {@link #zeroGrad()}, forward, {@code loss.backward()},
 * {@link #step()}.
 */
public interface Optimizer {

    /** Applies one update to every parameter that has a gradient (parameters without one are left alone). */
    void step();

    /** Clears the gradients of all parameters. */
    default void zeroGrad() {
        for (Parameter p : parameters()) p.tensor().zeroGrad();
    }

    /** The parameters this optimizer updates, in order. */
    List<Parameter> parameters();

    /**
     * Copies of everything that a resumed run needs to continue exactly: the step count ({@code "step"}, a
     * float32 scalar, exact up to 2^24 steps) and per-parameter buffers named {@code "<param>.<buffer>"}
     * (e.g. {@code "W1.momentum"}). All arrays are float32 for a float32 model.
     */
    Map<String, NDArray> state();

    /**
     * Restores a {@link #state()} (copies it).
     *
     * @throws dev.nabla.InputException for an unknown name or a shape that does not match its parameter
     */
    void loadState(Map<String, NDArray> state);

    double learningRate();

    /** Sets the learning rate for the following steps (schedules call this once per epoch); must be > 0. */
    void setLearningRate(double lr);
}
