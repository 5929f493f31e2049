package dev.nabla.loss;

import dev.nabla.autograd.Tensor;

/**
 * Negative log-likelihood of log-probabilities [N, C] (e.g. a model ending in log-softmax) against labels:
 * {@code -mean_i x[i, y_i]}. With log-softmax in front it is {@link CrossEntropyLoss}.
 */
public final class NLLLoss implements Loss {

    @Override
    public String name() {
        return "nll";
    }

    @Override
    public Tensor forward(Tensor logProbabilities, int[] labels) {
        Checks.scoresAndLabels(name(), logProbabilities, labels);
        return logProbabilities.gather(1, labels, labels.length, 1).mean().neg();
    }

    @Override
    public String toString() {
        return "NLLLoss()";
    }
}
