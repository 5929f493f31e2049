/**
 * Metrics accumulated over batches: {@link dev.nabla.metrics.Metric}, {@link dev.nabla.metrics.Accuracy} (class
 * labels or binary targets) and {@link dev.nabla.metrics.ConfusionMatrix} (with per-class accuracy).
 */
package dev.nabla.metrics;
