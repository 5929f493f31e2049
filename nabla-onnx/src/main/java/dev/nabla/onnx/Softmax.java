package dev.nabla.onnx;

import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;
import dev.nabla.nn.Module;

/** Softmax over the last axis: [N, C] -> probabilities [N, C] (ONNX {@code Softmax} with axis -1 or 1). */
public final class Softmax extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Functional.softmax(x, x.rank() - 1);
    }

    @Override
    public String toString() {
        return "Softmax()";
    }
}
