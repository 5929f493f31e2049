package dev.nabla.nn;

import dev.nabla.autograd.Tensor;

/** Max pooling (see {@link LayerOps#maxPool2d}): [N, C, H, W] -> [N, C, outH, outW]; no parameters. */
public final class MaxPool2d extends Pool2d {
    /** A k x k window with stride k (PyTorch's default), no padding. */
    public MaxPool2d(int k) {
        this(Window.square(k, k, 0));
    }

    public MaxPool2d(Window window) {
        super(window);
    }

    @Override
    Tensor pool(Tensor x) {
        return LayerOps.maxPool2d(x, window);
    }

    @Override
    public String toString() {
        return "MaxPool2d(" + window + ")";
    }
}
