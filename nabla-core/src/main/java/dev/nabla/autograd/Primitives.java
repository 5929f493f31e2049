package dev.nabla.autograd;

import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.Arrays;

/**
 * The primitive ops: each class holds one op's forward, its VJP (reverse mode) and its JVP (forward mode).
 * Everything else in nabla is composed from these (see {@link Tensor} and {@link Functional}).
 *
 * <p>Subgradients at kinks, chosen to match the course's numpy code: relu'(0) = 0, |x|'(0) = 0; for
 * maximum/minimum ties the gradient is split equally between the two inputs; for max over axes it is split
 * equally between the tied maxima.
 */
final class Primitives {
    private Primitives() {}

    /** A zero tangent where none was given, broadcast-compatible with {@code like}. */
    private static NDArray orZero(NDArray t, NDArray like) {
        return t != null ? t : NDArray.zeros(like.dtype(), like.shape());
    }

    private static NDArray half(NDArray x) {
        return x.mulScalar(0.5);
    }

    // ---------------------------------------------------------------- binary, broadcasting

    /** Base for broadcasting binary ops: keeps both inputs and the output shape. */
    abstract static class Binary extends Function {
        NDArray a, b, out;

        @Override
        protected final NDArray forward(NDArray... x) {
            a = x[0];
            b = x[1];
            out = compute(a, b);
            return out;
        }

        abstract NDArray compute(NDArray a, NDArray b);
    }

    static final class Add extends Binary {
        public String name() { return "add"; }
        NDArray compute(NDArray a, NDArray b) { return a.add(b); }
        protected NDArray[] backward(NDArray g, boolean[] need) {
            return new NDArray[] {need[0] ? g.sumTo(a.shape()) : null, need[1] ? g.sumTo(b.shape()) : null};
        }
        protected NDArray jvp(NDArray[] t) {
            return orZero(t[0], a).expand(out.shape()).add(orZero(t[1], b).expand(out.shape()));
        }
    }

    static final class Sub extends Binary {
        public String name() { return "sub"; }
        NDArray compute(NDArray a, NDArray b) { return a.sub(b); }
        protected NDArray[] backward(NDArray g, boolean[] need) {
            return new NDArray[] {need[0] ? g.sumTo(a.shape()) : null, need[1] ? g.neg().sumTo(b.shape()) : null};
        }
        protected NDArray jvp(NDArray[] t) {
            return orZero(t[0], a).expand(out.shape()).sub(orZero(t[1], b).expand(out.shape()));
        }
    }

    static final class Mul extends Binary {
        public String name() { return "mul"; }
        NDArray compute(NDArray a, NDArray b) { return a.mul(b); }
        protected NDArray[] backward(NDArray g, boolean[] need) {
            return new NDArray[] {need[0] ? g.mul(b).sumTo(a.shape()) : null, need[1] ? g.mul(a).sumTo(b.shape()) : null};
        }
        protected NDArray jvp(NDArray[] t) {
            return orZero(t[0], a).mul(b).add(a.mul(orZero(t[1], b))).expand(out.shape()).contiguous();
        }
    }

    static final class Div extends Binary {
        public String name() { return "div"; }
        NDArray compute(NDArray a, NDArray b) { return a.div(b); }
        // d(a/b) = da/b - a db/b^2 = (da - out db)/b
        protected NDArray[] backward(NDArray g, boolean[] need) {
            NDArray gb = g.div(b);
            return new NDArray[] {need[0] ? gb.sumTo(a.shape()) : null, need[1] ? gb.mul(out).neg().sumTo(b.shape()) : null};
        }
        protected NDArray jvp(NDArray[] t) {
            return orZero(t[0], a).sub(out.mul(orZero(t[1], b))).div(b).expand(out.shape()).contiguous();
        }
    }

