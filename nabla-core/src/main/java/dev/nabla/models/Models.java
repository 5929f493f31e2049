package dev.nabla.models;

import dev.nabla.InputException;
import dev.nabla.nn.BatchNorm2d;
import dev.nabla.nn.Conv2d;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.Init;
import dev.nabla.nn.LayerShapeException;
import dev.nabla.nn.Linear;
import dev.nabla.nn.MaxPool2d;
import dev.nabla.nn.Module;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sequential;
import dev.nabla.nn.Sigmoid;
import dev.nabla.nn.Tanh;
import dev.nabla.nn.ToImage;
import dev.nabla.nn.Window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Builds the models a {@link ModelSpec} names, from the library's modules. */
public final class Models {
    /** The model types {@link #build} accepts. */
    public static final String TYPES = "softmax, twolayer, mlp, lenet5, cnn";
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
            case "lenet5" -> {
                return lenet5(imageSide(spec), spec.classes(), spec.seed());
            }
            case "cnn" -> {
                ModelSpec.Conv c = spec.conv();
                return cnn(imageSide(spec), c.channels(), c.kernel(), c.fc(), c.dropout(), c.batchNorm(), spec.classes(), spec.seed());
            }
            default -> throw new InputException("model: unknown type '" + spec.type() + "' (expected one of: " + TYPES + ")");
        }
        return new Sequential(layers.toArray(Module[]::new));
    }

    /** The side of LeNet-5's last feature maps for side x side images (5 for 28 x 28); below 1 when too small. */
    static int lenet5FeatureSide(int side) {
        return ((side + 4 - 4) / 2 - 4) / 2;
    }

    /** The side of the square one-channel images a convolutional spec takes ([N, side^2] rows). */
    static int imageSide(ModelSpec spec) {
        int side = squareSide(spec.inputSize());
        if (side < 0) {
            throw new InputException("model " + spec.type() + ": input size " + spec.inputSize()
                    + " is not a square image (28 x 28 = 784 for MNIST)");
        }
        return side;
    }

    /** The side of a square of {@code n} pixels, or -1 when {@code n} is not a positive square. */
    static int squareSide(int n) {
        int side = (int) Math.round(Math.sqrt(Math.max(0, n)));
        return n > 0 && side * side == n ? side : -1;
    }

    /** {@link #lenet5(int, int, long)} for 28 x 28 images. */
    public static Sequential lenet5(int classes, long seed) {
        return lenet5(28, classes, seed);
    }

    /**
     * LeNet-5 for side x side one-channel images (rows of side^2 or [N, 1, side, side]): conv 5x5 6 (padding 2,
     * as the 32 x 32 inputs of LeCun et al. 1998) -> ReLU -> max pool 2 -> conv 5x5 16 -> ReLU -> max pool 2 ->
     * 120 -> ReLU -> 84 -> ReLU -> classes. 61,706 parameters for 28 x 28 and 10 classes. Weights drawn from
     * {@code new Random(seed)} (convolutions, PyTorch's uniform rule) and {@code Init.kaiming(seed)} (dense).
     */
    public static Sequential lenet5(int side, int classes, long seed) {
        Random rng = new Random(seed);
        Init dense = Init.kaiming(seed);
        List<Module> layers = new ArrayList<>(List.of(new ToImage(1, side, side),
                new Conv2d(1, 6, Window.square(5, 1, 2), 1, true, rng), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 16, Window.square(5, 1, 0), 1, true, rng), new ReLU(), new MaxPool2d(2)));
        requireFit("lenet5: does not fit " + side + "x" + side + " images (the smallest it takes is " + LENET5_MIN_SIDE
                + "x" + LENET5_MIN_SIDE + ")", layers, side);
        int s = lenet5FeatureSide(side);
        layers.addAll(List.of(new Flatten(), new Linear(16 * s * s, 120, true, dense), new ReLU(),
                new Linear(120, 84, true, dense), new ReLU(), new Linear(84, classes, true, dense)));
        return new Sequential(layers.toArray(Module[]::new));
    }

    /** The smallest side LeNet-5 takes: its last pooling needs 2x2 maps, i.e. 6x6 after the first pooling. */
    static final int LENET5_MIN_SIDE = 12;

    /**
     * Infers the output shape of {@code layers} for one side x side image; a layer whose window is larger than
     * what reaches it is refused in one line naming {@code what}, the layer's path and the shapes.
     */
    private static void requireFit(String what, List<Module> layers, int side) {
        try {
            new Sequential(layers.toArray(Module[]::new)).outputShape(1, side * side);
        } catch (LayerShapeException e) {
            throw new InputException("model " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * A small configurable CNN for side x side one-channel images: for each entry c of {@code channels}, conv
     * kernel x kernel c (padding kernel / 2, so the size is kept) -> [BatchNorm2d] -> ReLU -> max pool 2; then
     * flatten -> [dropout] -> fc -> ReLU -> [dropout] -> classes. Dropout (p = {@code dropout}, none when 0) is
     * seeded from {@code seed}.
     */
    public static Sequential cnn(int side, int[] channels, int kernel, int fc, double dropout, boolean batchNorm, int classes, long seed) {
        if (channels.length == 0 || kernel < 1 || kernel % 2 == 0 || fc < 1 || !(dropout >= 0 && dropout < 1)) {
            throw new InputException("model cnn: needs at least one channel count, an odd kernel, fc >= 1 and dropout in [0, 1), got channels "
                    + Arrays.toString(channels) + ", kernel " + kernel + ", fc " + fc + ", dropout " + dropout);
        }
        Random rng = new Random(seed);
        List<Module> layers = new ArrayList<>(List.of(new ToImage(1, side, side)));
        int in = 1, s = side;
        for (int c : channels) {
            if (c < 1) throw new InputException("model cnn: channel counts must be >= 1, got " + Arrays.toString(channels));
            layers.add(new Conv2d(in, c, Window.square(kernel, 1, kernel / 2), 1, !batchNorm, rng));
            if (batchNorm) layers.add(new BatchNorm2d(c));
            layers.add(new ReLU());
            layers.add(new MaxPool2d(2));
            in = c;
            s /= 2;
        }
        requireFit("cnn: " + channels.length + " conv blocks do not fit " + side + "x" + side + " images", layers, side);
        Init dense = Init.kaiming(seed);
        layers.add(new Flatten());
        if (dropout > 0) layers.add(new Dropout(dropout, seed + 1));
        layers.add(new Linear(in * s * s, fc, true, dense));
        layers.add(new ReLU());
        if (dropout > 0) layers.add(new Dropout(dropout, seed + 2));
        layers.add(new Linear(fc, classes, true, dense));
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
