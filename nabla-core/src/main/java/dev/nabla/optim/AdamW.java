package dev.nabla.optim;

import dev.nabla.nn.Parameter;

import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter): {@link Adam} with the weight decay applied to the weights directly,
 * {@code W = W - lr * wd * W}, instead of through the moments.
 */
public final class AdamW extends Adam {

    /** See {@link Adam#Adam(List, double, double, double, double, double)}. */
    public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(groups, lr, beta1, beta2, eps, weightDecay, true);
    }

    /** One group of {@code params} (e.g. {@code model.namedParameters()}). */
    public AdamW(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(List.of(ParamGroup.of(params)), lr, beta1, beta2, eps, weightDecay);
    }
}
