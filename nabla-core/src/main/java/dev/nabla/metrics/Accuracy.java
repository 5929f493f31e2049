package dev.nabla.metrics;

import dev.nabla.InputException;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

/**
 * The share of samples classified right. With labels: scores [N, C], predicted class = the highest score (the
 * first on ties). With targets: binary logits of the targets' shape, predicted 1 where the logit is > 0, right
 * where that matches target >= 0.5 (every element counts as a sample).
 */
public final class Accuracy implements Metric {
    private long hits, count;

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public void update(NDArray output, int[] labels, NDArray targets) {
        if (labels != null) {
            if (output.rank() != 2 || output.dim(0) != labels.length) {
                throw new InputException("accuracy: the output " + Shape.str(output.shape()) + " does not fit "
                        + labels.length + " labels: expected [" + labels.length + ", classes]");
            }
            hits += hits(output, labels);
            count += labels.length;
        } else {
            if (!java.util.Arrays.equals(output.shape(), targets.shape())) {
                throw new InputException("accuracy: the output " + Shape.str(output.shape()) + " and the targets "
                        + Shape.str(targets.shape()) + " differ in shape");
            }
            for (int i = 0, n = output.numel(); i < n; i++) {
                if ((output.getFlat(i) > 0) == (targets.getFlat(i) >= 0.5)) hits++;
            }
            count += output.numel();
        }
    }

    @Override
    public double value() {
        return count == 0 ? Double.NaN : (double) hits / count;
    }

    @Override
    public void reset() {
        hits = count = 0;
    }

    /** How many rows of scores [N, C] predict their label. */
    public static int hits(NDArray scores, int[] labels) {
        int[] pred = argmaxRows(scores);
        int h = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == labels[i]) h++;
        return h;
    }

    /** The predicted class of each row of scores [N, C] (ties: the first). */
    public static int[] argmaxRows(NDArray scores) {
        if (scores.dtype() != DType.F32 || !scores.isContiguous()) return scores.argmaxRows();
        float[] v = scores.floatStorage();
        int n = scores.dim(0), c = scores.dim(1), o = scores.offset();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int base = o + i * c, best = 0;
            float bv = v[base];
            for (int j = 1; j < c; j++) {
                if (v[base + j] > bv) {
                    bv = v[base + j];
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
