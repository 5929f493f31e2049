package dev.nabla.optim;

import dev.nabla.InputException;
import dev.nabla.nn.Parameter;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients. Per batch: {@link #zeroGrad()}, forward, {@code loss.backward()},
 * {@link #step()}.
 *
 * <p>The base owns what every optimizer shares: the {@link ParamGroup}s with their learning rates and weight
 * decays, the step count, and the per-parameter state (momentum buffers, moments), kept by parameter name so a
 * checkpoint can save it and a resumed run continue bit for bit. A subclass supplies the update of one
 * parameter ({@link #update}).
 */
public abstract class Optimizer {
    static final String STEP = "step";

    private final List<ParamGroup> groups;
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, NDArray[]> buffers = new LinkedHashMap<>();
    private final String[] bufferNames;
    private final double initialLr;
    private final double weightDecay;
    private double lr;
    private long steps;

    /**
     * @param groups      the parameter groups
     * @param lr          the learning rate of groups without their own, > 0
     * @param weightDecay the weight decay of groups without their own, >= 0
     * @param bufferNames the names of the per-parameter state arrays, as saved: {@code <parameter>.<buffer>}
     * @throws InputException naming the value that is out of range, or a parameter given twice
     */
    protected Optimizer(List<ParamGroup> groups, double lr, double weightDecay, String... bufferNames) {
        this.groups = List.copyOf(groups);
        ParamGroup.checkDistinct(this.groups);
        this.lr = checkLr(lr);
        this.initialLr = lr;
        this.weightDecay = checkDecay(weightDecay);
        this.bufferNames = bufferNames.clone();
        for (ParamGroup g : this.groups) {
            g.params().forEach((k, p) -> {
                params.put(k, p);
                buffers.put(k, new NDArray[bufferNames.length]);
            });
        }
    }

    /**
     * Updates one parameter in place. {@code g} is the gradient as a contiguous array of {@code w}'s dtype;
     * {@code state} holds this parameter's buffers in the order of the buffer names (null until the subclass
     * creates them); {@code lr} and {@code weightDecay} are the parameter's group's.
     */
    protected abstract void update(NDArray w, NDArray g, NDArray[] state, double lr, double weightDecay);

    /** Applies one update to every parameter that has a gradient (parameters without one are left alone). */
    public final void step() {
        steps++;
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup group = groups.get(i);
            int index = i;
            double groupLr = groupLr(group), groupDecay = Double.isNaN(group.weightDecay()) ? weightDecay : group.weightDecay();
            group.params().forEach((k, p) -> {
                NDArray g = p.grad();
                if (g == null) return;
                update(index, p.value(), g.to(p.value().dtype()).contiguous(), buffers.get(k), groupLr, groupDecay);
            });
        }
    }

    /**
     * {@link #update(NDArray, NDArray, NDArray[], double, double)} for a parameter of group {@code group} (its
     * index in {@link #paramGroups()}); an optimizer with per-group settings of its own overrides this one.
     */
    protected void update(int group, NDArray w, NDArray g, NDArray[] state, double lr, double weightDecay) {
        update(w, g, state, lr, weightDecay);
    }

    /** A group's rate now: its own rate scaled as the optimizer's rate has been (by a schedule), or the optimizer's. */
    private double groupLr(ParamGroup g) {
        return Double.isNaN(g.lr()) ? lr : g.lr() * (lr / initialLr);
    }

    /** Clears the gradients of all parameters. */
    public void zeroGrad() {
        for (Parameter p : params.values()) p.tensor().zeroGrad();
    }

    /** The parameter groups, in order. */
    public List<ParamGroup> paramGroups() {
        return groups;
    }

    /** The parameters this optimizer updates, group by group. */
    public List<Parameter> parameters() {
        return new ArrayList<>(params.values());
    }

    /** The number of {@link #step()} calls so far. */
    public long steps() {
        return steps;
    }

    /**
     * Copies of everything that a resumed run needs to continue exactly: the step count ({@code "step"}, a
     * float32 scalar, exact up to 2^24 steps) and per-parameter buffers named {@code "<param>.<buffer>"}
     * (e.g. {@code "0.weight.momentum"}), in the parameters' dtype.
     */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put(STEP, NDArray.scalar(steps, DType.F32));
        buffers.forEach((k, bs) -> {
            for (int b = 0; b < bs.length; b++) if (bs[b] != null) out.put(k + "." + bufferNames[b], bs[b].copy());
        });
        return out;
    }

    /**
     * Restores a {@link #state()} (copies it; buffers absent from it start afresh).
     *
     * @throws InputException for an unknown name or a shape that does not match its parameter
     */
    public void loadState(Map<String, NDArray> state) {
        long step = 0;
        Map<String, NDArray[]> loaded = new LinkedHashMap<>();
        for (String k : params.keySet()) loaded.put(k, new NDArray[bufferNames.length]);
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            String key = e.getKey();
            NDArray v = e.getValue();
            if (key.equals(STEP)) {
                step = Math.round(v.item());
                continue;
            }
            int dot = key.lastIndexOf('.');
            int b = dot < 0 ? -1 : Arrays.asList(bufferNames).indexOf(key.substring(dot + 1));
            Parameter p = dot < 0 ? null : params.get(key.substring(0, dot));
            if (b < 0 || p == null) {
                throw new InputException("optimizer state: unexpected entry '" + key + "' (expected 'step' and <parameter>."
                        + String.join("|", bufferNames) + " for parameters " + params.keySet() + ")");
            }
            if (!Arrays.equals(v.shape(), p.shape())) {
                throw new InputException("optimizer state: " + key + " has shape " + Shape.str(v.shape())
                        + ", parameter " + key.substring(0, dot) + " has shape " + Shape.str(p.shape()));
            }
            loaded.get(key.substring(0, dot))[b] = v.to(p.value().dtype()).copy();
        }
        loaded.forEach((k, bs) -> System.arraycopy(bs, 0, buffers.get(k), 0, bs.length));
        steps = step;
    }

    /** The learning rate of groups without their own. */
    public double learningRate() {
        return lr;
    }

    /**
     * Sets the learning rate for the following steps (schedules call this once per epoch); must be > 0. Groups
     * with their own rate are scaled by the same factor.
     */
    public void setLearningRate(double lr) {
        this.lr = checkLr(lr);
    }

    /** The weight decay of groups without their own. */
    public double weightDecay() {
        return weightDecay;
    }

    static double checkLr(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new InputException("learning rate must be a positive number, got " + lr);
        }
        return lr;
    }

    static double checkDecay(double wd) {
        if (!(wd >= 0) || Double.isInfinite(wd)) throw new InputException("weight decay (L2 strength) must be >= 0, got " + wd);
        return wd;
    }
}
