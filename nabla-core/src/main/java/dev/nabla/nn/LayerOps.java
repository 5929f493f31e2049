package dev.nabla.nn;

import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

/**
 * The ops behind the convolutional layers. Convolution and pooling are primitive ops of their own
 * ({@link Conv2dFunction}: im2col and the SIMD GEMM; {@link Pool2dFunction}: window loops that keep the max's
 * winners), and so is batch normalisation ({@link BatchNormFunction}); the rest are composed from the autograd
 * primitives. Every op here is gradchecked in both modes by
 * the op registry. Images are [N, C, H, W] (channels first, as PyTorch).
 */
public final class LayerOps {
    private LayerOps() {}

    /**
     * 2-D convolution (cross-correlation, as PyTorch's {@code F.conv2d}): x [N, C, H, W], w [O, C / G, kh, kw],
     * b [O] or null -> [N, O, outH, outW], with the window's stride, padding (zeros or circular) and dilation.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, Window window, int groups) {
        int[] ws = w.shape();
        if (x.rank() != 4 || ws.length != 4 || ws[0] % groups != 0 || x.dim(1) != ws[1] * groups
                || ws[2] != window.kh() || ws[3] != window.kw()) {
            throw new IllegalArgumentException("conv2d: input " + Shape.str(x.shape()) + " does not match weight " + Shape.str(ws)
                    + " [out, in / groups, kh, kw] with groups " + groups + " and kernel " + window.kh() + "x" + window.kw());
        }
        if (b != null && (b.rank() != 1 || b.dim(0) != ws[0])) {
            throw new IllegalArgumentException("conv2d: bias " + Shape.str(b.shape()) + " does not match [" + ws[0] + "]");
        }
        // the columns are kept for the weight gradient only when one will be asked for
        Conv2dFunction op = new Conv2dFunction(window, groups, Grad.isEnabled() && w.requiresGrad());
        return b == null ? op.apply(x, w) : op.apply(x, w, b);
    }

    /** Max pooling: x [N, C, H, W] -> [N, C, outH, outW]; padding never wins (it reads -infinity). */
    public static Tensor maxPool2d(Tensor x, Window window) {
        return new Pool2dFunction(window, true).apply(x);
    }

    /** Average pooling: x [N, C, H, W] -> [N, C, outH, outW]; zero padding counts in the mean (PyTorch's default). */
    public static Tensor avgPool2d(Tensor x, Window window) {
        return new Pool2dFunction(window, false).apply(x);
    }

    /** Global average pooling: x [N, C, H, W] -> [N, C], the mean of each channel's plane. */
    public static Tensor globalAvgPool(Tensor x) {
        return x.mean(2, 3);
    }

    /** Leaky ReLU: x where x > 0, else slope x; any shape. The gradient at 0 is slope. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        return Tensor.where(x.value().gt(NDArray.scalar(0, x.dtype())), x, x.mul(slope));
    }

    /**
     * GELU in its tanh form (PyTorch's {@code approximate='tanh'}): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)));
     * within 1e-3 of the erf form everywhere; any shape.
     */
    public static Tensor gelu(Tensor x) {
        Tensor inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
        return x.mul(inner.tanh().add(1)).mul(0.5);
    }

    /**
     * Batch normalisation with the batch's own statistics (training mode): per channel (axis 1), over every other
     * axis, (x - mean) / sqrt(var + eps) gamma + beta, with the biased variance. x [N, C] or [N, C, H, W];
     * gamma, beta [C].
     */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        checkBatchNorm(x, gamma, beta);
        return new BatchNormFunction(eps).apply(x, gamma, beta);
    }

    /** x [N, C] or [N, C, H, W] with gamma and beta [C]. */
    static void checkBatchNorm(Tensor x, Tensor gamma, Tensor beta) {
        if ((x.rank() != 2 && x.rank() != 4) || gamma.rank() != 1 || beta.rank() != 1
                || gamma.dim(0) != x.dim(1) || beta.dim(0) != x.dim(1)) {
            throw new IllegalArgumentException("batch_norm: input " + Shape.str(x.shape()) + " with gamma "
                    + Shape.str(gamma.shape()) + " and beta " + Shape.str(beta.shape()) + ": expected [N, C] or [N, C, H, W] and [C]");
        }
    }

    /** [1, C] or [1, C, 1, 1]: a per-channel vector shaped to broadcast against x. */
    static int[] channelShape(Tensor x) {
        int[] s = new int[x.rank()];
        java.util.Arrays.fill(s, 1);
        s[1] = x.dim(1);
        return s;
    }
}
