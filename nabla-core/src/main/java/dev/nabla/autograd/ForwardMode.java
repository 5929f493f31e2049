package dev.nabla.autograd;

import dev.nabla.tensor.NDArray;

import java.util.function.UnaryOperator;

/**
 * Forward-mode differentiation: Jacobian-vector products by pushing tangents through the same ops, and
 * Jacobians by either mode.
 */
public final class ForwardMode {
    private ForwardMode() {}

    /** The value f(x) and the directional derivative J_f(x) v. */
    public record Jvp(NDArray value, NDArray tangent) {}

    /** Which mode builds a Jacobian: forward fills it a column per input element, reverse a row per output. */
    public enum Mode { FORWARD, REVERSE }

    /** Computes f(x) and J_f(x) v in one forward pass (no graph is recorded). */
    public static Jvp jvp(UnaryOperator<Tensor> f, NDArray x, NDArray v) {
        try (var off = Grad.disabled()) {
            Tensor out = f.apply(Tensor.of(x).withTangent(v));
            NDArray t = out.tangent();
            // An output that does not depend on x carries no tangent: its derivative is zero.
            return new Jvp(out.value(), t != null ? t : NDArray.zeros(out.dtype(), out.shape()));
        }
    }

    /**
     * The Jacobian of f at x as a [outputs, inputs] array (both flattened row-major).
     * Forward mode runs one JVP per input element; reverse mode one backward pass per output element.
     */
    public static NDArray jacobian(UnaryOperator<Tensor> f, NDArray x, Mode mode) {
        int n = x.numel();
        if (mode == Mode.FORWARD) {
            NDArray[] cols = new NDArray[n];
            int m = -1;
            for (int j = 0; j < n; j++) {
                NDArray v = NDArray.zeros(x.dtype(), x.shape());
                v.setFlat(j, 1);
                NDArray col = jvp(f, x, v).tangent();
                m = col.numel();
                cols[j] = col.reshape(m, 1);
            }
            return n == 0 ? NDArray.zeros(x.dtype(), 0, 0) : NDArray.concat(1, cols);
        }
        try (var on = Grad.enabled()) {
            Tensor in = Tensor.variable(x);
            Tensor out = f.apply(in);
            int m = out.value().numel();
            NDArray jac = NDArray.zeros(x.dtype(), m, n);
            for (int i = 0; i < m; i++) {
                in.zeroGrad();
                NDArray seed = NDArray.zeros(out.dtype(), out.shape());
                seed.setFlat(i, 1);
                if (out.requiresGrad()) out.backward(seed, true);
                NDArray g = in.grad();
                for (int j = 0; j < n; j++) jac.set(g == null ? 0 : g.getFlat(j), i, j);
            }
            return jac;
        }
    }

    /** The Jacobian by central differences in float64: column j is (f(x + h e_j) - f(x - h e_j)) / 2h. */
    public static NDArray numericalJacobian(UnaryOperator<Tensor> f, NDArray x, double h) {
        NDArray x64 = x.to(dev.nabla.tensor.DType.F64).copy();
        int n = x64.numel();
        NDArray jac = null;
        try (var off = Grad.disabled()) {
            for (int j = 0; j < n; j++) {
                double orig = x64.getFlat(j);
                x64.setFlat(j, orig + h);
                NDArray plus = f.apply(Tensor.of(x64)).value().to(dev.nabla.tensor.DType.F64).copy();
                x64.setFlat(j, orig - h);
                NDArray minus = f.apply(Tensor.of(x64)).value().to(dev.nabla.tensor.DType.F64);
                x64.setFlat(j, orig);
                if (jac == null) jac = NDArray.zeros(dev.nabla.tensor.DType.F64, plus.numel(), n);
                for (int i = 0; i < plus.numel(); i++) jac.set((plus.getFlat(i) - minus.getFlat(i)) / (2 * h), i, j);
            }
        }
        return jac;
    }
}