    /** {@code a ^ b}; the exponent's gradient {@code out * ln(a)} is computed only when it is needed. */
    static final class Pow extends Binary {
        public String name() { return "pow"; }
        NDArray compute(NDArray a, NDArray b) { return a.pow(b); }
        private NDArray dBase() { return b.mul(a.pow(b.addScalar(-1))); }
        protected NDArray[] backward(NDArray g, boolean[] need) {
            return new NDArray[] {
                need[0] ? g.mul(dBase()).sumTo(a.shape()) : null,
                need[1] ? g.mul(out).mul(a.log()).sumTo(b.shape()) : null};
        }
        protected NDArray jvp(NDArray[] t) {
            NDArray r = NDArray.zeros(out.dtype(), out.shape());
            if (t[0] != null) r = r.add(t[0].mul(dBase()));
            if (t[1] != null) r = r.add(t[1].mul(out).mul(a.log()));
            return r;
        }
    }

    /**
     * Elementwise max or min: the gradient goes to the input that was selected; at ties each input receives half
     * of it (PyTorch's choice).
     */
    abstract static class Select extends Binary {
        /** 1 where a was selected, 0.5 at ties, 0 where b was. */
        abstract NDArray weightA();

        protected NDArray[] backward(NDArray g, boolean[] need) {
            NDArray wa = weightA();
            return new NDArray[] {
                need[0] ? g.mul(wa).sumTo(a.shape()) : null,
                need[1] ? g.mul(wa.neg().addScalar(1)).sumTo(b.shape()) : null};
        }

        protected NDArray jvp(NDArray[] t) {
            NDArray wa = weightA();
            return orZero(t[0], a).mul(wa).add(orZero(t[1], b).mul(wa.neg().addScalar(1))).expand(out.shape()).contiguous();
        }
    }

    static final class Maximum extends Select {
        public String name() { return "maximum"; }
        NDArray compute(NDArray a, NDArray b) { return a.maximum(b); }
        NDArray weightA() { return a.gt(b).add(half(a.eq(b))); }
    }

    static final class Minimum extends Select {
        public String name() { return "minimum"; }
        NDArray compute(NDArray a, NDArray b) { return a.minimum(b); }
        NDArray weightA() { return b.gt(a).add(half(a.eq(b))); }
    }

    // ---------------------------------------------------------------- unary

    /** Base for elementwise unary ops whose derivative is a function of the input and output: y' = d(x, y). */
    abstract static class Unary extends Function {
        NDArray x, out;

        @Override
        protected final NDArray forward(NDArray... in) {
            x = in[0];
            out = compute(x);
            return out;
        }

        abstract NDArray compute(NDArray x);

        /** dy/dx elementwise. */
        abstract NDArray derivative();

        @Override
        protected NDArray[] backward(NDArray g, boolean[] need) {
            return new NDArray[] {g.mul(derivative())};
        }

        @Override
        protected NDArray jvp(NDArray[] t) {
            return t[0].mul(derivative());
        }
    }

    static final class Neg extends Unary {
        public String name() { return "neg"; }
        NDArray compute(NDArray x) { return x.neg(); }
        NDArray derivative() { return NDArray.full(-1, x.dtype(), x.shape()); }
    }

    static final class Exp extends Unary {
        public String name() { return "exp"; }
        NDArray compute(NDArray x) { return x.exp(); }
        NDArray derivative() { return out; }
    }

    static final class Log extends Unary {
        public String name() { return "log"; }
        NDArray compute(NDArray x) { return x.log(); }
        NDArray derivative() { return NDArray.ones(x.dtype(), x.shape()).div(x); }
    }

    static final class Sqrt extends Unary {
        public String name() { return "sqrt"; }
        NDArray compute(NDArray x) { return x.sqrt(); }
        NDArray derivative() { return NDArray.full(0.5, x.dtype(), x.shape()).div(out); }
    }

    /** |x|, with derivative sign(x) (0 at 0). */
    static final class Abs extends Unary {
        public String name() { return "abs"; }
        NDArray compute(NDArray x) { return x.abs(); }
        NDArray derivative() { return x.sign(); }
    }

    static final class Sin extends Unary {
        public String name() { return "sin"; }
        NDArray compute(NDArray x) { return x.sin(); }
        NDArray derivative() { return x.cos(); }
    }

