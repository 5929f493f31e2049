package dev.nabla.optim;

import dev.nabla.InputException;
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
 * for each parameter W with a gradient:
 *     g = grad
 *     if W decays and not decoupled: g = g + weightDecay * W       (L2 in the gradient, as torch.optim.Adam)
 *     m = beta1 * m + (1 - beta1) * g                              (m, v start at 0)
 *     v = beta2 * v + (1 - beta2) * g^2
 *     mHat = m / (1 - beta1^t);  vHat = v / (1 - beta2^t)           (bias correction)
 *     if W decays and decoupled:     W = W - lr * weightDecay * W  (AdamW)
 *     W = W - lr * mHat / (sqrt(vHat) + eps)
 * </pre>
 *
 * Only parameters that {@link Parameter#decays()} (weight matrices) are decayed. Each element is computed in
 * float64 and stored in the parameter's type.
 */
public final class Adam implements Optimizer {
    private static final String[] BUFFERS = {"m", "v"};

    private final List<Parameter> params;
    private double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final NDArray[][] moments; // [0]: m, [1]: v, per parameter
    private long step;

    /**
     * @param lr          learning rate, > 0 (0.001 is the usual start)
     * @param beta1       decay of the first moment, in [0, 1) (0.9)
     * @param beta2       decay of the second moment, in [0, 1) (0.999)
     * @param eps         added to the denominator, > 0 (1e-8)
     * @param weightDecay L2 strength, >= 0
     * @param decoupled   true for AdamW (decay applied to the weights, not through the moments)
     * @throws InputException naming the value that is out of range
     */
    public Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        this.params = List.copyOf(params);
        this.lr = OptimizerState.checkLr(lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new InputException("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new InputException("beta2 must be in [0, 1), got " + beta2);
        if (!(eps > 0)) throw new InputException("eps must be > 0, got " + eps);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new InputException("weight decay must be >= 0, got " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.moments = new NDArray[2][this.params.size()];
    }

    /** Adam with L2 in the gradient (not decoupled). */
    public Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, false);
    }

    /** AdamW: decoupled weight decay. */
    public static Adam adamW(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        return new Adam(params, lr, beta1, beta2, eps, weightDecay, true);
    }

    @Override
    public void step() {
        step++;
        double c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            NDArray g = OptimizerState.gradOf(p);
            if (g == null) continue;
            for (int b = 0; b < 2; b++) {
                if (moments[b][i] == null) moments[b][i] = NDArray.zeros(p.value().dtype(), p.shape());
            }
            double wd = p.decays() ? weightDecay : 0;
            update(p.value(), g, moments[0][i], moments[1][i], c1, c2, wd);
        }
    }

    private void update(NDArray w, NDArray g, NDArray m, NDArray v, double c1, double c2, double wd) {
        int n = w.numel(), wo = w.offset(), go = g.offset(), mo = m.offset(), vo = v.offset();
        double l2 = decoupled ? 0 : wd, shrink = decoupled ? 1 - lr * wd : 1;
        if (w.dtype() == DType.F32) {
            float[] W = w.floatStorage(), G = g.floatStorage(), M = m.floatStorage(), V = v.floatStorage();
            for (int i = 0; i < n; i++) {
                double wi = W[wo + i], gi = G[go + i] + l2 * wi;
                double mi = beta1 * M[mo + i] + (1 - beta1) * gi, vi = beta2 * V[vo + i] + (1 - beta2) * gi * gi;
                M[mo + i] = (float) mi;
                V[vo + i] = (float) vi;
                W[wo + i] = (float) (wi * shrink - lr * (mi / c1) / (Math.sqrt(vi / c2) + eps));
            }
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
    public List<Parameter> parameters() {
        return params;
    }

    @Override
    public Map<String, NDArray> state() {
        return OptimizerState.state(step, params, BUFFERS, moments);
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        step = OptimizerState.load(state, params, BUFFERS, moments);
    }

    public long steps() {
        return step;
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(double lr) {
        this.lr = OptimizerState.checkLr(lr);
    }

    @Override
    public String toString() {
        return (decoupled ? "AdamW" : "Adam") + "(lr=" + lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps
                + ", weightDecay=" + weightDecay + ")";
    }
}
