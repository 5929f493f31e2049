package dev.nabla.nn;

import dev.nabla.kernel.Kernels;
import dev.nabla.kernel.Parallel;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;

/**
 * {@link Conv2dFunction}'s path for float32 layers with few taps ({@code C kh kw <= }{@link ConvKernels#SHORT_K},
 * one group, stride 1, zero padding), such as LeNet-5's first layer: the forward pass and the weight gradient read
 * the taps from a zero-padded copy of the batch ({@code Kernels.convDirect}, {@code Kernels.convDirectWeightGrad})
 * instead of writing im2col columns and reading them back. Each value sums the same products in the same order as
 * the im2col path ({@code shortProduct} then the bias; {@code rowDots} and in-order row sums), so the bits are the
 * same. x [N, C, H, W], w [O, C, kh, kw], b [O] -> y [N, O, outH, outW].
 */
final class DirectConvolution {
    /** Floats after the padded batch, read (never used) by whole-vector loads: two 512-bit vectors. */
    private static final int SLACK = 32;

    private DirectConvolution() {}

    /** Whether the forward pass of this layer takes the direct path. */
    static boolean applies(NDArray x, NDArray w, Window win, int groups) {
        return x.dtype() == DType.F32 && groups == 1 && win.sh() == 1 && win.sw() == 1
                && win.padding() == Window.Padding.ZEROS && x.dim(1) * win.kh() * win.kw() <= ConvKernels.SHORT_K;
    }

    /**
     * Whether the weight gradient takes it too: where the im2col path sums with {@code rowDots} rather than the
     * GEMM, whose order the direct kernel does not follow.
     */
    static boolean appliesToWeightGrad(NDArray x, NDArray w, Window win, int groups) {
        int o = w.dim(0), k = x.dim(1) * win.kh() * win.kw();
        return applies(x, w, win, groups) && (long) o * k < (long) ConvKernels.ROW_DOTS_BELOW * (o + k);
    }

    /** x (contiguous) with its zero padding, [N, C, H + 2 ph, W + 2 pw], in a {@link Workspace} array. */
    private static float[] padded(NDArray x, Window win) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3), ph = win.ph(), pw = win.pw();
        int hp = h + 2 * ph, wp = w + 2 * pw;
        float[] xp = (float[]) Workspace.take(DType.F32, n * c * hp * wp + SLACK);
        java.util.Arrays.fill(xp, n * c * hp * wp, n * c * hp * wp + SLACK, 0f);
        float[] xs = x.floatStorage();
        int xo = x.offset();
        Parallel.forRange(n * c, 16, (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) {
                int d = pl * hp * wp, s = xo + pl * h * w;
                java.util.Arrays.fill(xp, d, d + ph * wp, 0f);
                for (int r = 0; r < h; r++, d += wp, s += w) {
                    int row = d + ph * wp;
                    java.util.Arrays.fill(xp, row, row + pw, 0f);
                    System.arraycopy(xs, s, xp, row + pw, w);
                    java.util.Arrays.fill(xp, row + pw + w, row + wp, 0f);
                }
                int bottom = pl * hp * wp + (ph + h) * wp;
                java.util.Arrays.fill(xp, bottom, bottom + ph * wp, 0f);
            }
        });
        return xp;
    }

    /** conv(x, w) + b (b may be null); x and w contiguous float32. */
    static NDArray forward(NDArray x, NDArray w, NDArray b, Window win) {
        int n = x.dim(0), c = x.dim(1), o = w.dim(0);
        int hp = x.dim(2) + 2 * win.ph(), wp = x.dim(3) + 2 * win.pw();
        NDArray y = NDArray.zeros(DType.F32, n, o, win.outH(x.dim(2)), win.outW(x.dim(3)));
        float[] xp = padded(x, win), wd = w.floatStorage(), yd = y.floatStorage();
        float[] bias = b == null ? null : b.floatStorage();
        int wo = w.offset(), bo = b == null ? 0 : b.offset();
        Kernels kernels = Kernels.get();
        Parallel.forRange(n, 1, (lo, hi) ->
                kernels.convDirect(lo, hi, c, hp, wp, xp, win.kh(), win.kw(), win.dh(), win.dw(), o, wd, wo, bias, bo, yd));
        Workspace.give(xp);
        return y;
    }

    /**
     * The gradients by w and b (where asked in {@code needsGrad}, indexed as the op's inputs) from the output
     * gradient gy [N, O, outH, outW] (contiguous); the input gradient is not computed here.
     */
    static NDArray[] backward(NDArray x, NDArray w, NDArray gy, Window win, boolean[] needsGrad) {
        int n = x.dim(0), c = x.dim(1), o = w.dim(0), k = c * win.kh() * win.kw();
        int p = win.outH(x.dim(2)) * win.outW(x.dim(3));
        float[] gyd = gy.floatStorage();
        int go = gy.offset();
        NDArray[] grads = new NDArray[needsGrad.length];
        if (needsGrad.length > 2 && needsGrad[2]) {
            float[] gb = new float[o];
            // each channel's sum over images and pixels in the order of the channel-major rows, in double; four
            // channels' sums side by side, as one chain of dependent additions would wait on each one's latency
            // (a group of fewer sums one of its channels more than once)
            Parallel.forRange(o, 1, (lo, hi) -> {
                for (int c0 = lo; c0 < hi; c0 += 4) {
                    int last = Math.min(4, hi - c0) - 1;
                    int d1 = Math.min(1, last) * p, d2 = Math.min(2, last) * p, d3 = last * p;
                    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                    for (int b = 0; b < n; b++) {
                        int r = go + (b * o + c0) * p;
                        for (int q = 0; q < p; q++) {
                            s0 += gyd[r + q];
                            s1 += gyd[r + d1 + q];
                            s2 += gyd[r + d2 + q];
                            s3 += gyd[r + d3 + q];
                        }
                    }
                    double[] sums = {s0, s1, s2, s3};
                    for (int i = 0; i <= last; i++) gb[c0 + i] = (float) sums[i];
                }
            });
            grads[2] = NDArray.of(gb, o);
        }
        if (needsGrad[1]) {
            int hp = x.dim(2) + 2 * win.ph(), wp = x.dim(3) + 2 * win.pw();
            float[] xp = padded(x, win);
            NDArray gw = NDArray.zeros(DType.F32, w.shape());
            float[] gwd = gw.floatStorage();
            Kernels kernels = Kernels.get();
            Parallel.forRange(k, 8, (lo, hi) -> kernels.convDirectWeightGrad(n, c, hp, wp, xp, win.kh(), win.kw(),
                    win.dh(), win.dw(), o, gyd, go, lo, hi, gwd, 0));
            Workspace.give(xp);
            grads[1] = gw;
        }
        return grads;
    }
}
