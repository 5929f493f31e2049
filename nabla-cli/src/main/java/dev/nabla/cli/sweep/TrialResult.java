package dev.nabla.cli.sweep;

import java.util.List;
import java.util.Map;

/**
 * One finished trial of a sweep, as its table row shows it.
 *
 * @param status  "ok" or "diverged"
 * @param valAcc  validation accuracy per epoch (for the overlay plots)
 * @param valLoss validation loss per epoch
 */
public record TrialResult(int index, Map<String, String> params, String status, double finalTrainAcc,
                          double bestValAcc, double testAcc, int bestEpoch, double seconds, String runDir,
                          List<Double> valAcc, List<Double> valLoss) {

    /** "lr=0.1, reg=0.001": the trial's label in tables and legends. */
    public String label() {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.length() > 0 ? ", " : "").append(k).append('=').append(v));
        return sb.toString();
    }
}
