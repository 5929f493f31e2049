package dev.nabla.train;

/**
 * One finished epoch.
 *
 * @param epoch        the epoch, from 1
 * @param trainLoss    the mean of the epoch's batch losses
 * @param trainAcc     correct predictions / samples over the epoch (made during training, before each step); NaN
 *                     without an accuracy metric
 * @param valLoss      the mean loss on the validation set after the epoch (NaN without validation data)
 * @param valAcc       validation accuracy after the epoch (NaN without validation data or accuracy metric)
 * @param trainSeconds time spent in the training steps
 * @param evalSeconds  time spent evaluating the validation set
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAcc, double valLoss, double valAcc,
                           double trainSeconds, double evalSeconds) {
}
