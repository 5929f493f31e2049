package dev.nabla.nn;

import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;

/** log softmax along an axis (default 1, the classes of [N, C]); stable. Any shape -> the same shape. */
public final class LogSoftmax extends Module {
    private final int axis;

    public LogSoftmax() {
        this(1);
    }

    public LogSoftmax(int axis) {
        this.axis = axis;
    }

    public int axis() {
        return axis;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.logSoftmax(x, axis);
    }

    @Override
    public String toString() {
        return "LogSoftmax(axis=" + axis + ")";
    }
}
