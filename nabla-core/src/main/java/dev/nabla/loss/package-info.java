/**
 * Losses: {@link dev.nabla.loss.Loss} and its implementations, {@link dev.nabla.loss.CrossEntropyLoss} (on labels,
 * fused; or on class probabilities), {@link dev.nabla.loss.NLLLoss}, {@link dev.nabla.loss.MSELoss} and
 * {@link dev.nabla.loss.BCEWithLogitsLoss}. Each is the mean over the batch, composed from differentiable ops, so
 * it works in reverse and forward mode and is gradchecked in both.
 */
package dev.nabla.loss;
