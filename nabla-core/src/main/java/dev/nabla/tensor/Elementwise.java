package dev.nabla.tensor;

import dev.nabla.kernel.Kernels;

/**
 * Elementwise math behind {@link NDArray}'s methods: each op names its float32 kernel (where one exists) and its
 * float and double formulas; {@link Dispatch} picks one by type and layout. Binary ops broadcast (NumPy rules)
 * and promote to float64 when either operand is float64. Every op returns a new contiguous array.
 */
final class Elementwise {
    private Elementwise() {}

    static NDArray add(NDArray a, NDArray b) {
        return Dispatch.binary("add", a, b, Kernels::add, Float::sum, Double::sum);
    }

    static NDArray sub(NDArray a, NDArray b) {
        return Dispatch.zip("sub", a, b, (x, y) -> x - y, (x, y) -> x - y);
    }

    static NDArray mul(NDArray a, NDArray b) {
        return Dispatch.binary("mul", a, b, Kernels::mul, (x, y) -> x * y, (x, y) -> x * y);
    }

    static NDArray div(NDArray a, NDArray b) {
        return Dispatch.zip("div", a, b, (x, y) -> x / y, (x, y) -> x / y);
    }

    static NDArray pow(NDArray a, NDArray b) {
        return Dispatch.zip("pow", a, b, (x, y) -> (float) Math.pow(x, y), Math::pow);
    }

    static NDArray maximum(NDArray a, NDArray b) {
        return Dispatch.zip("maximum", a, b, Math::max, Math::max);
    }

    static NDArray minimum(NDArray a, NDArray b) {
        return Dispatch.zip("minimum", a, b, Math::min, Math::min);
    }

    static NDArray gt(NDArray a, NDArray b) {
        return Dispatch.zip("gt", a, b, (x, y) -> x > y ? 1f : 0f, (x, y) -> x > y ? 1 : 0);
    }

    static NDArray ge(NDArray a, NDArray b) {
        return Dispatch.zip("ge", a, b, (x, y) -> x >= y ? 1f : 0f, (x, y) -> x >= y ? 1 : 0);
    }

    static NDArray eq(NDArray a, NDArray b) {
        return Dispatch.zip("eq", a, b, (x, y) -> x == y ? 1f : 0f, (x, y) -> x == y ? 1 : 0);
    }

    static NDArray addScalar(NDArray a, double s) {
        float sf = (float) s;
        return Dispatch.map(a, x -> x + sf, x -> x + s);
    }

    static NDArray mulScalar(NDArray a, double s) {
        float sf = (float) s;
        return Dispatch.unary(a, (k, n, x, xo, out, oo) -> k.scale(n, sf, x, xo, out, oo), x -> x * sf, x -> x * s);
    }

    static NDArray powScalar(NDArray a, double p) {
        if (p == 2) return Dispatch.map(a, x -> x * x, x -> x * x);
        return Dispatch.map(a, x -> (float) Math.pow(x, p), x -> Math.pow(x, p));
    }

    static NDArray neg(NDArray a) {
        return Dispatch.map(a, x -> -x, x -> -x);
    }

    static NDArray exp(NDArray a) {
        return Dispatch.unary(a, Kernels::exp, x -> (float) Math.exp(x), Math::exp);
    }

    static NDArray log(NDArray a) {
        return Dispatch.map(a, x -> (float) Math.log(x), Math::log);
    }

    static NDArray sqrt(NDArray a) {
        return Dispatch.map(a, x -> (float) Math.sqrt(x), Math::sqrt);
    }

    static NDArray abs(NDArray a) {
        return Dispatch.map(a, Math::abs, Math::abs);
    }

    static NDArray sign(NDArray a) {
        return Dispatch.map(a, Math::signum, Math::signum);
    }

    static NDArray sin(NDArray a) {
        return Dispatch.map(a, x -> (float) Math.sin(x), Math::sin);
    }

    static NDArray cos(NDArray a) {
        return Dispatch.map(a, x -> (float) Math.cos(x), Math::cos);
    }

    static NDArray tanh(NDArray a) {
        return Dispatch.map(a, x -> (float) Math.tanh(x), Math::tanh);
    }

    static NDArray sigmoid(NDArray a) {
        return Dispatch.unary(a, Kernels::sigmoid, x -> (float) (1.0 / (1.0 + Math.exp(-x))), x -> 1.0 / (1.0 + Math.exp(-x)));
    }

    /** {@code g * s * (1 - s)}, in that order. */
    static NDArray sigmoidBackward(NDArray g, NDArray s) {
        return Dispatch.binary("sigmoid_backward", g, s, Kernels::sigmoidBackward,
                (gv, sv) -> gv * sv * (1f - sv), (gv, sv) -> gv * sv * (1 - sv));
    }

    /** {@code x > 0 ? g : 0}: the ReLU's backward from its input (a selection, no arithmetic). */
    static NDArray reluBackward(NDArray g, NDArray x) {
        return Dispatch.binary("relu_backward", g, x, Kernels::reluBackward,
                (gv, v) -> v > 0 ? gv : 0f, (gv, v) -> v > 0 ? gv : 0);
    }

    static NDArray relu(NDArray a) {
        return Dispatch.unary(a, Kernels::relu, x -> Math.max(x, 0f), x -> Math.max(x, 0));
    }

    /** {@code cond != 0 ? a : b}, broadcasting all three. */
    static NDArray where(NDArray cond, NDArray a, NDArray b) {
        int[] s = Shape.broadcast("where", Shape.broadcast("where", cond.shape, a.shape), b.shape);
        DType t = DType.promote(a.dtype, b.dtype);
        NDArray c = cond.expand(s), x = a.to(t).expand(s), y = b.to(t).expand(s);
        NDArray out = NDArray.zeros(t, s);
        for (int i = 0; i < out.numel(); i++) out.setFlat(i, c.getFlat(i) != 0 ? x.getFlat(i) : y.getFlat(i));
        return out;
    }
}
