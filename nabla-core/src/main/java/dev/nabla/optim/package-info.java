/**
 * Optimizers: {@link dev.nabla.optim.SGD} (momentum, Nesterov, the course's L2 term) and
 * {@link dev.nabla.optim.Adam} (and AdamW), behind {@link dev.nabla.optim.Optimizer}; learning-rate
 * {@link dev.nabla.optim.Schedule}s applied per epoch. Each optimizer documents its update rule as pseudocode
 * and updates parameter values in place after {@code backward()} has filled their gradients. Their state
 * (momentum buffers, moments, step count) is a map of named arrays, so a checkpoint can save it and a resumed
 * run continue bit for bit.
 */
package dev.nabla.optim;
