package dev.nabla.optim;

import dev.nabla.InputException;
import dev.nabla.kernel.Kernels;
import dev.nabla.kernel.Parallel;
import dev.nabla.nn.Parameter;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;

import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba), with L2 weight decay either coupled (Adam) or decoupled (AdamW, Loshchilov and Hutter).
 *
 * <pre>
 * t = t + 1
 * for each parameter W with a gradient, in a group with weight decay wd:
 *     g = grad
 *     if not decoupled: g = g + wd * W                       (L2 in the gradient, as torch.optim.Adam)
 *     m = beta1 * m + (1 - beta1) * g                        (m, v start at 0)
 *     v = beta2 * v + (1 - beta2) * g^2
 *     mHat = m / (1 - beta1^t);  vHat = v / (1 - beta2^t)     (bias correction)
 *     if decoupled: W = W - lr * wd * W                      (AdamW)
 *     W = W - lr * mHat / (sqrt(vHat) + eps)
 * </pre>
 *
 * The weight decay is the parameter's group's ({@link ParamGroup#decayMatricesOnly} leaves biases alone). Each
 * element is computed in float64 and stored in the parameter's type.
 */
public class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean decoupled;

    /**
     * @param groups      the parameter groups (e.g. {@link ParamGroup#decayMatricesOnly})
     * @param lr          learning rate, > 0 (0.001 is the usual start)
     * @param beta1       decay of the first moment, in [0, 1) (0.9)
     * @param beta2       decay of the second moment, in [0, 1) (0.999)
     * @param eps         added to the denominator, > 0 (1e-8)
     * @param weightDecay L2 strength of groups without their own, >= 0
     * @throws InputException naming the value that is out of range
     */
    public Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(groups, lr, beta1, beta2, eps, weightDecay, false);
    }

    /** One group of {@code params} (e.g. {@code model.namedParameters()}). */
    public Adam(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(List.of(ParamGroup.of(params)), lr, beta1, beta2, eps, weightDecay, false);
    }

    /** @param decoupled true for AdamW (decay applied to the weights, not through the moments) */
    Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(groups, lr, weightDecay, "m", "v");
        if (!(beta1 >= 0 && beta1 < 1)) throw new InputException("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new InputException("beta2 must be in [0, 1), got " + beta2);
        if (!(eps > 0)) throw new InputException("eps must be > 0, got " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupled = decoupled;
    }

    @Override
    protected final void update(NDArray w, NDArray g, NDArray[] state, double lr, double wd) {
        for (int b = 0; b < 2; b++) if (state[b] == null) state[b] = NDArray.zeros(w.dtype(), w.shape());
        double c1 = 1 - Math.pow(beta1, steps()), c2 = 1 - Math.pow(beta2, steps());
        update(w, g, state[0], state[1], c1, c2, lr, wd);
    }

    /** Elements per parallel piece of the float32 update at least. */
    static final int UPDATE_GRAIN = 1 << 15;

    private void update(NDArray w, NDArray g, NDArray m, NDArray v, double c1, double c2, double lr, double wd) {
        int n = w.numel(), wo = w.offset(), go = g.offset(), mo = m.offset(), vo = v.offset();
        double l2 = decoupled ? 0 : wd, shrink = decoupled ? 1 - lr * wd : 1;
        if (w.dtype() == DType.F32) {
            float[] W = w.floatStorage(), G = g.floatStorage(), M = m.floatStorage(), V = v.floatStorage();
            // element by element (the vector kernel gives the scalar update's bits), so any split gives the same
            // bits; a division and a square root per element make the pieces worth another thread from a few
            // ten thousand elements
            Kernels kernels = Kernels.get();
            Parallel.forPieces(n, UPDATE_GRAIN, (lo, hi) -> kernels.adam(hi - lo, W, wo + lo, G, go + lo, M, mo + lo,
                    V, vo + lo, beta1, beta2, eps, l2, shrink, lr, c1, c2));
        } else {
            double[] W = w.doubleStorage(), G = g.doubleStorage(), M = m.doubleStorage(), V = v.doubleStorage();
            for (int i = 0; i < n; i++) {
                double wi = W[wo + i], gi = G[go + i] + l2 * wi;
                double mi = beta1 * M[mo + i] + (1 - beta1) * gi, vi = beta2 * V[vo + i] + (1 - beta2) * gi * gi;
                M[mo + i] = mi;
                V[vo + i] = vi;
                W[wo + i] = wi * shrink - lr * (mi / c1) / (Math.sqrt(vi / c2) + eps);
            }
        }
    }

    @Override
    public String toString() {
        return (decoupled ? "AdamW" : "Adam") + "(lr=" + learningRate() + ", beta1=" + beta1 + ", beta2=" + beta2
                + ", eps=" + eps + ", weightDecay=" + weightDecay() + ", groups=" + paramGroups().size() + ")";
    }
}
