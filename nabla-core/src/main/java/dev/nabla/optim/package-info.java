/**
 * Optimizers: {@link dev.nabla.optim.SGD} (momentum, Nesterov, the course's L2 term), {@link dev.nabla.optim.Adam}
 * and {@link dev.nabla.optim.AdamW}, on one base, {@link dev.nabla.optim.Optimizer}, that owns {@code step},
 * {@code zeroGrad}, the {@link dev.nabla.optim.ParamGroup}s (per-group learning rate and weight decay) and the
 * per-parameter state; learning-rate {@link dev.nabla.optim.Schedule}s applied per epoch. Each optimizer
 * documents its update rule as pseudocode and updates parameter values in place after {@code backward()} has
 * filled their gradients. Their state (momentum buffers, moments, step count) is a map of arrays by parameter
 * name, so a checkpoint can save it and a resumed run continue bit for bit.
 */
package dev.nabla.optim;