    static final class Cos extends Unary {
        public String name() { return "cos"; }
        NDArray compute(NDArray x) { return x.cos(); }
        NDArray derivative() { return x.sin().neg(); }
    }

    static final class Tanh extends Unary {
        public String name() { return "tanh"; }
        NDArray compute(NDArray x) { return x.tanh(); }
        // tanh' = 1 - tanh^2, from the saved output
        NDArray derivative() { return out.mul(out).neg().addScalar(1); }
        @Override
        protected NDArray[] backward(NDArray g, boolean[] need) {
            return new NDArray[] {g.zip("tanh_backward", out, (gv, t) -> gv * (1f - t * t), (gv, t) -> gv * (1 - t * t))};
        }
    }

    static final class Sigmoid extends Unary {
        public String name() { return "sigmoid"; }
        NDArray compute(NDArray x) { return x.sigmoid(); }
        // s' = s (1 - s), from the saved output
        NDArray derivative() { return out.mul(out.neg().addScalar(1)); }
        @Override
        protected NDArray[] backward(NDArray g, boolean[] need) {
            return new NDArray[] {g.sigmoidBackward(out)};
        }
    }

    /** max(x, 0), with derivative 1 where x > 0 and 0 elsewhere (0 at the kink, as the course's numpy code). */
    static final class Relu extends Unary {
        public String name() { return "relu"; }
        NDArray compute(NDArray x) { return x.relu(); }
        NDArray derivative() { return x.gt(NDArray.scalar(0, x.dtype())); }
        @Override
        protected NDArray[] backward(NDArray g, boolean[] need) {
            return new NDArray[] {g.reluBackward(x)};
        }
    }

    // ---------------------------------------------------------------- reductions

    /** Sum over axes; the gradient is the upstream gradient broadcast back over the summed axes. */
    static final class Sum extends Function {
        private final int[] axes;
        private final boolean keepDims;
        private int[] inShape, keptShape;

        Sum(int[] axes, boolean keepDims) {
            this.axes = axes;
            this.keepDims = keepDims;
        }

        public String name() { return "sum"; }
        public String describe() { return "axes=" + Arrays.toString(axes); }

        protected NDArray forward(NDArray... x) {
            inShape = x[0].shape();
            keptShape = x[0].sum(true, axes).shape();
            return x[0].sum(keepDims, axes);
        }

        protected NDArray[] backward(NDArray g, boolean[] need) {
            return new NDArray[] {g.reshape(keptShape).expand(inShape).contiguous()};
        }

        protected NDArray jvp(NDArray[] t) {
            return t[0].sum(keepDims, axes);
        }
    }

    /** Max over axes; ties share the gradient equally. */
    static final class Max extends Function {
        private final int[] axes;
        private final boolean keepDims;
        private NDArray weights; // 1/count at the maxima, 0 elsewhere
        private int[] keptShape;

        Max(int[] axes, boolean keepDims) {
            this.axes = axes;
            this.keepDims = keepDims;
        }

        public String name() { return "max"; }
        public String describe() { return "axes=" + Arrays.toString(axes); }

        protected NDArray forward(NDArray... x) {
            NDArray m = x[0].max(true, axes);
            keptShape = m.shape();
            NDArray mask = x[0].eq(m);
            weights = mask.div(mask.sum(true, axes));
            return keepDims ? m : m.reshape(x[0].max(false, axes).shape());
        }

        protected NDArray[] backward(NDArray g, boolean[] need) {
            return new NDArray[] {weights.mul(g.reshape(keptShape))};
        }

        protected NDArray jvp(NDArray[] t) {
            NDArray r = t[0].mul(weights).sum(keepDims, axes);
            return r;
        }
    }

    // ---------------------------------------------------------------- movement

    static final class Reshape extends Function {
        private final int[] target;
        private int[] inShape;

        Reshape(int[] target) { this.target = target; }

