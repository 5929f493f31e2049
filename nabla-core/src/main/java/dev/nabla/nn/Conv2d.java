package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.Random;

/**
 * A 2-D convolution layer in PyTorch's layout (see {@link LayerOps#conv2d}).
 * <ul>
 *   <li>x: [N, in, H, W] -> y: [N, out, outH, outW], sizes from the {@link Window} (stride, padding zeros or
 *       circular, dilation)</li>
 *   <li>{@code weight}: [out, in / groups, kh, kw]; {@code bias}: [out] (absent when {@code bias} is false);
 *       both drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in / groups kh kw, PyTorch's default</li>
 * </ul>
 */
public final class Conv2d extends Module {
    private final int in;
    private final int out;
    private final int groups;
    private final Window window;
    private final Parameter weight;
    private final Parameter bias;

    /** A square kernel, stride 1, no padding, with a bias; weights drawn from {@code new Random(seed)}. */
    public Conv2d(int in, int out, int kernel, long seed) {
        this(in, out, Window.square(kernel, 1, 0), 1, true, new Random(seed));
    }

    /** Any window and groups; weights drawn from {@code rng}. */
    public Conv2d(int in, int out, Window window, int groups, boolean bias, Random rng) {
        if (in <= 0 || out <= 0 || groups <= 0 || in % groups != 0 || out % groups != 0) {
            throw new InputException("Conv2d: in=" + in + " and out=" + out + " must be positive multiples of groups=" + groups);
        }
        this.in = in;
        this.out = out;
        this.groups = groups;
        this.window = window;
        double bound = 1 / Math.sqrt((double) in / groups * window.kh() * window.kw());
        this.weight = registerParameter("weight", new Parameter(NDArray.uniform(rng, -bound, bound, DType.F32, out, in / groups, window.kh(), window.kw())));
        this.bias = bias ? registerParameter("bias", new Parameter(NDArray.uniform(rng, -bound, bound, DType.F32, out))) : null;
    }

    /** Input channels. */
    public int in() {
        return in;
    }

    /** Output channels. */
    public int out() {
        return out;
    }

    public Window window() {
        return window;
    }

    public int groups() {
        return groups;
    }

    /** [out, in / groups, kh, kw]. */
    public Parameter weight() {
        return weight;
    }

    /** [out], or null without a bias. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        return LayerOps.conv2d(x, weight.tensor(), bias == null ? null : bias.tensor(), window, groups);
    }

    /** [N, in, H, W] -> [N, out, outH, outW]. */
    @Override
    public int[] outputShape(int... s) {
        if (s.length != 4 || s[1] != in) {
            throw new InputException("input " + Shape.str(s) + " does not match [N, " + in + ", H, W]");
        }
        window.checkFits(s, s[2], s[3]);
        return new int[] {s[0], out, window.outH(s[2]), window.outW(s[3])};
    }

    /** {@code Conv2d 5x5} (with stride, padding and dilation where they are not the defaults). */
    @Override
    public String label() {
        return "Conv2d " + window;
    }

    @Override
    public String toString() {
        return "Conv2d(" + in + ", " + out + ", " + window + (groups > 1 ? ", groups " + groups : "") + (bias == null ? ", bias=false" : "") + ")";
    }
}
