package dev.nabla.nn;

import dev.nabla.models.Models;
import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.kernel.KernelProvider;
import dev.nabla.kernel.Kernels;
import dev.nabla.loss.CrossEntropyLoss;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 convolution, pooling and batch-norm kernels (the float64 ones are gradchecked by the op registry): they agree
 * with float64, give the same bits on any thread count, and evaluation in chunks gives the training pass's bits.
 */
class ConvKernelsTest {
    private static final Window[] WINDOWS = {Window.square(5, 1, 2), Window.square(3, 2, 1),
            new Window(2, 3, 2, 1, 1, 2, 2, 1, Window.Padding.ZEROS), new Window(3, 3, 1, 1, 1, 1, 1, 1, Window.Padding.CIRCULAR)};

    /** The conv's output and the gradients of sum(y * proj) by x, w and b, all as float64 for comparison. */
    private static List<NDArray> convAndGrads(NDArray x, NDArray w, NDArray b, NDArray proj, Window win, int groups, DType dt) {
        Tensor tx = Tensor.of(x.to(dt)).requiresGrad(true), tw = Tensor.of(w.to(dt)).requiresGrad(true), tb = Tensor.of(b.to(dt)).requiresGrad(true);
        Tensor y = LayerOps.conv2d(tx, tw, tb, win, groups);
        y.mul(Tensor.of(proj.to(dt))).sum().backward();
        return List.of(y.value().to(DType.F64), tx.grad().to(DType.F64), tw.grad().to(DType.F64), tb.grad().to(DType.F64));
    }

    @Test
    void float32ConvolutionAndItsGradientsMatchFloat64() {
        Random rng = new Random(3);
        for (Window win : WINDOWS) {
            for (int groups : new int[] {1, 2}) {
                NDArray x = NDArray.randn(rng, DType.F64, 3, 4, 9, 8);
                NDArray w = NDArray.randn(rng, DType.F64, 6, 4 / groups, win.kh(), win.kw());
                NDArray b = NDArray.randn(rng, DType.F64, 6);
                NDArray proj = NDArray.randn(rng, DType.F64, 3, 6, win.outH(9), win.outW(8));
                List<NDArray> ref = convAndGrads(x, w, b, proj, win, groups, DType.F64);
                List<NDArray> f32 = convAndGrads(x, w, b, proj, win, groups, DType.F32);
                for (int i = 0; i < ref.size(); i++) {
                    assertTrue(f32.get(i).allClose(ref.get(i), 1e-4, 1e-4), win + " groups " + groups + ", result " + i);
                }
            }
        }
    }

    /** Visits a column value: its index in the columns, and the pixel it reads (-1 in the zero padding). */
    private interface ColumnValue {
        void visit(int at, int pixel);
    }

