package dev.nabla.nn;

import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The convolution's image-by-image forward (layers with more than {@link ConvKernels#SHORT_K} taps; up to
 * {@link Conv2dFunction#TRANSPOSED_MAX_CHANNELS} output channels per group, each image's product transposed),
 * its input gradient in blocks of images and the four-row bias sums give, bit for bit, what one product over the
 * whole batch gives (computed here from the same kernels: im2col of the batch, one GEMM per group, then the copy out);
 * its weight gradient, the blocks' own products added in block order, gives those bits on any thread count and
 * agrees with the whole batch's product to float32 rounding.
 */
class ConvByImageTest {

    /**
     * y, gx, gw, gb of sum(y * proj) by the batched product over the whole batch, float32 (gw as the sum of
     * per-block products where the layer keeps no columns), and last gw by the whole batch's product.
     */
    private static List<float[]> batched(NDArray x, NDArray w, NDArray b, NDArray proj, Window win, int groups) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0);
        int oh = win.outH(h), ow = win.outW(wd), p = oh * ow, og = o / groups, np = n * p;
        int k = c / groups * win.kh() * win.kw();
        float[] xf = x.toFloatArray(), wf = w.toFloatArray(), bf = b.toFloatArray(), gy = proj.toFloatArray();
        float[] cols = new float[groups * k * np], prod = new float[o * np], y = new float[n * o * p];
        ConvKernels.im2col(xf, 0, c, h, wd, win, groups, 0, n, 0, cols, np);
        for (int g = 0; g < groups; g++) {
            ConvKernels.gemm(false, false, og, np, k, wf, g * og * k, k, cols, g * k * np, np, prod, g * og * np, np);
        }
        ConvKernels.channelsToImages(prod, np, 0, o, p, bf, 0, 0, n, y, 0);
        float[] gt = new float[o * np], gb = new float[o], gw = new float[w.numel()];
        ConvKernels.imagesToChannels(gy, 0, o, p, n, 0, n, gt);
        for (int ch = 0; ch < o; ch++) {
            double s = 0;
            for (int q = 0; q < np; q++) s += gt[ch * np + q];
            gb[ch] = (float) s;
        }
        for (int g = 0; g < groups; g++) {
            ConvKernels.rowDots(og, k, np, gt, g * og * np, np, cols, g * k * np, np, gw, g * og * k, k);
        }
        float[] dcols = new float[groups * k * np], gx = new float[xf.length];
        for (int g = 0; g < groups; g++) {
            ConvKernels.gemm(true, false, k, np, og, wf, g * og * k, k, gt, g * og * np, np, dcols, g * k * np, np);
        }
        ConvKernels.col2im(dcols, np, 0, c, h, wd, win, groups, 0, n, gx, 0);
        int per = o * k, block = Conv2dFunction.IMAGES_PER_TASK, blocks = (n + block - 1) / block;
        float[] partials = new float[blocks * per], gwBlocks = new float[per];
        for (int t = 0; t < blocks; t++) {
            int b0 = t * block, b1 = Math.min(n, b0 + block), ld = (b1 - b0) * p;
            float[] blockCols = new float[groups * k * ld];
            ConvKernels.im2col(xf, 0, c, h, wd, win, groups, b0, b1, b0, blockCols, ld);
            for (int g = 0; g < groups; g++) {
                ConvKernels.rowDots(og, k, ld, gt, g * og * np + b0 * p, np, blockCols, g * k * ld, ld,
                        partials, t * per + g * og * k, k);
            }
        }
        ConvKernels.sumBlocks(partials, per, blocks, 0, per, gwBlocks);
        boolean kept = (long) groups * k * np <= Conv2dFunction.KEPT_COLUMNS_MAX;
        return List.of(y, gx, kept ? gw : gwBlocks, gb, gw);
    }

    private static List<float[]> op(NDArray x, NDArray w, NDArray b, NDArray proj, Window win, int groups) {
        Tensor tx = Tensor.of(x).requiresGrad(true), tw = Tensor.of(w).requiresGrad(true), tb = Tensor.of(b).requiresGrad(true);
        Tensor y = LayerOps.conv2d(tx, tw, tb, win, groups);
        y.mul(Tensor.of(proj)).sum().backward();
        return List.of(y.value().toFloatArray(), tx.grad().toFloatArray(), tw.grad().toFloatArray(), tb.grad().toFloatArray());
    }

    @Test
    void manyTapLayersGiveTheBatchedProductsBitsOnOneTwoAndThreeThreads() {
        Random rng = new Random(11);
        Window[] windows = {Window.square(3, 1, 1), Window.square(5, 2, 2), Window.square(3, 1, 0),
                new Window(2, 3, 2, 1, 1, 2, 2, 1, Window.Padding.ZEROS), new Window(3, 3, 1, 1, 1, 1, 1, 1, Window.Padding.CIRCULAR)};
        // the last two trials' columns are too many to keep (KEPT_COLUMNS_MAX): the weight gradient by blocks
        for (int trial = 0; trial < 14; trial++) {
            boolean big = trial >= 12;
            Window win = big ? windows[trial == 12 ? 0 : 4] : windows[trial % windows.length];
            int groups = trial % 3 == 2 || trial == 13 ? 2 : 1;
            int n = big ? 9 + rng.nextInt(4) : 1 + rng.nextInt(11), c = groups * (big ? 16 : 4 + rng.nextInt(8));
            // odd trials have more output channels per group than the transposed product takes
            int og = trial % 2 == 0 ? 1 + rng.nextInt(Conv2dFunction.TRANSPOSED_MAX_CHANNELS)
                    : Conv2dFunction.TRANSPOSED_MAX_CHANNELS + 1 + rng.nextInt(8);
            int o = groups * og, h = big ? 29 + rng.nextInt(4) : 6 + rng.nextInt(9), wd = big ? 31 : 6 + rng.nextInt(9);
            if (c / groups * win.kh() * win.kw() <= ConvKernels.SHORT_K) c = groups * 8;
            NDArray x = NDArray.randn(rng, DType.F32, n, c, h, wd);
            NDArray w = NDArray.randn(rng, DType.F32, o, c / groups, win.kh(), win.kw());
            NDArray b = NDArray.randn(rng, DType.F32, o);
            NDArray proj = NDArray.randn(rng, DType.F32, n, o, win.outH(h), win.outW(wd));
            List<float[]> want = batched(x, w, b, proj, win, groups);
            for (int threads = 1; threads <= 3; threads++) {
                try (var ctx = ExecutionContext.withThreads(threads)) {
                    List<float[]> got = op(x, w, b, proj, win, groups);
                    String what = win + " groups " + groups + " x " + java.util.Arrays.toString(x.shape()) + " w " + java.util.Arrays.toString(w.shape()) + ", " + threads + " threads, result ";
                    for (int i = 0; i < got.size(); i++) assertArrayEquals(want.get(i), got.get(i), what + i);
                    float[] whole = want.get(4), blocks = got.get(2);
                    for (int e = 0; e < whole.length; e++) {
                        assertEquals(whole[e], blocks[e], 1e-4f * (1 + Math.abs(whole[e])), what + "weight gradient against the whole batch's, index " + e);
                    }
                }
            }
        }
    }

    /**
     * On float64, a layer whose columns are too many to keep ({@link Conv2dFunction#KEPT_COLUMNS_MAX}) sums its
     * weight gradient by blocks of images to the value of the defining sum over images and pixels.
     */
    @Test
    void float64WeightGradientByBlocksIsTheDefiningSum() {
        Random rng = new Random(14);
        int n = 10, c = 16, o = 5, h = 30, wd = 31;
        Window win = Window.square(3, 1, 1);
        assertTrue((long) c * 9 * n * h * wd > Conv2dFunction.KEPT_COLUMNS_MAX, "the layer must keep no columns");
        NDArray x = NDArray.randn(rng, DType.F64, n, c, h, wd), w = NDArray.randn(rng, DType.F64, o, c, 3, 3);
        NDArray proj = NDArray.randn(rng, DType.F64, n, o, h, wd);
        Tensor tw = Tensor.of(w).requiresGrad(true);
        LayerOps.conv2d(Tensor.of(x), tw, null, win, 1).mul(Tensor.of(proj)).sum().backward();
        double[] got = tw.grad().toDoubleArray(), xs = x.toDoubleArray(), gy = proj.toDoubleArray();
        for (int oc = 0; oc < o; oc++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        double want = 0, scale = 0;
                        for (int b = 0; b < n; b++) {
                            for (int oy = 0; oy < h; oy++) {
                                int iy = oy + i - 1;
                                if (iy < 0 || iy >= h) continue;
                                for (int ox = 0; ox < wd; ox++) {
                                    int ix = ox + j - 1;
                                    if (ix < 0 || ix >= wd) continue;
                                    double term = gy[((b * o + oc) * h + oy) * wd + ox] * xs[((b * c + ch) * h + iy) * wd + ix];
                                    want += term;
                                    scale += Math.abs(term);
                                }
                            }
                        }
                        int at = ((oc * c + ch) * 3 + i) * 3 + j;
                        assertEquals(want, got[at], 1e-12 * scale, "weight gradient [" + oc + ", " + ch + ", " + i + ", " + j + "]");
                    }
                }
            }
        }
    }

    @Test
    void evaluationImageByImageGivesTheTrainingPassBits() {
        Random rng = new Random(12);
        NDArray x = NDArray.uniform(rng, -1, 1, DType.F32, 9, 32, 14, 14);
        Conv2d conv = new Conv2d(32, 64, Window.square(3, 1, 1), 1, true, rng);
        NDArray training = conv.forward(Tensor.of(x)).value();
        NDArray evaluation;
        try (var off = Grad.disabled(); var ctx = ExecutionContext.withThreads(2)) {
            evaluation = conv.forward(Tensor.of(x)).value();
        }
        assertArrayEquals(training.toFloatArray(), evaluation.toFloatArray());
    }

    @Test
    void rowSumsFourAtATimeMatchOneRowAtATime() {
        Random rng = new Random(13);
        for (int rows : new int[] {1, 3, 4, 7, 9}) {
            int len = 1 + rng.nextInt(300);
            float[] t = NDArray.randn(rng, DType.F32, rows, len).toFloatArray();
            float[] got = new float[rows + 2];
            ConvKernels.rowSums(t, len, 1, rows, got, 2);
            for (int r = 1; r < rows; r++) {
                double s = 0;
                for (int q = 0; q < len; q++) s += t[r * len + q];
                assertEquals((float) s, got[r + 2], "row " + r + " of " + rows);
            }
        }
    }
}
