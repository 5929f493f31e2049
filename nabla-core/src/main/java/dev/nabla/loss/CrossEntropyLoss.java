package dev.nabla.loss;

import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;

/**
 * Cross-entropy of logits [N, C] (scores before softmax), as PyTorch's {@code CrossEntropyLoss}:
 * <ul>
 *   <li>against labels y: {@code -mean_i log softmax(x)[i, y_i]}, the fused, stable softmax-cross-entropy op
 *       ({@link Functional#crossEntropy});</li>
 *   <li>against class probabilities t [N, C] (rows summing to 1, e.g. soft or smoothed labels):
 *       {@code -mean_i sum_j t_ij log softmax(x)[i, j]}, composed from log-softmax.</li>
 * </ul>
 */
public final class CrossEntropyLoss implements Loss {

    @Override
    public String name() {
        return "cross_entropy";
    }

    @Override
    public Tensor forward(Tensor logits, int[] labels) {
        Checks.scoresAndLabels(name(), logits, labels);
        return Functional.crossEntropy(logits, labels);
    }

    @Override
    public Tensor forward(Tensor logits, Tensor probabilities) {
        Checks.sameShape(name(), logits, probabilities);
        Checks.scoresAndLabels(name(), logits, new int[logits.dim(0)]);
        return Functional.logSoftmax(logits, 1).mul(probabilities).sum(1).mean().neg();
    }

    @Override
    public String toString() {
        return "CrossEntropyLoss()";
    }
}
