package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.Shape;

/** What max and average pooling share: the window and the shape rule [N, C, H, W] -> [N, C, outH, outW]. */
abstract class Pool2d extends Module {
    final Window window;

    Pool2d(Window window) {
        this.window = window;
    }

    /** The pooling window. */
    public final Window window() {
        return window;
    }

    @Override
    public final int[] outputShape(int... s) {
        if (s.length != 4) throw new InputException("input " + Shape.str(s) + " is not [N, C, H, W]");
        window.checkFits(s, s[2], s[3]);
        return new int[] {s[0], s[1], window.outH(s[2]), window.outW(s[3])};
    }

    @Override
    public final Tensor forward(Tensor x) {
        outputShape(x.shape());
        return pool(x);
    }

    abstract Tensor pool(Tensor x);
}
