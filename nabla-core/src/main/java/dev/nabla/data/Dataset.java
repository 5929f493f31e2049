package dev.nabla.data;

import dev.nabla.InputException;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.Arrays;

/**
 * Samples for training or evaluation: inputs {@code [N, ...]} of any shape (float32 or float64) and, for each
 * sample, either an integer label (classification) or a target array (regression, probabilities, binary
 * targets): {@code targets [N, ...]}.
 *
 * <p>The arrays are shared, not copied (inputs that are not contiguous are made so once).
 */
public final class Dataset {
    private final NDArray inputs;
    private final int[] labels;
    private final NDArray targets;
    private final int classes;

    private Dataset(NDArray inputs, int[] labels, NDArray targets, int classes) {
        this.inputs = inputs;
        this.labels = labels;
        this.targets = targets;
        this.classes = classes;
    }

    /**
     * Inputs {@code [N, ...]} with integer labels in {@code [0, classes)}.
     *
     * @throws InputException when the counts differ or a label is out of range
     */
    public static Dataset ofLabels(NDArray inputs, int[] labels, int classes) {
        checkRank(inputs, "inputs");
        if (labels.length != inputs.dim(0)) {
            throw new InputException("dataset: " + inputs.dim(0) + " inputs " + Shape.str(inputs.shape()) + " need "
                    + inputs.dim(0) + " labels, found " + labels.length);
        }
        if (classes < 1) throw new InputException("dataset: classes must be >= 1, got " + classes);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new InputException("dataset: label " + labels[i] + " of sample " + i + " is not in [0, " + classes + ")");
            }
        }
        return new Dataset(inputs.contiguous(), labels, null, classes);
    }

    /** Inputs with integer labels; the number of classes is the largest label + 1. */
    public static Dataset ofLabels(NDArray inputs, int[] labels) {
        int max = -1;
        for (int y : labels) max = Math.max(max, y);
        return ofLabels(inputs, labels, Math.max(1, max + 1));
    }

    /**
     * Inputs {@code [N, ...]} with float targets {@code [N, ...]} (of the dtype of the model's output).
     *
     * @throws InputException when the counts differ
     */
    public static Dataset ofTargets(NDArray inputs, NDArray targets) {
        checkRank(inputs, "inputs");
        checkRank(targets, "targets");
        if (targets.dim(0) != inputs.dim(0)) {
            throw new InputException("dataset: inputs " + Shape.str(inputs.shape()) + " and targets "
                    + Shape.str(targets.shape()) + " differ in their first dimension (the sample count)");
        }
        return new Dataset(inputs.contiguous(), null, targets.contiguous(), 0);
    }

    /** An image set as inputs {@code [count, rows * cols]} and its labels, sharing its arrays. */
    public static Dataset of(ImageSet set) {
        return new Dataset(NDArray.of(set.pixels(), set.count(), set.features()), set.labels(), null, set.classes());
    }

    private static void checkRank(NDArray a, String what) {
        if (a.rank() < 1) throw new InputException("dataset: " + what + " need a first (sample) dimension, got " + Shape.str(a.shape()));
        if (a.dtype() != DType.F32 && a.dtype() != DType.F64) throw new InputException("dataset: " + what + " must be float32 or float64");
    }

    /** The number of samples N. */
    public int size() {
        return inputs.dim(0);
    }

    /** The shape of one sample's input (the inputs' shape without the first dimension). */
    public int[] sampleShape() {
        return Arrays.copyOfRange(inputs.shape(), 1, inputs.rank());
    }

    /** All inputs, {@code [N, ...]}, contiguous. */
    public NDArray inputs() {
        return inputs;
    }

    /** Whether the samples have integer labels (else float targets). */
    public boolean hasLabels() {
        return labels != null;
    }

    /** The labels (shared, not copied), or null for a dataset with float targets. */
    public int[] labels() {
        return labels;
    }

    /** The targets {@code [N, ...]}, or null for a labelled dataset. */
    public NDArray targets() {
        return targets;
    }

    /** The number of classes of a labelled dataset; 0 for one with float targets. */
    public int classes() {
        return classes;
    }

    @Override
    public String toString() {
        return "Dataset(" + size() + " samples of " + Shape.str(sampleShape())
                + (labels != null ? ", " + classes + " classes)" : ", targets " + Shape.str(Arrays.copyOfRange(targets.shape(), 1, targets.rank())) + ")");
    }
}