        public String name() { return "reshape"; }
        public String describe() { return "shape=" + Shape.str(target); }
        protected NDArray forward(NDArray... x) { inShape = x[0].shape(); return x[0].reshape(target); }
        protected NDArray[] backward(NDArray g, boolean[] need) { return new NDArray[] {g.reshape(inShape)}; }
        protected NDArray jvp(NDArray[] t) { return t[0].reshape(target); }
    }

    static final class Permute extends Function {
        private final int[] axes;

        Permute(int[] axes) { this.axes = axes; }

        public String name() { return "permute"; }
        public String describe() { return "axes=" + Arrays.toString(axes); }
        protected NDArray forward(NDArray... x) { return x[0].permute(axes); }
        protected NDArray[] backward(NDArray g, boolean[] need) {
            int[] inverse = new int[axes.length];
            for (int i = 0; i < axes.length; i++) inverse[Shape.axis("permute", axes[i], axes.length)] = i;
            return new NDArray[] {g.permute(inverse).contiguous()};
        }
        protected NDArray jvp(NDArray[] t) { return t[0].permute(axes); }
    }

    /** Broadcast to a larger shape; the gradient sums over the broadcast dimensions. */
    static final class Expand extends Function {
        private final int[] target;
        private int[] inShape;

        Expand(int[] target) { this.target = target; }

        public String name() { return "expand"; }
        public String describe() { return "shape=" + Shape.str(target); }
        protected NDArray forward(NDArray... x) { inShape = x[0].shape(); return x[0].expand(target); }
        protected NDArray[] backward(NDArray g, boolean[] need) { return new NDArray[] {g.sumTo(inShape)}; }
        protected NDArray jvp(NDArray[] t) { return t[0].expand(target); }
    }

    static final class Slice extends Function {
        private final int axis, start, end;
        private NDArray in;

        Slice(int axis, int start, int end) { this.axis = axis; this.start = start; this.end = end; }

        public String name() { return "slice"; }
        public String describe() { return "axis=" + axis + ", [" + start + ":" + end + "]"; }
        protected NDArray forward(NDArray... x) { in = x[0]; return x[0].slice(axis, start, end); }
        protected NDArray[] backward(NDArray g, boolean[] need) {
            NDArray full = NDArray.zeros(g.dtype(), in.shape());
            full.slice(axis, start, end).assign(g);
            return new NDArray[] {full};
        }
        protected NDArray jvp(NDArray[] t) { return t[0].slice(axis, start, end); }
    }

    static final class Concat extends Function {
        private final int axis;
        private NDArray[] in;

        Concat(int axis) { this.axis = axis; }

        public String name() { return "concat"; }
        public String describe() { return "axis=" + axis; }
        protected NDArray forward(NDArray... x) { in = x; return NDArray.concat(axis, x); }
        protected NDArray[] backward(NDArray g, boolean[] need) {
            NDArray[] grads = new NDArray[in.length];
            int a = Shape.axis("concat", axis, g.rank()), at = 0;
            for (int i = 0; i < in.length; i++) {
                int len = in[i].dim(a);
                if (need[i]) grads[i] = g.slice(a, at, at + len).contiguous();
                at += len;
            }
            return grads;
        }
        protected NDArray jvp(NDArray[] t) {
            NDArray[] parts = new NDArray[in.length];
            for (int i = 0; i < in.length; i++) parts[i] = orZero(t[i], in[i]);
            return NDArray.concat(axis, parts);
        }
    }

    /** torch.gather along an axis with constant integer indices. */
    static final class Gather extends Function {
        private final int axis;
        private final int[] index, indexShape;
        private int[] inShape;

        Gather(int axis, int[] index, int[] indexShape) { this.axis = axis; this.index = index; this.indexShape = indexShape; }

        public String name() { return "gather"; }
        public String describe() { return "axis=" + axis; }
        protected NDArray forward(NDArray... x) { inShape = x[0].shape(); return x[0].gather(axis, index, indexShape); }
        protected NDArray[] backward(NDArray g, boolean[] need) {
            return new NDArray[] {NDArray.scatterAdd(inShape, axis, index, indexShape, g)};
        }
        protected NDArray jvp(NDArray[] t) { return t[0].gather(axis, index, indexShape); }
    }

