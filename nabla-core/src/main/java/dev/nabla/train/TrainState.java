package dev.nabla.train;

import dev.nabla.tensor.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a run needs to continue after {@code epochsDone} epochs, bit for bit as if it had not stopped
 * (given the same configuration and thread count): {@link Trainer#fit} hands one to
 * {@link TrainListener#onEpoch} after every epoch and takes one back to resume.
 *
 * @param epochsDone     epochs finished
 * @param weights        the model's weights now, by parameter name (W1, b1, ...)
 * @param bestWeights    the weights of the best epoch so far (by validation accuracy); null before any epoch
 * @param optimizerState {@link dev.nabla.optim.Optimizer#state()}
 * @param history        the metrics of the finished epochs
 * @param bestEpoch      the best epoch so far (from 1), 0 before any
 * @param bestValAcc     its validation accuracy (NaN before any)
 */
public record TrainState(int epochsDone, Map<String, NDArray> weights, Map<String, NDArray> bestWeights,
                         Map<String, NDArray> optimizerState, List<EpochMetrics> history, int bestEpoch,
                         double bestValAcc) {

    public TrainState {
        weights = frozen(weights);
        bestWeights = bestWeights == null ? null : frozen(bestWeights);
        optimizerState = frozen(optimizerState);
        history = List.copyOf(history);
    }

    private static Map<String, NDArray> frozen(Map<String, NDArray> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
