package dev.nabla.nn;

import dev.nabla.autograd.Function;
import dev.nabla.kernel.Parallel;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

/**
 * Max or average pooling as one op (see {@link LayerOps#maxPool2d} and {@link LayerOps#avgPool2d}): x [N, C, H, W]
 * -> [N, C, outH, outW], computed plane by plane. The max keeps the offset of each window's winning pixel, so its
 * backward sends each gradient to that pixel and its JVP reads the tangent there; the average is linear, so its
 * backward spreads each gradient over its window and its JVP averages the tangent. Planes are split over threads
 * by count only, and each writes only its own plane, so every thread count gives the same bits.
 */
final class Pool2dFunction extends Function {
    private final Window window;
    private final boolean max;
    private int[] shape;
    private int[] winner;

    /** {@code max}: max pooling, else average pooling. */
    Pool2dFunction(Window window, boolean max) {
        this.window = window;
        this.max = max;
    }

    @Override
    public String name() {
        return max ? "max_pool2d" : "avg_pool2d";
    }

    @Override
    public String describe() {
        return window.toString();
    }

    private static Object data(NDArray a) {
        return a.dtype() == DType.F32 ? a.floatStorage() : a.doubleStorage();
    }

    /** Planes per parallel piece, so that a piece has a few thousand window taps at least. */
    private int grain(int p) {
        return Math.max(1, 4096 / Math.max(1, p * window.kh() * window.kw()));
    }

    @Override
    protected NDArray forward(NDArray... in) {
        NDArray x = in[0].contiguous();
        shape = x.shape();
        if (shape.length != 4) throw new IllegalArgumentException(name() + ": expects [N, C, H, W], got " + Shape.str(shape));
        window.checkFits(shape, shape[2], shape[3]);
        int planes = shape[0] * shape[1], h = shape[2], w = shape[3];
        int oh = window.outH(h), ow = window.outW(w);
        NDArray y = NDArray.zeros(x.dtype(), shape[0], shape[1], oh, ow);
        Object xd = data(x), yd = data(y);
        int xo = x.offset();
        if (max) {
            int[] arg = new int[planes * oh * ow];
            Parallel.forPieces(planes, grain(oh * ow), (lo, hi) -> ConvKernels.maxPool(xd, xo, h, w, window, lo, hi, yd, arg));
            winner = arg;
        } else {
            Parallel.forPieces(planes, grain(oh * ow), (lo, hi) -> ConvKernels.avgPool(xd, xo, h, w, window, lo, hi, yd, 0, false));
        }
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray gradOutput, boolean[] needsGrad) {
        NDArray g = gradOutput.contiguous();
        int planes = shape[0] * shape[1], h = shape[2], w = shape[3], p = window.outH(h) * window.outW(w);
        NDArray gx = NDArray.zeros(g.dtype(), shape);
        Object gd = data(g), gxd = data(gx);
        int go = g.offset();
        if (max) {
            Parallel.forPieces(planes, grain(p), (lo, hi) -> ConvKernels.maxPoolRoute(gd, go, winner, h * w, p, lo, hi, gxd, 0, true));
        } else {
            Parallel.forPieces(planes, grain(p), (lo, hi) -> ConvKernels.avgPool(gxd, 0, h, w, window, lo, hi, gd, go, true));
        }
        return new NDArray[] {gx};
    }

    @Override
    protected NDArray jvp(NDArray[] tangents) {
        NDArray t = tangents[0].contiguous();
        int planes = shape[0] * shape[1], h = shape[2], w = shape[3], oh = window.outH(h), ow = window.outW(w);
        NDArray out = NDArray.zeros(t.dtype(), shape[0], shape[1], oh, ow);
        Object td = data(t), od = data(out);
        int to = t.offset();
        if (max) {
            Parallel.forPieces(planes, grain(oh * ow), (lo, hi) -> ConvKernels.maxPoolRoute(od, 0, winner, h * w, oh * ow, lo, hi, td, to, false));
        } else {
            Parallel.forPieces(planes, grain(oh * ow), (lo, hi) -> ConvKernels.avgPool(td, to, h, w, window, lo, hi, od, 0, false));
        }
        return out;
    }
}
