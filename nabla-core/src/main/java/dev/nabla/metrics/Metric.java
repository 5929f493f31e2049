package dev.nabla.metrics;

import dev.nabla.tensor.NDArray;

/**
 * A measure accumulated over batches: {@link #update} with each batch's output, then {@link #value()};
 * {@link #reset()} starts again (the trainer resets its metrics every epoch).
 */
public interface Metric {

    /** The name in reports, e.g. {@code accuracy}. */
    String name();

    /**
     * Adds a batch: the model's output [N, ...] and either its N labels or its targets [N, ...] (the other null).
     *
     * @throws dev.nabla.InputException when the metric does not apply to this kind of output or target
     */
    void update(NDArray output, int[] labels, NDArray targets);

    /** The value over every batch since the last reset; NaN before any sample. */
    double value();

    /** Forgets every batch. */
    void reset();
}
