package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.Shape;

/** Global average pooling: [N, C, H, W] -> [N, C], each channel's mean; no parameters. */
public final class GlobalAvgPool2d extends Module {
    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        return LayerOps.globalAvgPool(x);
    }

    @Override
    public int[] outputShape(int... s) {
        if (s.length != 4) throw new InputException("input " + Shape.str(s) + " is not [N, C, H, W]");
        return new int[] {s[0], s[1]};
    }

    @Override
    public String toString() {
        return "GlobalAvgPool2d()";
    }
}
