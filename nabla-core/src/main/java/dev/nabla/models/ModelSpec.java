package dev.nabla.models;

import dev.nabla.nn.Init;
import java.util.Arrays;
import java.util.Objects;

/**
 * What {@link Models#build} makes: the kind of model, its sizes, its activation and how its weights start.
 *
 * @param type       {@code softmax} (linear -> ReLU, the course's softmax regression), {@code twolayer}
 *                   (linear -> activation -> linear) or {@code mlp} (any number of hidden layers)
 * @param inputSize  features per sample (784 for MNIST)
 * @param hidden     hidden-layer sizes: one for {@code twolayer}, any for {@code mlp}, ignored by {@code softmax}
 * @param activation {@code sigmoid}, {@code relu} or {@code tanh}; null picks the model's default
 *                   ({@code sigmoid} for {@code twolayer}, {@code relu} for {@code mlp}); {@code softmax} always
 *                   uses ReLU
 * @param classes    number of classes (outputs)
 * @param init       weight scheme, see {@link Init#of}
 * @param seed       seed of the weight scheme
 */
public record ModelSpec(String type, int inputSize, int[] hidden, String activation, int classes, String init, long seed) {

    public ModelSpec {
        hidden = hidden == null ? new int[0] : hidden.clone();
    }

    /** The course's two-layer network: 784 -> 128 sigmoid -> 10, numpy init with seed 1024. */
    public static ModelSpec courseTwoLayer() {
        return new ModelSpec("twolayer", 784, new int[] {128}, "sigmoid", 10, "numpy", 1024);
    }

    /** The course's softmax regression: 784 -> 10 (no bias) -> ReLU, numpy init with seed 1024. */
    public static ModelSpec courseSoftmax() {
        return new ModelSpec("softmax", 784, new int[0], "relu", 10, "numpy", 1024);
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    public ModelSpec withType(String t) {
        return new ModelSpec(t, inputSize, hidden, activation, classes, init, seed);
    }

    public ModelSpec withHidden(int... h) {
        return new ModelSpec(type, inputSize, h, activation, classes, init, seed);
    }

    public ModelSpec withActivation(String a) {
        return new ModelSpec(type, inputSize, hidden, a, classes, init, seed);
    }

    public ModelSpec withInit(String i, long s) {
        return new ModelSpec(type, inputSize, hidden, activation, classes, i, s);
    }

    /** A short description: {@code twolayer 784-128-10 sigmoid}. */
    public String summary() {
        StringBuilder sb = new StringBuilder(type).append(' ').append(inputSize);
        for (int h : hidden) sb.append('-').append(h);
        sb.append('-').append(classes);
        if (!"softmax".equals(type) && activation != null) sb.append(' ').append(activation);
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && Objects.equals(type, m.type) && inputSize == m.inputSize
                && Arrays.equals(hidden, m.hidden) && Objects.equals(activation, m.activation) && classes == m.classes
                && Objects.equals(init, m.init) && seed == m.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, inputSize, Arrays.hashCode(hidden), activation, classes, init, seed);
    }

    @Override
    public String toString() {
        return "ModelSpec[type=" + type + ", inputSize=" + inputSize + ", hidden=" + Arrays.toString(hidden)
                + ", activation=" + activation + ", classes=" + classes + ", init=" + init + ", seed=" + seed + "]";
    }
}
