package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.Shape;

/** [N, d1, d2, ...] -> [N, d1 d2 ...] (row-major, as PyTorch's {@code nn.Flatten}); no parameters. */
public final class Flatten extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.reshape(outputShape(x.shape()));
    }

    @Override
    public int[] outputShape(int... s) {
        if (s.length < 1) throw new InputException("input " + Shape.str(s) + " has no batch axis");
        int n = 1;
        for (int i = 1; i < s.length; i++) n *= s[i];
        return new int[] {s[0], n};
    }

    @Override
    public String toString() {
        return "Flatten()";
    }
}
