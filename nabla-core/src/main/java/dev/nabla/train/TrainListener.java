package dev.nabla.train;

/**
 * Hears what a {@link Trainer} does, and may steer it: every method does nothing by default. Called on the
 * training thread, in the order the listeners were added: the next step waits until a method returns. The
 * methods that get the {@link Trainer} may call {@link Trainer#stop}.
 *
 * <p>Per run: {@link #onStart}; per epoch: {@link #onEpochStart}, per step {@link #onLoss} then (unless stopped)
 * {@link #onBatch}; after validation {@link #onValidated}, then {@link #onEpoch}; and {@link #onDiverged}
 * when a stop with status {@link TrainResult#DIVERGED} ends the run early.
 */
public interface TrainListener {

    /**
     * Before the first (or, resuming, the next) epoch. The trainer tells the run: {@link Trainer#model},
     * {@link Trainer#epochs}, {@link Trainer#trainLoader}, and {@link Trainer#config} for a run configured from
     * a {@link TrainConfig}.
     */
    default void onStart(Trainer trainer) {
    }

    /** Before each epoch's first step (a schedule sets the learning rate here). */
    default void onEpochStart(Trainer trainer, int epoch) {
    }

    /**
     * After each step's forward pass, before its backward pass and update: {@code loss} is the batch's mean loss.
     * A listener that stops the run here (e.g. on a NaN loss) prevents this step's update.
     */
    default void onLoss(Trainer trainer, int epoch, int batch, double loss) {
    }

    /**
     * After each step.
     *
     * @param epoch       the epoch, from 1
     * @param batch       the batch just done, from 1
     * @param batches     batches per epoch
     * @param runningLoss the mean batch loss of this epoch so far
     * @param runningAcc  the accuracy of this epoch so far (NaN without an accuracy metric)
     */
    default void onBatch(int epoch, int batch, int batches, double runningLoss, double runningAcc) {
    }

    /**
     * After each epoch's validation, before the best model is chosen and {@link #onEpoch} is called. Stopping
     * here with {@link TrainResult#DIVERGED} drops the epoch's weights (the epoch stays in the history); any
     * other stop ends the run after this epoch's {@link #onEpoch}.
     */
    default void onValidated(Trainer trainer, EpochMetrics m) {
    }

    /**
     * After each epoch, before the next epoch starts: the place to write files.
     *
     * @param newBest whether this epoch is the best so far
     * @param state   everything needed to resume after this epoch
     */
    default void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
    }

    /** When a loss turns NaN or infinite ({@link DivergenceStop}); the run then stops. */
    default void onDiverged(int epoch, int batch, String message) {
    }

    /** A listener that does nothing. */
    TrainListener NONE = new TrainListener() {
    };
}
