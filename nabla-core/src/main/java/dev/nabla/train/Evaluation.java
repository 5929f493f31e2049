package dev.nabla.train;

import java.util.Arrays;

/**
 * A model's results on a labelled set.
 *
 * @param loss             mean cross-entropy over the samples
 * @param accuracy         correct predictions / samples
 * @param perClassAccuracy for each true class c: correct / samples of class c (NaN for a class with no samples)
 * @param confusion        {@code confusion[true][predicted]}: sample counts
 */
public record Evaluation(double loss, double accuracy, double[] perClassAccuracy, int[][] confusion) {

    /** The number of samples evaluated. */
    public int count() {
        int n = 0;
        for (int[] row : confusion) for (int v : row) n += v;
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Evaluation e && Double.compare(loss, e.loss) == 0 && Double.compare(accuracy, e.accuracy) == 0
                && Arrays.equals(perClassAccuracy, e.perClassAccuracy) && Arrays.deepEquals(confusion, e.confusion);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Double.hashCode(loss) + Double.hashCode(accuracy)) + Arrays.deepHashCode(confusion);
    }

    @Override
    public String toString() {
        return String.format("Evaluation(loss=%.6f, accuracy=%.4f, samples=%d)", loss, accuracy, count());
    }
}
