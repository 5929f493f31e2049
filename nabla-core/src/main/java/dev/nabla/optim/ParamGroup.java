package dev.nabla.optim;

import dev.nabla.InputException;
import dev.nabla.nn.Module;
import dev.nabla.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share a learning rate and a weight decay, as PyTorch's param groups: an optimizer takes a
 * list of groups, each with its own settings or the optimizer's.
 *
 * @param params      the parameters by name (their names in {@link Module#namedParameters()}); the optimizer's
 *                    state is saved under these names
 * @param lr          this group's learning rate, or NaN for the optimizer's; a schedule scales it as it scales
 *                    the optimizer's rate
 * @param weightDecay this group's weight decay (L2 strength), or NaN for the optimizer's
 */
public record ParamGroup(Map<String, Parameter> params, double lr, double weightDecay) {

    public ParamGroup {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        if (!Double.isNaN(lr)) Optimizer.checkLr(lr);
        if (!Double.isNaN(weightDecay)) Optimizer.checkDecay(weightDecay);
    }

    /** A group with the optimizer's learning rate and weight decay. */
    public static ParamGroup of(Map<String, Parameter> params) {
        return new ParamGroup(params, Double.NaN, Double.NaN);
    }

    /** This group with learning rate {@code lr}. */
    public ParamGroup withLr(double lr) {
        return new ParamGroup(params, lr, weightDecay);
    }

    /** This group with weight decay {@code weightDecay}. */
    public ParamGroup withWeightDecay(double weightDecay) {
        return new ParamGroup(params, lr, weightDecay);
    }

    /**
     * Two groups over {@code model}'s parameters: the matrices (and higher ranks) with the optimizer's weight
     * decay, the vectors (biases) with none. This is the course's L2 on the weight matrices only, and the usual
     * convention for weight decay (decaying a bias only shifts the outputs).
     */
    public static List<ParamGroup> decayMatricesOnly(Module model) {
        Map<String, Parameter> matrices = new LinkedHashMap<>(), vectors = new LinkedHashMap<>();
        model.namedParameters().forEach((k, p) -> (p.shape().length >= 2 ? matrices : vectors).put(k, p));
        return List.of(of(matrices), of(vectors).withWeightDecay(0));
    }

    /** Checks that no parameter appears twice, in one group or across groups. */
    static void checkDistinct(List<ParamGroup> groups) {
        Map<Parameter, String> seen = new java.util.IdentityHashMap<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ParamGroup g : groups) {
            g.params.forEach((k, p) -> {
                String before = seen.put(p, k);
                if (before != null || !names.add(k)) {
                    throw new InputException("optimizer: parameter '" + k + "' is given twice"
                            + (before != null && !before.equals(k) ? " (also as '" + before + "')" : "")
                            + "; each parameter belongs to one group under one name");
                }
            });
        }
    }
}
