package dev.nabla.nn;

/** {@link BatchNorm} of [N, C, H, W], per channel over the batch and the plane. */
public final class BatchNorm2d extends BatchNorm {
    /** eps 1e-5 and momentum 0.1, PyTorch's defaults. */
    public BatchNorm2d(int features) {
        this(features, 1e-5, 0.1);
    }

    public BatchNorm2d(int features, double eps, double momentum) {
        super(features, 4, eps, momentum);
    }
}
