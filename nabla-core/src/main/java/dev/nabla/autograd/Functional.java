package dev.nabla.autograd;

import dev.nabla.tensor.Shape;

/**
 * Ops composed from the primitives, in one place: softmax, log-softmax, cross-entropy, linear.
 * Only {@link #crossEntropy} is fused (a primitive of its own), and it is tested against
 * {@link #crossEntropyComposed}.
 */
public final class Functional {
    private Functional() {}

    /**
     * log softmax along {@code axis}, stable: x - m - log(sum(exp(x - m))) with m = max(x) treated as a constant
     * (the result does not depend on m, so its gradient through m is zero and need not be taken).
     */
    public static Tensor logSoftmax(Tensor x, int axis) {
        int a = Shape.axis("log_softmax", axis, x.rank());
        Tensor shifted = x.sub(x.max(true, a).detach());
        return shifted.sub(shifted.exp().sum(true, a).log());
    }

    /** softmax along {@code axis}: exp(log_softmax(x)), stable for any logits. */
    public static Tensor softmax(Tensor x, int axis) {
        return logSoftmax(x, axis).exp();
    }

    /** Mean cross-entropy of logits [N, C] against labels (N values in [0, C)); fused and stable. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        return Tensor.apply(new Primitives.SoftmaxCrossEntropy(labels.clone()), logits);
    }

    /** The same loss composed from primitives: -mean_i log_softmax(x)[i, y_i]. The reference for the fused op. */
    public static Tensor crossEntropyComposed(Tensor logits, int[] labels) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("cross_entropy: expects logits [N, C], got " + Shape.str(logits.shape()));
        }
        return logSoftmax(logits, 1).gather(1, labels, labels.length, 1).mean().neg();
    }

    /**
     * x W^T + b, PyTorch's {@code F.linear}: x [N, in], W [out, in], b [out] (or null) -> [N, out]; one fused op
     * that reads W transposed without copying it.
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        if (x.rank() != 2 || w.rank() != 2 || x.dim(1) != w.dim(1)) {
            throw new IllegalArgumentException("linear: input " + Shape.str(x.shape()) + " does not match weight "
                    + Shape.str(w.shape()) + " [out, in] (expected input [N, " + (w.rank() == 2 ? w.dim(1) : "?") + "])");
        }
        if (b != null && (b.rank() != 1 || b.dim(0) != w.dim(0))) {
            throw new IllegalArgumentException("linear: bias " + Shape.str(b.shape()) + " does not match weight "
                    + Shape.str(w.shape()) + " [out, in] (expected [" + w.dim(0) + "])");
        }
        return b == null ? Tensor.apply(new Primitives.Linear(), x, w) : Tensor.apply(new Primitives.Linear(), x, w, b);
    }

    /** The same as {@link #linear}, composed from matmul, transpose and a broadcasting add: the fused op's reference. */
    public static Tensor linearComposed(Tensor x, Tensor w, Tensor b) {
        Tensor y = x.matmul(w.transpose(0, 1));
        return b == null ? y : y.add(b);
    }
}
