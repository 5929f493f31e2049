package com.example.ops;

import dev.nabla.autograd.Function;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.Arrays;

/**
 * hypot(a, b) = sqrt(a^2 + b^2) for two arrays of the same shape: a two-input op defined outside nabla, which
 * computes only the gradients asked for and treats a missing tangent as zero.
 */
public final class Hypot extends Function {
    private NDArray a, b, out;

    public static Tensor hypot(Tensor a, Tensor b) {
        return new Hypot().apply(a, b);
    }

    @Override
    public String name() {
        return "hypot";
    }

    @Override
    protected NDArray forward(NDArray... in) {
        a = in[0];
        b = in[1];
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("hypot: shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " differ");
        }
        out = a.mul(a).add(b.mul(b)).sqrt();
        return out;
    }

    @Override
    protected NDArray[] backward(NDArray g, boolean[] needsGrad) {
        NDArray gOverOut = g.div(out); // d out / da = a / out, d out / db = b / out
        return new NDArray[] {needsGrad[0] ? gOverOut.mul(a) : null, needsGrad[1] ? gOverOut.mul(b) : null};
    }

    @Override
    protected NDArray jvp(NDArray[] t) {
        NDArray d = NDArray.zeros(out.dtype(), out.shape());
        if (t[0] != null) d = d.add(t[0].mul(a));
        if (t[1] != null) d = d.add(t[1].mul(b));
        return d.div(out);
    }
}
