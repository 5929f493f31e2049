package dev.nabla.train;

import dev.nabla.autograd.Tensor;

/**
 * One mini-batch.
 *
 * @param x the images, [B, features] float32 (a constant: no gradient)
 * @param y the labels, B values in [0, classes)
 */
public record Batch(Tensor x, int[] y) {
    /** The number of samples B. */
    public int size() {
        return y.length;
    }
}