    /** {@code cond ? a : b} with a constant condition; each branch gets the gradient where it was chosen. */
    static final class Where extends Function {
        private final NDArray cond;
        private NDArray a, b, out;

        Where(NDArray cond) { this.cond = cond; }

        public String name() { return "where"; }
        protected NDArray forward(NDArray... x) { a = x[0]; b = x[1]; out = NDArray.where(cond, a, b); return out; }
        protected NDArray[] backward(NDArray g, boolean[] need) {
            NDArray zero = NDArray.scalar(0, g.dtype());
            return new NDArray[] {
                need[0] ? NDArray.where(cond, g, zero).sumTo(a.shape()) : null,
                need[1] ? NDArray.where(cond, zero, g).sumTo(b.shape()) : null};
        }
        protected NDArray jvp(NDArray[] t) {
            return NDArray.where(cond, orZero(t[0], a), orZero(t[1], b)).expand(out.shape()).contiguous();
        }
    }

    // ---------------------------------------------------------------- linear algebra

    /** Matrix product (2-D or batched); d(AB) = dA B + A dB. */
    static final class MatMul extends Function {
        private NDArray a, b;

        public String name() { return "matmul"; }
        protected NDArray forward(NDArray... x) { a = x[0]; b = x[1]; return a.matmul(b); }
        protected NDArray[] backward(NDArray g, boolean[] need) {
            // gA = g B^T, gB = A^T g (transposed views; the kernel reads them without copying)
            return new NDArray[] {
                need[0] ? g.matmul(b.transpose(-1, -2)).sumTo(a.shape()) : null,
                need[1] ? a.transpose(-1, -2).matmul(g).sumTo(b.shape()) : null};
        }
        protected NDArray jvp(NDArray[] t) {
            NDArray r = null;
            if (t[0] != null) r = t[0].matmul(b);
            if (t[1] != null) r = r == null ? a.matmul(t[1]) : r.add(a.matmul(t[1]));
            return r;
        }
    }

    // ---------------------------------------------------------------- fused

    /**
     * x W^T + b in one op, in PyTorch's layout: x [N, in], W [out, in], b [out] (optional) -> [N, out]. The
     * products read W through a transposed view, so the kernel takes it without a copy. Fused because the bias add
     * and its backward (column sums of the upstream gradient) then cost one pass each instead of a broadcasting op
     * and a reduction; tested against the composed {@code x.matmul(W.t()).add(b)}.
     */
    static final class Linear extends Function {
        private NDArray x, w;
        private boolean hasBias;

        public String name() { return "linear"; }

        protected NDArray forward(NDArray... in) {
            x = in[0];
            w = in[1];
            hasBias = in.length > 2;
            NDArray y = x.matmul(w.t());
            if (hasBias) y.addRowInPlace(in[2]);
            return y;
        }

        protected NDArray[] backward(NDArray g, boolean[] need) {
            return backward(g, need, new NDArray[3]);
        }

        @Override
        protected NDArray[] backward(NDArray g, boolean[] need, NDArray[] into) {
            NDArray[] out = new NDArray[hasBias ? 3 : 2];
            if (need[0]) out[0] = g.matmul(w, into[0]);          // gx = g W: [N, out] x [out, in]
            if (need[1]) out[1] = g.t().matmul(x, into[1]);      // gW = g^T x: [out, N] x [N, in]
            if (hasBias && need[2]) out[2] = g.sum(false, 0);
            return out;
        }

        protected NDArray jvp(NDArray[] t) {
            NDArray r = NDArray.zeros(DType.promote(x.dtype(), w.dtype()), x.dim(0), w.dim(0));
            if (t[0] != null) r = r.add(t[0].matmul(w.t()));
            if (t[1] != null) r = r.add(x.matmul(t[1].t()));
            if (hasBias && t[2] != null) r.addRowInPlace(t[2]);
            return r;
        }
    }

