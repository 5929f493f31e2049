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
 * @param conv       the convolutional blocks of {@code cnn} (null: {@link Conv#DEFAULT}); other types ignore it
 */
public record ModelSpec(String type, int inputSize, int[] hidden, String activation, int classes, String init, long seed,
                        Conv conv) {

    /**
     * The shape of {@code cnn}: one block (conv kernel x kernel -> [BatchNorm2d] -> ReLU -> max pool 2) per entry of
     * {@code channels}, then a dense layer of {@code fc} units; dropout p = {@code dropout} (none when 0) before
     * each dense layer. See {@link Models#cnn}.
     */
    public record Conv(int[] channels, int kernel, int fc, double dropout, boolean batchNorm) {
        /** Two blocks of 32 and 64 channels, 3x3 kernels, 128 dense units, no dropout, no batch norm. */
        public static final Conv DEFAULT = new Conv(new int[] {32, 64}, 3, 128, 0, false);

        public Conv {
            channels = channels == null ? new int[0] : channels.clone();
        }

        @Override
        public int[] channels() {
            return channels.clone();
        }

        /** {@code c32-c64-fc128 3x3}, then {@code , batchnorm} and {@code , dropout 0.25} where they apply. */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            for (int c : channels) sb.append('c').append(c).append('-');
            sb.append("fc").append(fc).append(' ').append(kernel).append('x').append(kernel);
            if (batchNorm) sb.append(", batchnorm");
            if (dropout > 0) sb.append(", dropout ").append(dropout);
            return sb.toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Conv c && Arrays.equals(channels, c.channels) && kernel == c.kernel && fc == c.fc
                    && Double.compare(dropout, c.dropout) == 0 && batchNorm == c.batchNorm;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(channels), kernel, fc, dropout, batchNorm);
        }

        @Override
        public String toString() {
            return "Conv[channels=" + Arrays.toString(channels) + ", kernel=" + kernel + ", fc=" + fc + ", dropout="
                    + dropout + ", batchNorm=" + batchNorm + "]";
        }
    }

    public ModelSpec {
        hidden = hidden == null ? new int[0] : hidden.clone();
        if (conv == null) conv = Conv.DEFAULT;
    }

    /** A spec with {@link Conv#DEFAULT} blocks (they matter only to {@code cnn}). */
    public ModelSpec(String type, int inputSize, int[] hidden, String activation, int classes, String init, long seed) {
        this(type, inputSize, hidden, activation, classes, init, seed, null);
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
        return new ModelSpec(t, inputSize, hidden, activation, classes, init, seed, conv);
    }

    public ModelSpec withHidden(int... h) {
        return new ModelSpec(type, inputSize, h, activation, classes, init, seed, conv);
    }

    public ModelSpec withActivation(String a) {
        return new ModelSpec(type, inputSize, hidden, a, classes, init, seed, conv);
    }

    public ModelSpec withInit(String i, long s) {
        return new ModelSpec(type, inputSize, hidden, activation, classes, i, s, conv);
    }

    public ModelSpec withConv(Conv c) {
        return new ModelSpec(type, inputSize, hidden, activation, classes, init, seed, c);
    }

    /** A short description: {@code twolayer 784-128-10 sigmoid}, {@code cnn 784-c32-c64-fc128-10 3x3}. */
    public String summary() {
        if ("cnn".equals(type)) {
            String c = conv.summary();
            int space = c.indexOf(' ');
            return type + ' ' + inputSize + '-' + c.substring(0, space) + '-' + classes + c.substring(space);
        }
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
                && Objects.equals(init, m.init) && seed == m.seed && conv.equals(m.conv);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, inputSize, Arrays.hashCode(hidden), activation, classes, init, seed, conv);
    }

    @Override
    public String toString() {
        return "ModelSpec[type=" + type + ", inputSize=" + inputSize + ", hidden=" + Arrays.toString(hidden)
                + ", activation=" + activation + ", classes=" + classes + ", init=" + init + ", seed=" + seed + ", conv=" + conv + "]";
    }
}
