package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

/**
 * A fully connected layer in PyTorch's layout: {@code y = x W^T + b}.
 * <ul>
 *   <li>x: [N, in] -> y: [N, out]</li>
 *   <li>{@code weight} W: [out, in], drawn by an {@link Init} (default: the course's 0.001 x N(0, 1)). An
 *       {@code Init} draws the course's [in, out] matrix and the layer stores its transpose, so every initial
 *       value sits where the course's numpy code puts it.</li>
 *   <li>{@code bias} b: [out], zeros (absent when {@code bias} is false)</li>
 * </ul>
 * The product reads W through a transposed view ({@link Functional#linear}), so neither the forward nor the
 * backward pass copies it; the results are the bits the [in, out] layout gave.
 */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    /** A layer with a bias whose weights are drawn by {@code Init.normal(0)} (0.001 x N(0, 1)). */
    public Linear(int in, int out) {
        this(in, out, true);
    }

    /** A layer whose weights are drawn by {@code Init.normal(0)} (0.001 x N(0, 1)). */
    public Linear(int in, int out, boolean bias) {
        this(in, out, bias, Init.normal(0));
    }

    /** A layer whose weights are drawn by {@code init} (one call: numpy-style inits re-seed per matrix). */
    public Linear(int in, int out, boolean bias, Init init) {
        if (in <= 0 || out <= 0) {
            throw new InputException("Linear: sizes must be positive, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = registerParameter("weight", new Parameter(drawn(init, in, out)));
        this.bias = bias ? registerParameter("bias", new Parameter(NDArray.zeros(DType.F32, out))) : null;
    }

    /** The next [in, out] matrix of {@code init}, transposed into a contiguous [out, in] one. */
    private static NDArray drawn(Init init, int in, int out) {
        return init.weight(in, out).t().contiguous();
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** W: [out, in]. */
    public Parameter weight() {
        return weight;
    }

    /** b: [out], or null without a bias. */
    public Parameter bias() {
        return bias;
    }

    /** Draws new weights with {@code init} and zeroes the bias. */
    public void resetParameters(Init init) {
        weight.value().assign(drawn(init, in, out));
        if (bias != null) bias.value().fill(0);
    }

    /** x: [N, in] -> x W^T + b: [N, out]. */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != in) {
            throw new InputException(this + ": " + mismatch(x.shape()));
        }
        return Functional.linear(x, weight.tensor(), bias == null ? null : bias.tensor());
    }

    /** [..., in] -> [..., out]. */
    @Override
    public int[] outputShape(int... inputShape) {
        if (inputShape.length == 0 || inputShape[inputShape.length - 1] != in) throw new InputException(mismatch(inputShape));
        int[] s = inputShape.clone();
        s[s.length - 1] = out;
        return s;
    }

    private String mismatch(int[] shape) {
        return "input " + Shape.str(shape) + " does not match in=" + in;
    }

    @Override
    public String toString() {
        return "Linear(in=" + in + ", out=" + out + ", bias=" + (bias != null) + ")";
    }
}
