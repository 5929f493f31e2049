package dev.nabla.nn;

import dev.nabla.kernel.ExecutionContext;
import dev.nabla.kernel.KernelProvider;
import dev.nabla.kernel.Kernels;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct convolution for layers with few taps gives the bits of the im2col path (im2col, {@code shortProduct}
 * and the bias; {@code rowDots} and row sums for the gradients) on odd sizes, padding and dilation, with the scalar
 * and the SIMD kernels (at the JVM's width: run with {@code -Dnabla.simd.bits=256} for the narrow one) and on one
 * or two threads.
 */
class DirectConvolutionTest {
    /** {n, c, h, w, o} with the windows below: most give output planes that are no multiple of the vector length; LeNet-5 and 12 x 20 with padding 2 whole vectors. */
    private static final int[][] SHAPES = {{64, 1, 28, 28, 6}, {3, 1, 9, 7, 5}, {2, 3, 11, 13, 7}, {5, 2, 5, 17, 3},
            {1, 1, 3, 3, 1}, {4, 4, 6, 33, 9}, {3, 2, 12, 20, 5}};
    private static final Window[] WINDOWS = {Window.square(5, 1, 2), Window.square(3, 1, 1), Window.square(3, 1, 0),
            new Window(2, 3, 1, 1, 1, 2, 2, 1, Window.Padding.ZEROS), new Window(1, 4, 1, 1, 0, 3, 1, 1, Window.Padding.ZEROS)};

    private static NDArray randn(Random rng, int... shape) {
        NDArray a = NDArray.randn(rng, DType.F32, shape);
        float[] d = a.floatStorage();
        for (int i = 0; i < d.length; i += 7) d[i] = 0f;  // zero pixels, as in digits
        return a;
    }

    /** y, gw, gb by the im2col path's kernels. */
    private static float[][] im2colPath(NDArray x, NDArray w, NDArray b, NDArray gy, Window win) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0);
        int p = win.outH(h) * win.outW(wd), np = n * p, k = c * win.kh() * win.kw();
        float[] cols = new float[k * np], prod = new float[o * np], y = new float[n * o * p];
        ConvKernels.im2col(x.floatStorage(), 0, c, h, wd, win, 1, 0, n, 0, cols, np);
        ConvKernels.gemm(false, false, o, np, k, w.floatStorage(), 0, k, cols, 0, np, prod, 0, np);
        ConvKernels.channelsToImages(prod, np, 0, o, p, b.floatStorage(), 0, 0, n, y, 0);
        float[] gt = new float[o * np], gw = new float[o * k], gb = new float[o];
        ConvKernels.imagesToChannels(gy.floatStorage(), 0, o, p, n, 0, n, gt);
        ConvKernels.rowDots(o, k, np, gt, 0, np, cols, 0, np, gw, 0, k);
        ConvKernels.rowSums(gt, np, 0, o, gb, 0);
        return new float[][] {y, gw, gb};
    }

    @Test
    void directPathGivesTheIm2colPathsBitsForEachKernelsAndThreadCount() {
        Random rng = new Random(11);
        Kernels[] kernels = {KernelProvider.scalar(), KernelProvider.simd().orElse(KernelProvider.scalar())};
        int checked = 0;
        for (int[] s : SHAPES) {
            for (Window win : WINDOWS) {
                int n = s[0], c = s[1], h = s[2], wd = s[3], o = s[4];
                if (h + 2 * win.ph() < win.dh() * (win.kh() - 1) + 1 || wd + 2 * win.pw() < win.dw() * (win.kw() - 1) + 1) continue;
                NDArray x = randn(rng, n, c, h, wd), w = randn(rng, o, c, win.kh(), win.kw()), b = randn(rng, o);
                NDArray gy = randn(rng, n, o, win.outH(h), win.outW(wd));
                if (!DirectConvolution.appliesToWeightGrad(x, w, win, 1)) continue;
                for (Kernels kern : kernels) {
                    for (int threads : new int[] {1, 2}) {
                        try (var ctx = ExecutionContext.with(kern, threads)) {
                            float[][] want = im2colPath(x, w, b, gy, win);
                            NDArray y = DirectConvolution.forward(x, w, b, win);
                            NDArray[] g = DirectConvolution.backward(x, w, gy, win, new boolean[] {false, true, true});
                            String where = kern.name() + ", " + threads + " threads, " + java.util.Arrays.toString(s) + " " + win;
                            assertBits(want[0], y.floatStorage(), "y " + where);
                            assertBits(want[1], g[1].floatStorage(), "gw " + where);
                            assertBits(want[2], g[2].floatStorage(), "gb " + where);
                            checked++;
                        }
                    }
                }
            }
        }
        assertTrue(checked > 40, "cases checked: " + checked);
    }

    @Test
    void onlyFewTapsOneGroupStrideOneAndZeroPaddingTakeTheDirectPath() {
        NDArray x = NDArray.zeros(DType.F32, 1, 1, 8, 8), wide = NDArray.zeros(DType.F32, 2, 2, 5, 5);
        NDArray w = NDArray.zeros(DType.F32, 6, 1, 5, 5);
        assertTrue(DirectConvolution.applies(x, w, Window.square(5, 1, 2), 1));
        assertFalse(DirectConvolution.applies(NDArray.zeros(DType.F32, 1, 2, 8, 8), wide, Window.square(5, 1, 2), 1));
        assertFalse(DirectConvolution.applies(x, w, Window.square(5, 2, 2), 1));
        assertFalse(DirectConvolution.applies(x.to(DType.F64), w, Window.square(5, 1, 2), 1));
        assertFalse(DirectConvolution.applies(x, w, new Window(3, 3, 1, 1, 1, 1, 1, 1, Window.Padding.CIRCULAR), 1));
        // 64 channels of 27 taps: the weight gradient's im2col path uses the GEMM, so only the forward pass is direct
        NDArray rgb = NDArray.zeros(DType.F32, 1, 3, 8, 8), w64 = NDArray.zeros(DType.F32, 64, 3, 3, 3);
        assertTrue(DirectConvolution.applies(rgb, w64, Window.square(3, 1, 1), 1));
        assertFalse(DirectConvolution.appliesToWeightGrad(rgb, w64, Window.square(3, 1, 1), 1));
    }

    private static void assertBits(float[] want, float[] got, String where) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), where + " at " + i);
        }
    }
}
