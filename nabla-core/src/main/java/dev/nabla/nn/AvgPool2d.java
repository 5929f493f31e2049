package dev.nabla.nn;

import dev.nabla.autograd.Tensor;

/** Average pooling (see {@link LayerOps#avgPool2d}): [N, C, H, W] -> [N, C, outH, outW]; no parameters. */
public final class AvgPool2d extends Pool2d {
    /** A k x k window with stride k (PyTorch's default), no padding. */
    public AvgPool2d(int k) {
        this(Window.square(k, k, 0));
    }

    public AvgPool2d(Window window) {
        super(window);
    }

    @Override
    Tensor pool(Tensor x) {
        return LayerOps.avgPool2d(x, window);
    }

    @Override
    public String toString() {
        return "AvgPool2d(" + window + ")";
    }
}