    /**
     * Mean cross-entropy of logits [N, C] against integer labels, through a stable log-softmax:
     * loss = mean_i (logsumexp(x_i) - x_i[y_i]). Fused because its backward is simply (softmax - onehot) / N,
     * which avoids materialising the composed graph; tested against {@link Functional#crossEntropyComposed}.
     */
    static final class SoftmaxCrossEntropy extends Function {
        private final int[] labels;
        private NDArray probs; // softmax of the logits, [N, C]

        SoftmaxCrossEntropy(int[] labels) { this.labels = labels; }

        public String name() { return "softmax_cross_entropy"; }

        protected NDArray forward(NDArray... x) {
            NDArray logits = x[0];
            if (logits.rank() != 2) {
                throw new IllegalArgumentException("cross_entropy: expects logits [N, C], got " + Shape.str(logits.shape()));
            }
            int n = logits.dim(0), c = logits.dim(1);
            if (labels.length != n) {
                throw new IllegalArgumentException("cross_entropy: " + labels.length + " labels for " + n + " rows of logits " + Shape.str(logits.shape()));
            }
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0 || labels[i] >= c) {
                    throw new IllegalArgumentException("cross_entropy: label " + labels[i] + " at row " + i + " is outside [0, " + c + ")");
                }
            }
            // Row by row, in float64: loss_i = log(sum_j exp(x_ij - m_i)) + m_i - x_i,y_i with m_i = max_j x_ij.
            // The probabilities are rounded to the logits' type as they are written, with no float64 copy of
            // them all: this runs once per training step.
            double[] src = logits.toDoubleArray(), e = new double[c];
            boolean f32 = logits.dtype() == DType.F32;
            float[] pf = f32 ? new float[n * c] : null;
            double[] pd = f32 ? null : new double[n * c];
            double total = 0;
            for (int i = 0; i < n; i++) {
                int r = i * c;
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c; j++) m = Math.max(m, src[r + j]);
                double s = 0;
                for (int j = 0; j < c; j++) { e[j] = Math.exp(src[r + j] - m); s += e[j]; }
                double inv = 1 / s;
                if (f32) for (int j = 0; j < c; j++) pf[r + j] = (float) (e[j] * inv);
                else for (int j = 0; j < c; j++) pd[r + j] = e[j] * inv;
                total += Math.log(s) + m - src[r + labels[i]];
            }
            probs = f32 ? NDArray.of(pf, n, c) : NDArray.of(pd, n, c);
            return NDArray.scalar(total / n, logits.dtype());
        }

        /** softmax - onehot(labels), [N, C]. */
        private NDArray softmaxMinusOneHot() {
            NDArray d = probs.copy();
            int c = d.dim(1);
            if (d.dtype() == dev.nabla.tensor.DType.F32) {
                float[] a = d.floatStorage();
                for (int i = 0; i < labels.length; i++) a[i * c + labels[i]] -= 1f;
            } else {
                double[] a = d.doubleStorage();
                for (int i = 0; i < labels.length; i++) a[i * c + labels[i]] -= 1;
            }
            return d;
        }

        protected NDArray[] backward(NDArray g, boolean[] need) {
            double scale = g.item() / labels.length;
            if (probs.dtype() != DType.F32) return new NDArray[] {softmaxMinusOneHot().mulScalar(scale)};
            // (softmax - onehot) * scale in one pass: the bits of softmaxMinusOneHot().mulScalar(scale), which
            // rounds the scale to float32 and multiplies in float32
            float sf = (float) scale;
            float[] p = probs.floatStorage(), d = new float[p.length];
            for (int i = 0; i < d.length; i++) d[i] = p[i] * sf;
            int c = probs.dim(1);
            for (int i = 0; i < labels.length; i++) d[i * c + labels[i]] = (p[i * c + labels[i]] - 1f) * sf;
            return new NDArray[] {NDArray.of(d, probs.shape())};
        }

        protected NDArray jvp(NDArray[] t) {
            return t[0].mul(softmaxMinusOneHot()).sum(false).mulScalar(1.0 / labels.length);
        }
    }
}
