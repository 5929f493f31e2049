/**
 * Training: {@link dev.nabla.train.TrainConfig} (with the course's defaults), a seeded
 * {@link dev.nabla.train.DataLoader}, the loop {@link dev.nabla.train.Trainer#fit} (per-epoch metrics, best
 * model by validation accuracy, test at the end, divergence detection, resume from a
 * {@link dev.nabla.train.TrainState}) reporting to a {@link dev.nabla.train.TrainListener}, and the
 * {@link dev.nabla.train.Evaluator} (loss, accuracy, per-class accuracy, confusion matrix).
 *
 * <p>Reproducibility: the weights depend on the model's init seed, the batch order of epoch e only on
 * (seed, e), and the kernels split work by thread count alone; so the same configuration and thread count give
 * the same bits, and a resumed run continues exactly as an uninterrupted one.
 */
package dev.nabla.train;
