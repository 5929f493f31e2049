package dev.nabla.train;

import dev.nabla.InputException;
import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.ImageSet;
import dev.nabla.nn.Module;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

/** Measures a model on a labelled set, in batches, without recording a graph. */
public final class Evaluator {
    private Evaluator() {}

    /**
     * Loss, accuracy, per-class accuracy and confusion matrix of {@code model} on {@code set}. The batch size
     * affects only speed and memory.
     *
     * @throws InputException when {@code batchSize < 1}
     */
    public static Evaluation evaluate(Module model, ImageSet set, int batchSize) {
        if (batchSize < 1) throw new InputException("batch size must be >= 1, got " + batchSize);
        int classes = set.classes();
        int[][] confusion = new int[classes][classes];
        double lossSum = 0;
        try (var off = Grad.disabled()) {
            for (Batch b : new DataLoader(set, batchSize, false, 0).batches(1)) {
                Tensor logits = model.forward(b.x());
                checkLogits(logits, b, classes);
                lossSum += Functional.crossEntropy(logits, b.y()).item() * b.size();
                int[] pred = argmaxRows(logits.value());
                for (int i = 0; i < pred.length; i++) confusion[b.y()[i]][pred[i]]++;
            }
        }
        int hits = 0;
        double[] perClass = new double[classes];
        for (int c = 0; c < classes; c++) {
            int n = 0;
            for (int p = 0; p < classes; p++) n += confusion[c][p];
            hits += confusion[c][c];
            perClass[c] = n == 0 ? Double.NaN : (double) confusion[c][c] / n;
        }
        int n = set.count();
        return new Evaluation(n == 0 ? Double.NaN : lossSum / n, n == 0 ? Double.NaN : (double) hits / n, perClass, confusion);
    }

    private static void checkLogits(Tensor logits, Batch b, int classes) {
        if (logits.rank() != 2 || logits.dim(0) != b.size() || logits.dim(1) != classes) {
            throw new InputException("the model's output " + Shape.str(logits.shape()) + " does not match "
                    + "the data: expected [" + b.size() + ", " + classes + "] (one score per class)");
        }
    }

    /** The predicted class of each row of logits [N, C] (ties: the first). */
    static int[] argmaxRows(NDArray logits) {
        if (logits.dtype() != DType.F32 || !logits.isContiguous()) return logits.argmaxRows();
        float[] v = logits.floatStorage();
        int n = logits.dim(0), c = logits.dim(1), o = logits.offset();
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

    /** How many rows of logits [N, C] predict their label. */
    static int hits(NDArray logits, int[] labels) {
        int[] pred = argmaxRows(logits);
        int h = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == labels[i]) h++;
        return h;
    }
}
