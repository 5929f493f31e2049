package dev.nabla.train;

import dev.nabla.nn.Parameter;

import java.util.List;
import java.util.function.Supplier;

/**
 * The other copies of a model in data-parallel training. Each replica trains on its own shard of every global
 * batch ({@link DataLoader#shard}); at every step the {@link Trainer} asks this for the global batch's loss and
 * gradients, so that every replica applies the same update, the one a single process would apply to the whole
 * global batch. Every replica must make the same calls in the same order (they meet at each call); the results
 * are the same bits on every replica.
 */
public interface Replicas {

    /** This replica's index, from 0 (replica 0 records the run). */
    int rank();

    /** The number of replicas. */
    int count();

    /**
     * The mean over the samples of every replica of a quantity that this replica measured as {@code localMean}
     * over its {@code samples} samples (a replica with none contributes nothing).
     */
    double mean(double localMean, long samples);

    /**
     * Replaces every parameter's gradient, this replica's mean over its {@code samples} samples, with the mean
     * gradient over the samples of every replica (a parameter without a gradient counts as zeros).
     */
    void averageGradients(List<Parameter> params, long samples);

    /**
     * The validation or test results of the present weights, the same bits on every replica. Every replica
     * holds the same weights, so by default each evaluates for itself; an implementation may evaluate on one
     * replica and hand its results to the others, which then leave {@code evaluation} uncalled.
     */
    default Evaluation evaluate(Supplier<Evaluation> evaluation) {
        return evaluation.get();
    }
}
