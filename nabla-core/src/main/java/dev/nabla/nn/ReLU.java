package dev.nabla.nn;

import dev.nabla.autograd.Tensor;

/** Elementwise {@code relu}: max(x, 0); the gradient at 0 is 0. Any shape -> the same shape; no parameters. */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
