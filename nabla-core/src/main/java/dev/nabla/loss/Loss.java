package dev.nabla.loss;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;

/**
 * A training objective: the mean over a batch of a per-sample loss, as a scalar tensor to call
 * {@code backward()} on. A loss compares the model's output either with integer labels (classification) or
 * with float targets; each implementation takes what it is defined for and says so otherwise.
 */
public interface Loss {

    /** The loss's name in messages, e.g. {@code cross_entropy}. */
    String name();

    /**
     * The mean loss of {@code output} [N, ...] against N integer labels.
     *
     * @throws InputException when this loss takes float targets, or the shapes do not fit
     */
    default Tensor forward(Tensor output, int[] labels) {
        throw new InputException(name() + " compares the output with float targets, but the data has integer labels");
    }

    /**
     * The mean loss of {@code output} [N, ...] against {@code targets}.
     *
     * @throws InputException when this loss takes labels, or the shapes do not fit
     */
    default Tensor forward(Tensor output, Tensor targets) {
        throw new InputException(name() + " compares the output with integer labels, but the data has float targets");
    }

    /** {@link #forward(Tensor, int[])} when {@code labels} is given, else {@link #forward(Tensor, Tensor)}. */
    default Tensor forward(Tensor output, int[] labels, Tensor targets) {
        return labels != null ? forward(output, labels) : forward(output, targets);
    }
}