    /**
     * Every column value of n images (columns [G, K, ld], image b's P values at b P), in tap order: image, group,
     * channel, tap row i, tap column j, output row, output column.
     */
    private static void eachColumnValue(int n, int c, int h, int w, Window win, int groups, int ld, ColumnValue visit) {
        int cg = c / groups, oh = win.outH(h), ow = win.outW(w), p = oh * ow, k = cg * win.kh() * win.kw();
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                for (int ch = 0; ch < cg; ch++) {
                    for (int i = 0; i < win.kh(); i++) {
                        for (int j = 0; j < win.kw(); j++) {
                            int row = g * k + (ch * win.kh() + i) * win.kw() + j;
                            for (int oy = 0; oy < oh; oy++) {
                                for (int ox = 0; ox < ow; ox++) {
                                    int iy = oy * win.sh() - win.ph() + i * win.dh(), ix = ox * win.sw() - win.pw() + j * win.dw();
                                    boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                                    visit.visit(row * ld + b * p + oy * ow + ox, inside ? ((b * c + g * cg + ch) * h + iy) * w + ix : -1);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * im2col on float32 (zero padding: whole shifted runs of a plane where the rows are as long as the image's,
     * else row by row) writes every column value, the padding's as +0, as a loop over each output value does; the
     * columns start out as NaN so that a value left unwritten shows.
     */
    @Test
    void float32Im2colWritesEveryColumnValue() {
        Random rng = new Random(22);
        Window[] windows = {Window.square(3, 1, 1), Window.square(5, 1, 2), Window.square(5, 1, 0),
                new Window(3, 3, 1, 1, 2, 2, 2, 2, Window.Padding.ZEROS), new Window(3, 5, 1, 1, 0, 2, 1, 1, Window.Padding.ZEROS),
                new Window(3, 3, 1, 1, 3, 1, 1, 1, Window.Padding.ZEROS), Window.square(3, 2, 1)};
        for (Window win : windows) {
            for (int groups : new int[] {1, 2}) {
                int n = 3, c = 4, h = 5 + rng.nextInt(8), w = 4 + rng.nextInt(12), cg = c / groups;
                int oh = win.outH(h), ow = win.outW(w), p = oh * ow, k = cg * win.kh() * win.kw(), ld = n * p + 3;
                float[] x = new float[n * c * h * w];
                for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
                float[] got = new float[groups * k * ld];
                Arrays.fill(got, Float.NaN);
                ConvKernels.im2col(x, 0, c, h, w, win, groups, 0, n, 0, got, ld);
                String what = win + " groups " + groups + " " + h + "x" + w;
                eachColumnValue(n, c, h, w, win, groups, ld, (at, pixel) -> assertEquals(
                        Float.floatToRawIntBits(pixel < 0 ? 0f : x[pixel]), Float.floatToRawIntBits(got[at]), what + ": column value " + at));
            }
        }
    }

    /**
     * col2im on float32 with stride 1 (one plane's taps at a time, {@code Kernels.addTapPlane}) gives, with the scalar
     * and the SIMD kernels, the bits of adding each column value to its pixel one tap at a time, in tap order.
     */
    @Test
    void float32Col2imGivesTheTapByTapBits() {
        Random rng = new Random(21);
        Window[] windows = {Window.square(5, 1, 0), Window.square(3, 1, 1), Window.square(5, 1, 2),
                new Window(2, 3, 1, 1, 1, 2, 2, 1, Window.Padding.ZEROS), Window.square(3, 2, 1)};
        Kernels[] kernels = {KernelProvider.scalar(), KernelProvider.simd().orElseThrow()};
        for (Window win : windows) {
            for (int groups : new int[] {1, 2}) {
                int n = 3, c = 4, h = 9 + rng.nextInt(8), w = 9 + rng.nextInt(12), cg = c / groups;
                int oh = win.outH(h), ow = win.outW(w), p = oh * ow, k = cg * win.kh() * win.kw(), ld = n * p + 5;
                float[] cols = new float[groups * k * ld];
                for (int i = 0; i < cols.length; i++) cols[i] = i % 9 == 0 ? -0f : (float) rng.nextGaussian();
                float[] want = new float[n * c * h * w];
                eachColumnValue(n, c, h, w, win, groups, ld, (at, pixel) -> {
                    if (pixel >= 0) want[pixel] += cols[at];
                });
                for (Kernels kern : kernels) {
                    try (var ctx = ExecutionContext.with(kern, 1)) {
                        float[] got = new float[want.length];
                        ConvKernels.col2im(cols, ld, 0, c, h, w, win, groups, 0, n, got, 0);
                        for (int i = 0; i < want.length; i++) {
                            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), kern.name() + " " + win + " groups " + groups + " at " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void float32PoolingMatchesFloat64InValueGradientAndTangent() {
        Random rng = new Random(4);
        for (Window win : new Window[] {Window.square(2, 2, 0), Window.square(3, 2, 1), WINDOWS[3]}) {
            NDArray x = NDArray.randn(rng, DType.F64, 2, 3, 7, 6);
            NDArray v = NDArray.randn(rng, DType.F64, 2, 3, 7, 6);
            NDArray proj = NDArray.randn(rng, DType.F64, 2, 3, win.outH(7), win.outW(6));
            for (boolean max : new boolean[] {true, false}) {
                List<List<NDArray>> both = new ArrayList<>();
                for (DType dt : new DType[] {DType.F64, DType.F32}) {
                    Tensor tx = Tensor.of(x.to(dt)).requiresGrad(true);
                    Tensor y = max ? LayerOps.maxPool2d(tx, win) : LayerOps.avgPool2d(tx, win);
                    y.mul(Tensor.of(proj.to(dt))).sum().backward();
                    NDArray tangent;
                    try (var off = Grad.disabled()) {
                        Tensor in = Tensor.of(x.to(dt)).withTangent(v.to(dt));
                        tangent = (max ? LayerOps.maxPool2d(in, win) : LayerOps.avgPool2d(in, win)).tangent();
                    }
                    both.add(List.of(y.value().to(DType.F64), tx.grad().to(DType.F64), tangent.to(DType.F64)));
                }
                for (int i = 0; i < 3; i++) {
                    assertTrue(both.get(1).get(i).allClose(both.get(0).get(i), 1e-5, 1e-5), win + (max ? " max" : " avg") + ", result " + i);
                }
            }
        }
    }

    /** {@code run} under 1, 2 and 3 threads: each returns arrays that must be bit-identical to the 1-thread ones. */
    private static void assertSameBitsPerThreadCount(String what, Supplier<List<NDArray>> run) {
        List<List<NDArray>> results = new ArrayList<>();
        for (int threads = 1; threads <= 3; threads++) {
            try (var ctx = ExecutionContext.withThreads(threads)) {
                results.add(run.get());
            }
        }
        for (int t = 1; t < results.size(); t++) {
            for (int i = 0; i < results.get(0).size(); i++) {
                assertArrayEquals(results.get(0).get(i).toFloatArray(), results.get(t).get(i).toFloatArray(),
                        what + ": result " + i + " on " + (t + 1) + " threads differs from 1 thread");
            }
        }
    }

    @Test
    void convolutionForwardAndBackwardGiveTheSameBitsOnOneTwoAndThreeThreads() {
        Random rng = new Random(5);
        // sizes large enough that the GEMM and the image loops split over threads
        NDArray x = NDArray.randn(rng, DType.F64, 64, 6, 14, 14);
        NDArray w = NDArray.randn(rng, DType.F64, 16, 6, 5, 5);
        NDArray b = NDArray.randn(rng, DType.F64, 16);
        NDArray proj = NDArray.randn(rng, DType.F64, 64, 16, 10, 10);
        assertSameBitsPerThreadCount("conv2d", () -> convAndGrads(x, w, b, proj, Window.square(5, 1, 0), 1, DType.F32));
        NDArray w2 = NDArray.randn(rng, DType.F64, 4, 3, 3, 3);
        NDArray proj2 = NDArray.randn(rng, DType.F64, 64, 4, 7, 7);
        assertSameBitsPerThreadCount("conv2d groups 2 stride 2", () -> convAndGrads(x, w2, b.slice(0, 0, 4), proj2, Window.square(3, 2, 1), 2, DType.F32));
    }

    @Test
    void batchNormGivesTheSameBitsOnOneTwoAndThreeThreadsAndMatchesFloat64() {
        Random rng = new Random(9);
        NDArray x = NDArray.randn(rng, DType.F64, 16, 8, 6, 5);
        NDArray gamma = NDArray.randn(rng, DType.F64, 8), beta = NDArray.randn(rng, DType.F64, 8);
        NDArray proj = NDArray.randn(rng, DType.F64, 16, 8, 6, 5);
        Supplier<List<NDArray>> f32 = () -> batchNormAndGrads(x, gamma, beta, proj, DType.F32);
        assertSameBitsPerThreadCount("batch_norm", f32);
        List<NDArray> ref = batchNormAndGrads(x, gamma, beta, proj, DType.F64), got = f32.get();
        for (int i = 0; i < ref.size(); i++) assertTrue(got.get(i).allClose(ref.get(i), 1e-4, 1e-4), "batch_norm result " + i);
    }

    private static List<NDArray> batchNormAndGrads(NDArray x, NDArray gamma, NDArray beta, NDArray proj, DType dt) {
        Tensor tx = Tensor.of(x.to(dt)).requiresGrad(true), tg = Tensor.of(gamma.to(dt)).requiresGrad(true), tb = Tensor.of(beta.to(dt)).requiresGrad(true);
        Tensor y = LayerOps.batchNorm(tx, tg, tb, 1e-5);
        y.mul(Tensor.of(proj.to(dt))).sum().backward();
        return List.of(y.value().to(DType.F64), tx.grad().to(DType.F64), tg.grad().to(DType.F64), tb.grad().to(DType.F64));
    }

    @Test
    void aLenetTrainingStepGivesTheSameBitsOnOneTwoAndThreeThreads() {
        Random rng = new Random(6);
        NDArray images = NDArray.uniform(rng, 0, 1, DType.F32, 64, 784);
        int[] labels = new int[64];
        for (int i = 0; i < labels.length; i++) labels[i] = rng.nextInt(10);
        assertSameBitsPerThreadCount("lenet5 step", () -> {
            Sequential net = Models.lenet5(10, 7);
            Tensor loss = new CrossEntropyLoss().forward(net.forward(Tensor.of(images)), labels);
            loss.backward();
            List<NDArray> out = new ArrayList<>(List.of(loss.value()));
            for (Parameter p : net.parameters()) out.add(p.grad());
            return out;
        });
    }

    @Test
    void evaluationInChunksGivesTheTrainingPassBits() {
        Random rng = new Random(8);
        int n = Conv2dFunction.CHUNK_VALUES / (25 * 28 * 28) * 2 + 3;  // at least two chunks and a partial one
        NDArray x = NDArray.uniform(rng, -1, 1, DType.F32, n, 1, 28, 28);
        Conv2d conv = new Conv2d(1, 6, Window.square(5, 1, 2), 1, true, rng);
        NDArray training = conv.forward(Tensor.of(x)).value();
        NDArray evaluation;
        try (var off = Grad.disabled()) {
            evaluation = conv.forward(Tensor.of(x)).value();
        }
        assertEquals(n, evaluation.dim(0));
        assertArrayEquals(training.toFloatArray(), evaluation.toFloatArray());
    }
}
