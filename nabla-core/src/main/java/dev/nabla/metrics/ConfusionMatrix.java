package dev.nabla.metrics;

import dev.nabla.InputException;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

/**
 * Counts of (true class, predicted class) over labelled samples: {@code counts()[true][predicted]}, the
 * prediction being the highest of C scores. Its {@link #value()} is the accuracy (the diagonal's share).
 */
public final class ConfusionMatrix implements Metric {
    private final int[][] counts;

    public ConfusionMatrix(int classes) {
        if (classes < 1) throw new InputException("confusion matrix: classes must be >= 1, got " + classes);
        counts = new int[classes][classes];
    }

    @Override
    public String name() {
        return "confusion";
    }

    @Override
    public void update(NDArray scores, int[] labels, NDArray targets) {
        int c = counts.length;
        if (labels == null) throw new InputException("confusion matrix: needs labelled data");
        if (scores.rank() != 2 || scores.dim(0) != labels.length || scores.dim(1) != c) {
            throw new InputException("the model's output " + Shape.str(scores.shape()) + " does not match "
                    + "the data: expected [" + labels.length + ", " + c + "] (one score per class)");
        }
        int[] pred = Accuracy.argmaxRows(scores);
        for (int i = 0; i < pred.length; i++) counts[labels[i]][pred[i]]++;
    }

    /** {@code counts[true][predicted]}: a copy. */
    public int[][] counts() {
        int[][] out = new int[counts.length][];
        for (int i = 0; i < counts.length; i++) out[i] = counts[i].clone();
        return out;
    }

    /** The number of samples counted. */
    public long total() {
        long n = 0;
        for (int[] row : counts) for (int v : row) n += v;
        return n;
    }

    /** For each true class c: correct / samples of class c (NaN for a class with no samples). */
    public double[] perClassAccuracy() {
        double[] out = new double[counts.length];
        for (int c = 0; c < counts.length; c++) {
            long n = 0;
            for (int v : counts[c]) n += v;
            out[c] = n == 0 ? Double.NaN : (double) counts[c][c] / n;
        }
        return out;
    }

    @Override
    public double value() {
        long n = total(), hits = 0;
        for (int c = 0; c < counts.length; c++) hits += counts[c][c];
        return n == 0 ? Double.NaN : (double) hits / n;
    }

    @Override
    public void reset() {
        for (int[] row : counts) java.util.Arrays.fill(row, 0);
    }
}
