package dev.nabla.train;

import dev.nabla.autograd.Tensor;

/**
 * One mini-batch of B samples.
 *
 * @param x       the inputs, [B, ...] (a constant: no gradient)
 * @param labels  B integer labels, or null when the data has float targets
 * @param targets the targets [B, ...], or null when the data has labels
 */
public record Batch(Tensor x, int[] labels, Tensor targets) {

    /** A batch with labels. */
    public Batch(Tensor x, int[] labels) {
        this(x, labels, null);
    }

    /** The number of samples B. */
    public int size() {
        return x.dim(0);
    }
}
