package dev.nabla.nn;

/** {@link BatchNorm} of [N, C] (features of a dense layer). */
public final class BatchNorm1d extends BatchNorm {
    /** eps 1e-5 and momentum 0.1, PyTorch's defaults. */
    public BatchNorm1d(int features) {
        this(features, 1e-5, 0.1);
    }

    public BatchNorm1d(int features, double eps, double momentum) {
        super(features, 2, eps, momentum);
    }
}
