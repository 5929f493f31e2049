package dev.nabla.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param config        the configuration that ran (null for a {@link Trainer} run built without one)
 * @param history       the metrics of every finished epoch (also those before a divergence)
 * @param bestEpoch     the best epoch by validation ({@link Trainer}), from 1; 0 when no epoch finished
 * @param bestValAcc    its validation accuracy (NaN when no epoch finished or there is no accuracy)
 * @param finalTrainAcc the training accuracy of the last finished epoch (NaN when none)
 * @param testAcc       the test accuracy of the best epoch's weights (NaN when there are none, or no test set)
 * @param seconds       wall time of the whole call
 * @param status        {@link #OK} or {@link #DIVERGED}
 * @param message       a one-line summary; for a divergence: where it happened and what to try
 */
public record TrainResult(TrainConfig config, List<EpochMetrics> history, int bestEpoch, double bestValAcc,
                          double finalTrainAcc, double testAcc, double seconds, String status, String message) {
    public static final String OK = "ok";
    public static final String DIVERGED = "diverged";

    public TrainResult {
        history = List.copyOf(history);
    }

    public boolean diverged() {
        return DIVERGED.equals(status);
    }
}
