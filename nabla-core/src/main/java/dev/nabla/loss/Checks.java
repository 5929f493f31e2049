package dev.nabla.loss;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.Shape;

import java.util.Arrays;

/** The shape checks the losses share, with messages that name the loss and both shapes. */
final class Checks {
    private Checks() {}

    /** output [N, C] and N labels in [0, C). */
    static void scoresAndLabels(String loss, Tensor output, int[] labels) {
        if (output.rank() != 2 || output.dim(0) != labels.length) {
            throw new InputException(loss + ": the output " + Shape.str(output.shape()) + " does not fit " + labels.length
                    + " labels: expected [" + labels.length + ", classes] (one score per class)");
        }
        int c = output.dim(1);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new InputException(loss + ": label " + labels[i] + " of sample " + i + " is not in [0, " + c
                        + ") (the output has " + c + " classes)");
            }
        }
    }

    /** output and targets of one shape. */
    static void sameShape(String loss, Tensor output, Tensor targets) {
        if (!Arrays.equals(output.shape(), targets.shape())) {
            throw new InputException(loss + ": the output " + Shape.str(output.shape()) + " and the targets "
                    + Shape.str(targets.shape()) + " differ in shape");
        }
    }
}
