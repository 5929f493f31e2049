package dev.nabla.nn;

import dev.nabla.autograd.Tensor;

/** Elementwise {@code sigmoid}: the logistic function 1 / (1 + e^-x); the course's hidden activation. Any shape -> the same shape; no parameters. */
public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }

    @Override
    public String toString() {
        return "Sigmoid()";
    }
}
