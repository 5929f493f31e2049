package dev.nabla.onnx;

import dev.nabla.autograd.Tensor;
import dev.nabla.nn.Module;

/**
 * Elementwise leaky ReLU: x for x >= 0, alpha x below (ONNX {@code LeakyRelu}). Any shape -> the same shape; no
 * parameters. Computed as relu(x) - alpha relu(-x), which gives exactly x or alpha x, so the gradient flows
 * through the built-in ops.
 */
public final class LeakyReLU extends Module {
    private final float alpha;

    public LeakyReLU(float alpha) {
        this.alpha = alpha;
    }

    /** The slope below zero. */
    public float alpha() {
        return alpha;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.relu().sub(x.neg().relu().mul(alpha));
    }

    @Override
    public String toString() {
        return "LeakyReLU(alpha=" + alpha + ")";
    }
}
