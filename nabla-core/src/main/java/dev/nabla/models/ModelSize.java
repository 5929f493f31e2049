package dev.nabla.models;

import dev.nabla.InputException;
import dev.nabla.io.MemoryBudget;
import dev.nabla.io.NamedArray;
import dev.nabla.tensor.NDArray;

import java.util.Locale;
import java.util.Map;

/**
 * What a {@link ModelSpec} costs before it is built: its parameter count (with overflow checks) and whether the
 * heap can hold it, and whether a model file's tensors are the ones its spec describes. A spec asking for a
 * layer of two million units is refused here in a millisecond instead of being built and initialised for
 * minutes.
 */
public final class ModelSize {

    private ModelSize() {
    }

    /**
     * The number of parameters {@link Models#build} would create for {@code spec}: each Linear layer's weights
     * and biases (the softmax model's one layer has no bias), and for {@code lenet5} and {@code cnn} each
     * convolution's kernels and biases too (with batch norm, the norm's weights, biases and running statistics
     * in place of the convolution's bias). Sizes that {@code build} refuses count as 0 here, so that
     * {@code build} reports them.
     *
     * @throws InputException when the count overflows 64 bits
     */
    public static long parameters(ModelSpec spec) {
        String type = spec.type() == null ? "" : spec.type().trim().toLowerCase(Locale.ROOT);
        String what = "model " + describe(spec);
        long in = Math.max(0, spec.inputSize());
        long classes = Math.max(0, spec.classes());
        return switch (type) {
            case "softmax" -> MemoryBudget.product(what, in, classes);
            case "twolayer", "mlp" -> {
                int[] hidden = spec.hidden();
                long[] sizes = new long[hidden.length + 1];
                for (int i = 0; i < hidden.length; i++) sizes[i] = Math.max(0, hidden[i]);
                sizes[hidden.length] = classes;
                yield dense(what, 0, in, sizes);
            }
            case "lenet5" -> {
                int side = Models.squareSide(spec.inputSize()), s = side < 0 ? 0 : Models.lenet5FeatureSide(side);
                if (s < 1) yield 0;
                long convs = conv(what, 1, 6, 5) + conv(what, 6, 16, 5);
                yield dense(what, convs, MemoryBudget.product(what, 16, s, s), 120, 84, classes);
            }
            case "cnn" -> {
                ModelSpec.Conv c = spec.conv();
                int s = Models.squareSide(spec.inputSize()), k = c.kernel();
                if (k < 1) yield 0;
                long total = 0, channels = 1;
                for (int ch : c.channels()) {
                    if (ch < 1 || s < 2) yield 0;
                    // without batch norm each convolution has a bias; with it, the norm's weight, bias and running
                    // mean and variance (the file holds its buffers too) replace that bias
                    long perChannel = c.batchNorm() ? MemoryBudget.product(what, ch, 4) : ch;
                    total = MemoryBudget.sum(what, total,
                            MemoryBudget.sum(what, MemoryBudget.product(what, ch, channels, k, k), perChannel));
                    channels = ch;
                    s /= 2;
                }
                yield dense(what, total, MemoryBudget.product(what, channels, s, s), c.fc(), classes);
            }
            default -> 0;
        };
    }

    /** A convolution's kernels [out, in, k, k] and biases [out]. */
    private static long conv(String what, long in, long out, int kernel) {
        return MemoryBudget.sum(what, MemoryBudget.product(what, out, in, kernel, kernel), out);
    }

    /** {@code total} plus the dense layers (with biases) from {@code in} features through {@code sizes}. */
    private static long dense(String what, long total, long in, long... sizes) {
        for (long to : sizes) {
            total = MemoryBudget.sum(what, total, MemoryBudget.product(what, MemoryBudget.sum(what, in, 1), to));
            in = to;
        }
        return total;
    }

    /**
     * Refuses a spec whose float32 weights, and as much again for their gradients (or the activations of
     * evaluation), do not fit the heap.
     *
     * @throws InputException saying what the spec declares, what it needs and what is available
     */
    public static void requireMemory(ModelSpec spec) {
        long n = parameters(spec);
        MemoryBudget.require("model " + describe(spec) + ": " + n + " parameters as float32 weights and their"
                + " gradients", MemoryBudget.product("model " + describe(spec), n, 8));
    }

    /**
     * Checks a model file's tensors against the spec in its metadata before the model is built: the parameter
     * counts must agree, the model must fit the heap, and every weight must be finite.
     *
     * @param file    named in messages
     * @throws InputException naming the file and what disagrees
     */
    public static void checkFile(Object file, ModelSpec spec, Map<String, NDArray> tensors) {
        long inFile = 0;
        for (NDArray a : tensors.values()) inFile += a.numel();
        long declared = parameters(spec);
        if (declared != inFile && declared > 0) {
            throw new InputException(file + ": its metadata describes model " + describe(spec) + " with " + declared
                    + " parameters, but the file holds " + inFile + " weights in " + tensors.size() + " tensors");
        }
        requireMemory(spec);
        requireFinite(file, tensors);
    }

    /** Every weight of a model file must be finite: a NaN or infinity names the tensor and its index. */
    public static void requireFinite(Object file, Map<String, NDArray> tensors) {
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            for (int i = 0, n = a.numel(); i < n; i++) {
                double v = a.getFlat(i);
                if (!Double.isFinite(v)) {
                    throw new InputException(file + ": weight " + e.getKey() + NamedArray.index(a.shape(), i) + " is "
                            + v + "; a model's weights must be finite (was it saved from a diverged run?)");
                }
            }
        }
    }

    private static String describe(ModelSpec spec) {
        if ("cnn".equals(spec.type())) return spec.summary();
        StringBuilder sb = new StringBuilder(String.valueOf(spec.type())).append(' ').append(spec.inputSize());
        for (int h : spec.hidden()) sb.append('-').append(h);
        return sb.append('-').append(spec.classes()).toString();
    }
}
