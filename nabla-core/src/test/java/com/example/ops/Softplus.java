package com.example.ops;

import dev.nabla.autograd.Function;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.NDArray;

/**
 * softplus(x) = log(1 + e^x), any shape: an op defined outside nabla through the public {@link Function} API only.
 * The stable form max(x, 0) + log(1 + e^-|x|) never overflows; its derivative is sigmoid(x).
 */
public final class Softplus extends Function {
    private NDArray x;

    /** {@code softplus(x)}, elementwise. */
    public static Tensor softplus(Tensor x) {
        return new Softplus().apply(x);
    }

    @Override
    public String name() {
        return "softplus";
    }

    @Override
    protected NDArray forward(NDArray... in) {
        x = in[0];
        return x.relu().add(x.abs().neg().exp().addScalar(1).log());
    }

    @Override
    protected NDArray[] backward(NDArray g, boolean[] needsGrad) {
        return new NDArray[] {g.mul(x.sigmoid())}; // dL/dx = g * sigmoid(x)
    }

    @Override
    protected NDArray jvp(NDArray[] t) {
        return t[0].mul(x.sigmoid()); // dy = sigmoid(x) dx
    }
}
