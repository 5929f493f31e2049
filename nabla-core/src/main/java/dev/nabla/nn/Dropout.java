package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.NDArray;

import java.util.Random;

/**
 * Dropout: in training, each value is zeroed with probability p and the rest scaled by 1 / (1 - p) (inverted
 * dropout, so evaluation is the identity). The masks come from {@code new Random(seed)}, one draw per value in
 * order, so a run is reproducible. Any shape -> the same shape; no parameters.
 */
public final class Dropout extends Module {
    private final double p;
    private final Random rng;

    public Dropout(double p, long seed) {
        if (!(p >= 0 && p < 1)) throw new InputException("Dropout: p must be in [0, 1), got " + p);
        this.p = p;
        this.rng = new Random(seed);
    }

    /** The probability of zeroing a value in training. */
    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        NDArray mask = NDArray.zeros(x.dtype(), x.shape());
        double keep = 1 / (1 - p);
        for (int i = 0; i < mask.numel(); i++) if (rng.nextDouble() >= p) mask.setFlat(i, keep);
        return x.mul(Tensor.of(mask));
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
