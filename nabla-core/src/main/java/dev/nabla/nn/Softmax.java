package dev.nabla.nn;

import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;

/** softmax along an axis (default 1, the classes of [N, C]): probabilities; stable. Any shape -> the same shape. */
public final class Softmax extends Module {
    private final int axis;

    public Softmax() {
        this(1);
    }

    public Softmax(int axis) {
        this.axis = axis;
    }

    public int axis() {
        return axis;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.softmax(x, axis);
    }

    @Override
    public String toString() {
        return "Softmax(axis=" + axis + ")";
    }
}
