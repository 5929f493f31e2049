package dev.nabla.loss;

import dev.nabla.autograd.Tensor;

/**
 * Binary cross-entropy of logits x against targets t in [0, 1] (of one shape), mean over every element:
 * {@code -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)))}, computed in the stable form
 * {@code max(x, 0) - x t + log(1 + exp(-|x|))}, which neither overflows for large |x| nor loses the small
 * probabilities, as PyTorch's {@code BCEWithLogitsLoss} does.
 */
public final class BCEWithLogitsLoss implements Loss {

    @Override
    public String name() {
        return "bce_with_logits";
    }

    @Override
    public Tensor forward(Tensor logits, Tensor targets) {
        Checks.sameShape(name(), logits, targets);
        Tensor softplusOfMinusAbs = logits.abs().neg().exp().add(1).log();
        return logits.relu().sub(logits.mul(targets)).add(softplusOfMinusAbs).mean();
    }

    @Override
    public String toString() {
        return "BCEWithLogitsLoss()";
    }
}
