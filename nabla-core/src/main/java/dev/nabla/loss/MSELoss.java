package dev.nabla.loss;

import dev.nabla.autograd.Tensor;

/** Mean squared error: {@code mean((output - target)^2)} over every element; output and targets of one shape. */
public final class MSELoss implements Loss {

    @Override
    public String name() {
        return "mse";
    }

    @Override
    public Tensor forward(Tensor output, Tensor targets) {
        Checks.sameShape(name(), output, targets);
        Tensor d = output.sub(targets);
        return d.mul(d).mean();
    }

    @Override
    public String toString() {
        return "MSELoss()";
    }
}
