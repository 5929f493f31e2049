package dev.nabla.onnx;

import dev.nabla.autograd.Tensor;
import dev.nabla.nn.Module;

/**
 * Passes its input through (ONNX {@code Identity}, and {@code Dropout} at inference: a PyTorch model exported
 * in eval mode keeps its dropout layers as identities). Any shape -> the same shape.
 */
public final class Identity extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x;
    }

    @Override
    public String toString() {
        return "Identity()";
    }
}
