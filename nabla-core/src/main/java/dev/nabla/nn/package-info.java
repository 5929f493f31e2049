/**
 * Neural-network building blocks on top of {@code dev.nabla.autograd}: a {@link dev.nabla.nn.Module} is a
 * forward function plus the {@link dev.nabla.nn.Parameter}s, buffers and child modules it registers under names
 * (a tree with dotted names and a state dict, as PyTorch's); {@link dev.nabla.nn.Linear}, the activations
 * ({@link dev.nabla.nn.Sigmoid}, {@link dev.nabla.nn.ReLU}, {@link dev.nabla.nn.Tanh}) and
 * {@link dev.nabla.nn.Sequential} compose into models; {@link dev.nabla.nn.Init} draws initial weights
 * (including the course's numpy-identical scheme). Ready-made models built from a spec, model files and the
 * course's parameter names live above this package, in {@code dev.nabla.models}; nothing here depends on them.
 *
 * <p>Lifecycle: build (parameters are created and initialised), check shapes ({@link dev.nabla.nn.Module#describe}),
 * then call {@link dev.nabla.nn.Module#forward} once per batch; an optimizer reads each parameter's gradient
 * after {@code backward()} and updates its value in place.
 */
package dev.nabla.nn;
