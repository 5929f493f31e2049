package dev.nabla.autograd;

import dev.nabla.tensor.NDArray;

/**
 * A differentiable op: its forward computation, its vector-Jacobian product (reverse mode) and its
 * Jacobian-vector product (forward mode), side by side in one class, as {@code torch.autograd.Function} has
 * them. Every built-in op is one (see {@link Tensor}); a program adds its own by extending this class and calling
 * {@link #apply(Tensor...)}:
 *
 * <pre>{@code
 * final class Cube extends Function {           // y = x^3, any shape
 *     private NDArray x;
 *     public String name() { return "cube"; }
 *     protected NDArray forward(NDArray... in) { x = in[0]; return x.mul(x).mul(x); }
 *     protected NDArray[] backward(NDArray g, boolean[] needsGrad) {   // dL/dx = g * 3x^2
 *         return new NDArray[] {g.mul(x.mul(x).mulScalar(3))};
 *     }
 *     protected NDArray jvp(NDArray[] t) { return t[0].mul(x.mul(x).mulScalar(3)); }  // dy = 3x^2 dx
 * }
 * Tensor y = new Cube().apply(x);
 * }</pre>
 *
 * <p>An instance is applied once (a second {@link #apply} throws), so it may save whatever its backward and JVP
 * need (inputs, output, masks) in fields during {@link #forward}. All three methods work on raw {@link NDArray}s:
 * gradients and tangents are not themselves differentiated. {@code GradCheck.check} verifies a new op in both
 * modes against finite differences.
 */
public abstract class Function {
    private boolean applied;

    /** A short label for graphs and error messages, e.g. {@code "mul"}. */
    public abstract String name();

    /**
     * Applies this op to {@code inputs}: computes the output from their values, records the graph when an input
     * requires a gradient (and {@link Grad} is enabled), and propagates tangents when an input carries one.
     *
     * @throws IllegalStateException when this instance was applied before (create one per application)
     */
    public final Tensor apply(Tensor... inputs) {
        if (applied) {
            throw new IllegalStateException(name() + ": a Function instance is applied once; create a new one for each application");
        }
        applied = true;
        return Tensor.apply(this, inputs);
    }

    /** Computes the output from the inputs' values (called once, by {@link #apply}). */
    protected abstract NDArray forward(NDArray... inputs);

    /**
     * The vector-Jacobian product: given the gradient of the loss with respect to the output (the output's shape),
     * returns the gradient with respect to each input (one entry per input, of that input's shape), or null where
     * {@code needsGrad[i]} is false.
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
     * The Jacobian-vector product: given tangents of the inputs (null means zero), returns the output's tangent
     * (the output's shape, or one that broadcasts to it). It is called only when at least one input has a
     * tangent, so a one-input op always receives a non-null one.
     */
    protected abstract NDArray jvp(NDArray[] tangents);

    /** Extra configuration shown in graph dumps, e.g. the axes of a sum; empty by default. */
    public String describe() {
        return "";
    }
}
