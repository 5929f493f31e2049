package dev.nabla.nn;

import dev.nabla.autograd.Function;
import dev.nabla.kernel.Parallel;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

/**
 * im2col, the one primitive behind convolution and pooling: copies every window tap of every output position
 * into a column matrix, so a convolution becomes one GEMM per group and a pooling a reduction over the taps.
 * <ul>
 *   <li>x: [N, C, H, W] -> columns: [G, K, N, P], K = (C / G) kh kw taps per group, P = outH outW positions;
 *       row k of group g is tap (c, i, j) in the order of a PyTorch weight [O, C/G, kh, kw].</li>
 *   <li>Taps on the padding read {@code fill} (0 for zeros and for a convolution, -infinity for max pooling);
 *       circular padding reads the wrapped-around pixel instead (see {@link Window#taps}).</li>
 * </ul>
 * It is linear, so the backward pass is col2im (each column value added back to the pixel it came from) and
 * the JVP is the unfolding of the tangent. Both passes split the work by rows or by images, never by timing,
 * so results are bit-identical for any thread count.
 */
final class Unfold extends Function {
    private final Window window;
    private final int groups;
    private final double fill;
    private int[] inShape;
    private int[] taps;

    Unfold(Window window, int groups, double fill) {
        this.window = window;
        this.groups = groups;
        this.fill = fill;
    }

    @Override
    public String name() {
        return "unfold";
    }

    @Override
    public String describe() {
        return window + (groups > 1 ? ", groups " + groups : "");
    }

    @Override
    protected NDArray forward(NDArray... in) {
        NDArray x = in[0].contiguous();
        inShape = x.shape();
        if (inShape.length != 4 || inShape[1] % groups != 0) {
            throw new IllegalArgumentException("unfold: expects [N, C, H, W] with C divisible by groups " + groups + ", got " + Shape.str(inShape));
        }
        window.checkFits(inShape, inShape[2], inShape[3]);
        taps = window.taps(inShape[1] / groups, inShape[2], inShape[3]);
        return unfold(x, fill);
    }

    /** The columns of {@code x} ([N, C, H, W], contiguous), padding read as {@code pad}. */
    private NDArray unfold(NDArray x, double pad) {
        int n = inShape[0], cg = inShape[1] / groups, plane = inShape[2] * inShape[3];
        int p = window.outH(inShape[2]) * window.outW(inShape[3]), k = taps.length / p;
        int image = groups * cg * plane, block = cg * plane;
        NDArray out = NDArray.zeros(x.dtype(), groups, k, n, p);
        int xo = x.offset();
        Parallel.forRange(groups * k, Math.max(1, 4096 / Math.max(1, n * p)), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int g = row / k, tapRow = (row % k) * p, dst = row * n * p;
                for (int b = 0; b < n; b++) {
                    int src = xo + b * image + g * block;
                    if (x.dtype() == DType.F32) {
                        float[] xs = x.floatStorage(), os = out.floatStorage();
                        float f = (float) pad;
                        for (int q = 0; q < p; q++) {
                            int t = taps[tapRow + q];
                            os[dst + q] = t < 0 ? f : xs[src + t];
                        }
                    } else {
                        double[] xs = x.doubleStorage(), os = out.doubleStorage();
                        for (int q = 0; q < p; q++) {
                            int t = taps[tapRow + q];
                            os[dst + q] = t < 0 ? pad : xs[src + t];
                        }
                    }
                    dst += p;
                }
            }
        });
        return out;
    }

    /** col2im: each column value is added to the pixel it was read from; split by image. */
    @Override
    protected NDArray[] backward(NDArray gradOutput, boolean[] needsGrad) {
        NDArray g = gradOutput.contiguous();
        int n = inShape[0], cg = inShape[1] / groups, plane = inShape[2] * inShape[3];
        int p = window.outH(inShape[2]) * window.outW(inShape[3]), k = taps.length / p;
        int image = groups * cg * plane, block = cg * plane;
        NDArray gx = NDArray.zeros(g.dtype(), inShape);
        int go = g.offset();
        Parallel.forRange(n, 1, (lo, hi) -> {
            for (int b = lo; b < hi; b++) {
                for (int grp = 0; grp < groups; grp++) {
                    int dst = b * image + grp * block;
                    for (int r = 0; r < k; r++) {
                        int src = go + ((grp * k + r) * n + b) * p, tapRow = r * p;
                        if (g.dtype() == DType.F32) {
                            float[] gs = g.floatStorage(), xs = gx.floatStorage();
                            for (int q = 0; q < p; q++) {
                                int t = taps[tapRow + q];
                                if (t >= 0) xs[dst + t] += gs[src + q];
                            }
                        } else {
                            double[] gs = g.doubleStorage(), xs = gx.doubleStorage();
                            for (int q = 0; q < p; q++) {
                                int t = taps[tapRow + q];
                                if (t >= 0) xs[dst + t] += gs[src + q];
                            }
                        }
                    }
                }
            }
        });
        return new NDArray[] {gx};
    }

    /** Linear: the tangent's columns (padding is a constant, so its tangent is 0). */
    @Override
    protected NDArray jvp(NDArray[] tangents) {
        return unfold(tangents[0].contiguous(), 0);
    }
}
