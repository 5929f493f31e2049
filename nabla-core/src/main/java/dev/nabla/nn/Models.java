package dev.nabla.nn;

import dev.nabla.InputException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Builds the models a {@link ModelSpec} names, from the library's modules. */
public final class Models {
    /** The model types {@link #build} accepts. */
    public static final String TYPES = "softmax, twolayer, mlp";
    /** The activations {@link #build} accepts. */
    public static final String ACTIVATIONS = "sigmoid, relu, tanh";

    private Models() {}

    /**
     * The model {@code spec} describes, weights drawn by {@code Init.of(spec.init(), spec.seed())} in layer
     * order, parameters named {@code 0.weight}, {@code 0.bias}, {@code 2.weight}, ... ({@link CourseNames} maps
     * them to the course's W1, b1, W2, ...). Its output is the logits that
     * {@code Functional.crossEntropy} turns into the loss.
     * <ul>
     *   <li>{@code softmax}: Linear(in -> classes, no bias) -> ReLU (the course's softmax regression feeds the
     *       ReLU output to softmax)</li>
     *   <li>{@code twolayer}: Linear(in -> hidden, bias) -> activation (sigmoid by default) -> Linear(hidden -> classes, bias)</li>
     *   <li>{@code mlp}: for each hidden size h: Linear(-> h, bias) -> activation (relu by default); then
     *       Linear(-> classes, bias)</li>
     * </ul>
     *
     * @throws InputException for an unknown type, activation or init, or a size that is not positive
     */
    public static Sequential build(ModelSpec spec) {
        String type = lower(spec.type());
        if (spec.inputSize() <= 0) throw new InputException("model: inputSize must be positive, got " + spec.inputSize());
        if (spec.classes() < 2) throw new InputException("model: classes must be at least 2, got " + spec.classes());
        int[] hidden = spec.hidden();
        for (int h : hidden) {
            if (h <= 0) throw new InputException("model: hidden sizes must be positive, got " + Arrays.toString(hidden));
        }
        ModelSize.requireMemory(spec);
        Init init = Init.of(spec.init(), spec.seed());
        List<Module> layers = new ArrayList<>();
        switch (type) {
            case "softmax" -> {
                layers.add(new Linear(spec.inputSize(), spec.classes(), false, init));
                layers.add(new ReLU());
            }
            case "twolayer" -> {
                if (hidden.length != 1) {
                    throw new InputException("model twolayer: needs exactly one hidden size, got " + Arrays.toString(hidden)
                            + " (use type mlp for more layers)");
                }
                layers.add(new Linear(spec.inputSize(), hidden[0], true, init));
                layers.add(activation(spec.activation(), "sigmoid"));
                layers.add(new Linear(hidden[0], spec.classes(), true, init));
            }
            case "mlp" -> {
                int in = spec.inputSize();
                for (int h : hidden) {
                    layers.add(new Linear(in, h, true, init));
                    layers.add(activation(spec.activation(), "relu"));
                    in = h;
                }
                layers.add(new Linear(in, spec.classes(), true, init));
            }
            default -> throw new InputException("model: unknown type '" + spec.type() + "' (expected one of: " + TYPES + ")");
        }
        return new Sequential(layers.toArray(Module[]::new));
    }

    /**
     * The activation module called {@code name} ({@link #ACTIVATIONS}); null or blank gives {@code fallback}.
     *
     * @throws InputException for an unknown name
     */
    public static Module activation(String name, String fallback) {
        String n = name == null || name.isBlank() ? fallback : lower(name);
        return switch (n) {
            case "sigmoid" -> new Sigmoid();
            case "relu" -> new ReLU();
            case "tanh" -> new Tanh();
            default -> throw new InputException("model: unknown activation '" + name + "' (expected one of: " + ACTIVATIONS + ")");
        };
    }

    private static String lower(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }
}
