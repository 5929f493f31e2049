package dev.nabla.train;

import dev.nabla.nn.Module;

/**
 * Hears what {@link Trainer#fit} does; every method does nothing by default. Called on the training thread:
 * the next step waits until a method returns.
 */
public interface TrainListener {

    /** Before the first (or, resuming, the next) epoch. */
    default void onStart(TrainConfig config, Module model, int batchesPerEpoch) {
    }

    /**
     * After each step.
     *
     * @param epoch       the epoch, from 1
     * @param batch       the batch just done, from 1
     * @param batches     batches per epoch
     * @param runningLoss the mean batch loss of this epoch so far
     * @param runningAcc  the accuracy of this epoch so far
     */
    default void onBatch(int epoch, int batch, int batches, double runningLoss, double runningAcc) {
    }

    /**
     * After each epoch's validation, before the next epoch starts: the place to write files.
     *
     * @param newBest whether this epoch has the best validation accuracy so far
     * @param state   everything needed to resume after this epoch
     */
    default void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
    }

    /** When a loss turns NaN or infinite; the run then stops. */
    default void onDiverged(int epoch, int batch, String message) {
    }

    /** A listener that does nothing. */
    TrainListener NONE = new TrainListener() {
    };
}
