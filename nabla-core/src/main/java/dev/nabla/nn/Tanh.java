package dev.nabla.nn;

import dev.nabla.autograd.Tensor;

/** Elementwise {@code tanh}: the hyperbolic tangent. Any shape -> the same shape; no parameters. */
public final class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }

    @Override
    public String toString() {
        return "Tanh()";
    }
}
