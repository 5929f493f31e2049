package dev.nabla.nn;

import dev.nabla.autograd.Tensor;

/** Elementwise GELU, tanh form (see {@link LayerOps#gelu}). Any shape -> the same shape. */
public final class GELU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return LayerOps.gelu(x);
    }

    @Override
    public String toString() {
        return "GELU(tanh)";
    }
}
