/**
 * Automatic differentiation. A {@link dev.nabla.autograd.Tensor} is an array value plus its gradient, the
 * {@link dev.nabla.autograd.Function} that produced it and, in forward mode, a tangent. Each primitive in
 * {@code Primitives} holds its forward computation, its vector-Jacobian product and its Jacobian-vector product
 * side by side; {@link dev.nabla.autograd.Functional} composes softmax, log-softmax, cross-entropy and linear
 * layers from them. {@link dev.nabla.autograd.GradCheck} compares both modes with float64 central differences.
 *
 * <p>Lifecycle: ops record the graph while {@link dev.nabla.autograd.Grad} is enabled and an input requires a
 * gradient; {@code backward()} walks it once in reverse topological order, accumulates into the leaves'
 * gradients and frees it.
 */
package dev.nabla.autograd;
