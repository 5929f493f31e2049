package dev.nabla.nn;

import dev.nabla.autograd.Tensor;

/** Elementwise leaky ReLU: x where x > 0, else slope x (default 0.01). Any shape -> the same shape. */
public final class LeakyReLU extends Module {
    private final double slope;

    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double slope) {
        this.slope = slope;
    }

    /** The slope below zero. */
    public double slope() {
        return slope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return LayerOps.leakyRelu(x, slope);
    }

    @Override
    public String toString() {
        return "LeakyReLU(" + slope + ")";
    }
}
