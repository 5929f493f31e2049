package dev.nabla.optim;

import dev.nabla.InputException;
import dev.nabla.tensor.NDArray;

import java.util.List;

/**
 * Proximal stochastic gradient descent: a gradient step on the smooth part of the loss, then the proximal
 * operator of each group's non-smooth {@link Penalty}.
 *
 * <pre>
 * for each parameter W with a gradient, in group i with weight decay wd and penalty lambda * R:
 *     W = W - lr * (grad + wd * W)          (the SGD step on loss + wd/2 ||W||^2)
 *     W = prox_{lr * lambda * R}(W)         (l1: soft thresholding; group: row shrinkage, see Penalty)
 * </pre>
 *
 * The proximal step is the minimizer of the linearized loss plus the penalty plus {@code ||W - W_old||^2 / (2 lr)}:
 * gradient descent's own derivation with the penalty kept exact instead of linearized, which is why it lands on
 * exact zeros. With {@code proximal = false} the same class takes the plain subgradient step instead,
 * {@code W = W - lr * (grad + wd * W + lambda * subgradient R(W))}, for comparison: weights then oscillate around
 * zero instead of reaching it.
 */
public final class ProxSGD extends Optimizer {

    private final List<Penalty> penalties;
    private final boolean proximal;

    /**
     * @param groups      the parameter groups
     * @param lr          learning rate, > 0
     * @param weightDecay L2 strength of groups without their own, >= 0
     * @param penalties   the penalty of each group, in the groups' order ({@link Penalty#NONE} for none)
     * @param proximal    true: proximal step; false: subgradient step
     * @throws InputException when there is not one penalty per group
     */
    public ProxSGD(List<ParamGroup> groups, double lr, double weightDecay, List<Penalty> penalties, boolean proximal) {
        super(groups, lr, weightDecay);
        if (penalties.size() != groups.size()) {
            throw new InputException("proxsgd: " + penalties.size() + " penalties for " + groups.size()
                    + " parameter groups (expected one per group)");
        }
        this.penalties = List.copyOf(penalties);
        this.proximal = proximal;
    }

    @Override
    protected void update(int group, NDArray w, NDArray g, NDArray[] state, double lr, double weightDecay) {
        Penalty p = penalties.get(group);
        if (!proximal && p.active()) {
            g = g.copy(); // the parameter's gradient stays the loss's
            p.addSubgradient(w, g);
        }
        SGD.update(w, g, null, lr, 0, false, weightDecay);
        if (proximal) p.prox(w, lr);
    }

    @Override
    protected void update(NDArray w, NDArray g, NDArray[] state, double lr, double weightDecay) {
        update(0, w, g, state, lr, weightDecay);
    }

    /** The penalty of each group, in order. */
    public List<Penalty> penalties() {
        return penalties;
    }

    /** Whether the penalty is applied by its proximal operator (else by a subgradient). */
    public boolean proximal() {
        return proximal;
    }

    @Override
    public String toString() {
        return "ProxSGD(lr=" + learningRate() + ", weightDecay=" + weightDecay() + ", penalties=" + penalties
                + ", proximal=" + proximal + ")";
    }
}
