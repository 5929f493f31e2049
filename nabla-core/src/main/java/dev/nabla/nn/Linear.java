package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.List;

/**
 * A fully connected layer, in the course's layout: {@code y = x W + b}.
 * <ul>
 *   <li>x: [N, in] -> y: [N, out]</li>
 *   <li>W: [in, out], drawn by an {@link Init} (default: the course's 0.001 x N(0, 1)); decays under L2</li>
 *   <li>b: [out], zeros; never decays (absent when {@code bias} is false)</li>
 * </ul>
 */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

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
        this.weight = new Parameter("W", init.weight(in, out), true);
        this.bias = bias ? new Parameter("b", NDArray.zeros(DType.F32, out), false) : null;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** W: [in, out]. */
    public Parameter weight() {
        return weight;
    }

    /** b: [out], or null without a bias. */
    public Parameter bias() {
        return bias;
    }

    /** Draws new weights with {@code init} and zeroes the bias. */
    public void resetParameters(Init init) {
        weight.value().assign(init.weight(in, out));
        if (bias != null) bias.value().fill(0);
    }

    /** x: [N, in] -> x W + b: [N, out]. */
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
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public String toString() {
        return "Linear(in=" + in + ", out=" + out + ", bias=" + (bias != null) + ")";
    }
}
