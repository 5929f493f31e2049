package dev.nabla.autograd;

import dev.nabla.tensor.NDArray;

/**
 * One application of a primitive op: its forward computation, its vector-Jacobian product (reverse mode)
 * and its Jacobian-vector product (forward mode), side by side. An instance is created per use, so it may save
 * whatever its backward needs (inputs, output, masks) in fields.
 *
 * <p>All three work on raw {@link NDArray}s: gradients and tangents are not themselves differentiated.
 */
public abstract class Function {

    /** A short label for graphs and error messages, e.g. {@code "mul"}. */
    public abstract String name();

    /** Computes the output from the inputs' values. */
    protected abstract NDArray forward(NDArray... inputs);

    /**
     * The vector-Jacobian product: given the gradient of the loss with respect to the output, returns the
     * gradient with respect to each input (same shape as that input), or null where {@code needsGrad[i]} is false.
     */
    protected abstract NDArray[] backward(NDArray gradOutput, boolean[] needsGrad);

    /**
     * {@link #backward(NDArray, boolean[])}, where the op may write input i's gradient into {@code into[i]} when
     * that is not null (a contiguous array of the input's shape and type, old values meaningless) rather than into
     * a fresh array: a training step then reuses the storage of the previous step's weight gradients. By
     * default {@code into} is ignored.
     */
    protected NDArray[] backward(NDArray gradOutput, boolean[] needsGrad, NDArray[] into) {
        return backward(gradOutput, needsGrad);
    }

    /**
     * The Jacobian-vector product: given tangents of the inputs (null means zero), returns the output's tangent.
     * It is called only when at least one input has a tangent, so a one-input op always receives a non-null one.
     */
    protected abstract NDArray jvp(NDArray[] tangents);

    /** Extra configuration shown in graph dumps, e.g. the axes of a sum; empty by default. */
    public String describe() {
        return "";
    }
}
