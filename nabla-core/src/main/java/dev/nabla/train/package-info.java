/**
 * Training for any data: a seeded {@link dev.nabla.train.DataLoader} over a {@link dev.nabla.data.Dataset}, the
 * {@link dev.nabla.train.Trainer} (model, optimizer, {@link dev.nabla.loss.Loss}, train and validation loaders;
 * per-epoch metrics, the best epoch's weights, resume from a {@link dev.nabla.train.TrainState}) steered and
 * heard by {@link dev.nabla.train.TrainListener}s ({@link dev.nabla.train.LrScheduler},
 * {@link dev.nabla.train.DivergenceStop}, {@link dev.nabla.train.EarlyStopping}), and the
 * {@link dev.nabla.train.Evaluator}. {@link dev.nabla.train.TrainSettings} declares each setting of a training
 * run once; {@link dev.nabla.train.TrainConfig} holds their values, and
 * {@link dev.nabla.train.Trainer#fit(dev.nabla.nn.Module, dev.nabla.optim.Optimizer, dev.nabla.train.Splits,
 * dev.nabla.train.TrainConfig, dev.nabla.train.TrainListener, dev.nabla.train.TrainState)} is the run
 * {@code nabla train} makes from them.
 *
 * <p>Reproducibility: the weights depend on the model's init seed, the batch order of epoch e only on
 * (seed, e), and the kernels split work by thread count alone; so the same configuration and thread count give
 * the same bits, and a resumed run continues exactly as an uninterrupted one.
 */
package dev.nabla.train;
