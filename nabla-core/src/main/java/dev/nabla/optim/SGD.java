package dev.nabla.optim;

import dev.nabla.InputException;
import dev.nabla.kernel.Parallel;
import dev.nabla.nn.Parameter;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum (heavy ball or Nesterov) and the course's L2 term.
 *
 * <pre>
 * for each parameter W with a gradient, in a group with weight decay wd:
 *     g = grad + wd * W
 *     if momentum == 0:
 *         W = W - lr * g
 *     else:
 *         v = momentum * v + g      (v starts at 0; PyTorch's convention: no dampening, lr outside v)
 *         if nesterov: W = W - lr * (g + momentum * v)
 *         else:        W = W - lr * v
 * </pre>
 *
 * The L2 term is added to the gradient before the update, as the course's optimizer does
 * ({@code gradients[k] += reg * weights[k]}), i.e. it is the gradient of {@code wd/2 * ||W||^2}; the course
 * decays the weight matrices only, which {@link ParamGroup#decayMatricesOnly} expresses. float32 parameters are
 * updated in float32 arithmetic, float64 ones in float64. The course's configuration files carry a momentum its
 * SGD ignores; a trainer honouring that passes {@code momentum = 0}.
 */
public final class SGD extends Optimizer {
    /**
     * Elements per thread below which a parameter is updated on the calling thread alone: the update is a few
     * microseconds for the course's 100,352 hidden weights, less than splitting it and then fetching the other
     * core's half for the next step costs (bench/RESULTS.md, "Ideas tried").
     */
    private static final int UPDATE_GRAIN = 1 << 18;

    private final double momentum;
    private final boolean nesterov;

    /**
     * @param groups      the parameter groups (e.g. {@link ParamGroup#decayMatricesOnly})
     * @param lr          learning rate, > 0
     * @param momentum    in [0, 1); 0 for plain SGD
     * @param nesterov    Nesterov momentum (needs momentum > 0)
     * @param weightDecay L2 strength of groups without their own, >= 0
     * @throws InputException naming the value that is out of range
     */
    public SGD(List<ParamGroup> groups, double lr, double momentum, boolean nesterov, double weightDecay) {
        super(groups, lr, weightDecay, "momentum");
        if (!(momentum >= 0 && momentum < 1)) throw new InputException("momentum must be in [0, 1), got " + momentum);
        if (nesterov && momentum == 0) throw new InputException("nesterov needs a momentum > 0, got momentum " + momentum);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    /** One group of {@code params} (e.g. {@code model.namedParameters()}). */
    public SGD(Map<String, Parameter> params, double lr, double momentum, boolean nesterov, double weightDecay) {
        this(List.of(ParamGroup.of(params)), lr, momentum, nesterov, weightDecay);
    }

    @Override
    protected void update(NDArray w, NDArray g, NDArray[] state, double lr, double weightDecay) {
        NDArray v = null;
        if (momentum != 0) {
            if (state[0] == null) state[0] = NDArray.zeros(w.dtype(), w.shape());
            v = state[0];
        }
        update(w, g, v, lr, momentum, nesterov, weightDecay);
    }

    /**
     * One parameter's update, in place (the pseudocode above). {@code w}, {@code g} and {@code v} are contiguous
     * and of one type; {@code v} is null when momentum is 0.
     */
    static void update(NDArray w, NDArray g, NDArray v, double lr, double momentum, boolean nesterov, double reg) {
        int n = w.numel(), wo = w.offset(), go = g.offset(), vo = v == null ? 0 : v.offset();
        if (w.dtype() == DType.F32) {
            float[] W = w.floatStorage(), G = g.floatStorage(), V = v == null ? null : v.floatStorage();
            if ((wo | go | vo) == 0) {
                updateF32(W, G, V, n, (float) lr, (float) momentum, nesterov, (float) reg);
            } else {
                // views into larger arrays (rare): update zero-offset copies, so one loop serves both cases
                float[] w0 = Arrays.copyOfRange(W, wo, wo + n), v0 = V == null ? null : Arrays.copyOfRange(V, vo, vo + n);
                updateF32(w0, Arrays.copyOfRange(G, go, go + n), v0, n, (float) lr, (float) momentum, nesterov, (float) reg);
                System.arraycopy(w0, 0, W, wo, n);
                if (V != null) System.arraycopy(v0, 0, V, vo, n);
            }
        } else {
            double[] W = w.doubleStorage(), G = g.doubleStorage(), V = v == null ? null : v.doubleStorage();
            for (int i = 0; i < n; i++) {
                double gi = G[go + i] + reg * W[wo + i];
                if (V == null) {
                    W[wo + i] -= lr * gi;
                } else {
                    double vi = momentum * V[vo + i] + gi;
                    V[vo + i] = vi;
                    W[wo + i] -= lr * (nesterov ? gi + momentum * vi : vi);
                }
            }
        }
    }

    /**
     * The float32 update over arrays that start at index 0: simple loops in float32 arithmetic, which the JIT
     * vectorises (with offsets it cannot rule out overlap, and the loop runs about 4x slower). This runs once per
     * step over every weight.
     */
    private static void updateF32(float[] w, float[] g, float[] v, int n, float lr, float mu, boolean nesterov, float reg) {
        // each element's update is independent of the others, so splitting over threads changes no bit
        Parallel.forRange(n, UPDATE_GRAIN, (lo, hi) -> updateF32(w, g, v, lo, hi, lr, mu, nesterov, reg));
    }

    /** {@link #updateF32(float[], float[], float[], int, float, float, boolean, float)} on [lo, hi). */
    private static void updateF32(float[] w, float[] g, float[] v, int lo, int hi, float lr, float mu, boolean nesterov,
                                  float reg) {
        if (v == null) {
            for (int i = lo; i < hi; i++) w[i] = w[i] - lr * (g[i] + reg * w[i]);
        } else if (!nesterov) {
            for (int i = lo; i < hi; i++) {
                float vi = mu * v[i] + (g[i] + reg * w[i]);
                v[i] = vi;
                w[i] = w[i] - lr * vi;
            }
        } else {
            for (int i = lo; i < hi; i++) {
                float gi = g[i] + reg * w[i];
                float vi = mu * v[i] + gi;
                v[i] = vi;
                w[i] = w[i] - lr * (gi + mu * vi);
            }
        }
    }

    public double momentum() {
        return momentum;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public String toString() {
        return "SGD(lr=" + learningRate() + ", momentum=" + momentum + ", nesterov=" + nesterov + ", weightDecay="
                + weightDecay() + ", groups=" + paramGroups().size() + ")";
    }
}
