/**
 * n-dimensional float32/float64 arrays ({@link dev.nabla.tensor.NDArray}): shape, strides and offset, views
 * without copies, NumPy broadcasting, and the raw math that every op is built on. No gradients here: the
 * {@code autograd} package records graphs on top of these arrays. Shape errors name the op and both shapes.
 */
package dev.nabla.tensor;
