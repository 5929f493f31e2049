package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

/**
 * Batch normalisation over the channel axis 1 (the shared part of {@link BatchNorm1d} and {@link BatchNorm2d}).
 * In training it normalises with the batch's mean and biased variance ({@link BatchNormFunction}) and moves the
 * buffers {@code running_mean} and {@code running_var} (the unbiased variance) toward them:
 * {@code running = (1 - momentum) running + momentum batch}, PyTorch's rule. In evaluation it uses the buffers.
 * {@code weight} (gamma, ones) and {@code bias} (beta, zeros): [C].
 */
public abstract class BatchNorm extends Module {
    private final int features;
    private final int rank;
    private final double eps;
    private final double momentum;
    private final Parameter weight;
    private final Parameter bias;

    BatchNorm(int features, int rank, double eps, double momentum) {
        if (features <= 0 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new InputException(getClass().getSimpleName() + ": features must be positive, eps > 0 and momentum in [0, 1], got "
                    + features + ", " + eps + ", " + momentum);
        }
        this.features = features;
        this.rank = rank;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = registerParameter("weight", new Parameter(NDArray.ones(DType.F32, features)));
        this.bias = registerParameter("bias", new Parameter(NDArray.zeros(DType.F32, features)));
        registerBuffer("running_mean", NDArray.zeros(DType.F32, features));
        registerBuffer("running_var", NDArray.ones(DType.F32, features));
    }

    /** Channels (features) normalised. */
    public int features() {
        return features;
    }

    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    /** gamma: [C]. */
    public Parameter weight() {
        return weight;
    }

    /** beta: [C]. */
    public Parameter bias() {
        return bias;
    }

    /** The buffer by name, looked up each time: {@link Module#to} replaces the arrays. */
    private NDArray buffer(String name) {
        return namedBuffers().get(name);
    }

    public NDArray runningMean() {
        return buffer("running_mean");
    }

    public NDArray runningVar() {
        return buffer("running_var");
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        int[] perChannel = LayerOps.channelShape(x);
        if (isTraining()) {
            int count = x.value().numel() / features;
            if (count < 2) throw new InputException(this + ": training needs more than one value per channel, got input " + Shape.str(x.shape()));
            BatchNormFunction op = new BatchNormFunction(eps);
            Tensor y = op.apply(x, weight.tensor(), bias.tensor());
            double[] unbiased = op.variance();
            for (int c = 0; c < features; c++) unbiased[c] *= (double) count / (count - 1);
            update(runningMean(), NDArray.of(op.mean(), features));
            update(runningVar(), NDArray.of(unbiased, features));
            return y;
        }
        Tensor mean = Tensor.of(runningMean().to(x.dtype()).reshape(perChannel));
        Tensor std = Tensor.of(runningVar().to(x.dtype()).addScalar(eps).sqrt().reshape(perChannel));
        return x.sub(mean).div(std).mul(weight.tensor().reshape(perChannel)).add(bias.tensor().reshape(perChannel));
    }

    private void update(NDArray running, NDArray batch) {
        running.assign(running.mulScalar(1 - momentum).add(batch.to(running.dtype()).mulScalar(momentum)));
    }

    @Override
    public int[] outputShape(int... s) {
        if (s.length != rank || s[1] != features) {
            throw new InputException("input " + Shape.str(s) + " does not match " + (rank == 2 ? "[N, " + features + "]" : "[N, " + features + ", H, W]"));
        }
        return s.clone();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + features + ", eps=" + eps + ", momentum=" + momentum + ")";
    }
}
