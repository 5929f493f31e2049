package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A piece of a network: a forward function over {@link Tensor}s plus the {@link Parameter}s it owns.
 * Gradients come from autograd: whatever {@link #forward} computes from the parameters' tensors is recorded,
 * so {@code loss.backward()} fills each parameter's gradient.
 *
 * <p>{@link #toString()} shows the configuration ({@code Linear(in=784, out=128, bias=true)});
 * {@link #outputShape} infers shapes without data, so {@link #describe} can check a model before training.
 */
public abstract class Module {

    /** Computes the output for a batch {@code x}; records the graph when gradients are enabled. */
    public abstract Tensor forward(Tensor x);

    /** The parameters, in registration order (for a model: W1, b1, W2, b2, ...). */
    public List<Parameter> parameters() {
        return List.of();
    }

    /**
     * The shape of the output for an input of shape {@code inputShape}, computed without data. The default is
     * the input shape (elementwise modules).
     *
     * @throws InputException when this module cannot take such an input; the message says what does not match
     */
    public int[] outputShape(int... inputShape) {
        return inputShape.clone();
    }

    /** The number of trainable values. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.numel();
        return n;
    }

    /** Clears the gradients of all parameters. */
    public void zeroGrad() {
        for (Parameter p : parameters()) p.tensor().zeroGrad();
    }

    /**
     * Converts every parameter to {@code dtype} (float64 for a gradient check) and returns this module. The
     * parameters get new tensors; gradients are dropped.
     */
    public Module to(DType dtype) {
        for (Parameter p : parameters()) {
            if (p.value().dtype() != dtype) p.bind(Tensor.variable(p.value().to(dtype)).named(p.name()));
        }
        return this;
    }

    /** A copy of every parameter's value by name, in registration order (checkpoints, best-model snapshots). */
    public Map<String, NDArray> weights() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Parameter p : parameters()) out.put(p.name(), p.value().copy());
        return out;
    }

    /**
     * Copies {@code weights} into the parameters, in place (values are converted to each parameter's type).
     * Every parameter must be present with its shape, and no other name may appear.
     *
     * @throws InputException naming the missing, unexpected or mis-shaped entry
     */
    public void loadWeights(Map<String, NDArray> weights) {
        List<String> names = new ArrayList<>();
        for (Parameter p : parameters()) {
            names.add(p.name());
            NDArray src = weights.get(p.name());
            if (src == null) {
                throw new InputException("weights: parameter " + p.name() + " is missing (found " + weights.keySet() + ")");
            }
            if (!Arrays.equals(src.shape(), p.shape())) {
                throw new InputException("weights: " + p.name() + " has shape " + Shape.str(src.shape())
                        + ", the model expects " + Shape.str(p.shape()));
            }
        }
        for (String k : weights.keySet()) {
            if (!names.contains(k)) throw new InputException("weights: unexpected entry " + k + " (the model has " + names + ")");
        }
        for (Parameter p : parameters()) p.value().assign(weights.get(p.name()));
    }

    /**
     * A table of the layers with their input and output shapes and parameter counts, for an input of shape
     * {@code inputShape} (e.g. {@code describe(64, 784)}); returned as text, ready to print.
     *
     * @throws InputException when a layer cannot take the shape that reaches it (the message names the layer)
     */
    public String describe(int... inputShape) {
        List<Module> layers = layers();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"layer", "module", "input", "output", "params"});
        int[] shape = inputShape.clone();
        long total = 0;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            int[] out = checkedOutputShape(m, i, shape);
            rows.add(new String[] {String.valueOf(i), m.toString(), Shape.str(shape), Shape.str(out), String.valueOf(m.parameterCount())});
            total += m.parameterCount();
            shape = out;
        }
        int[] width = new int[5];
        for (String[] r : rows) for (int c = 0; c < 5; c++) width[c] = Math.max(width[c], r[c].length());
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int c = 0; c < 5; c++) {
                boolean right = c == 4;
                String cell = right ? " ".repeat(width[c] - r[c].length()) + r[c] : r[c] + " ".repeat(width[c] - r[c].length());
                sb.append(cell).append(c < 4 ? "  " : "\n");
            }
        }
        sb.append("total parameters: ").append(total).append('\n');
        return sb.toString();
    }

    /** The rows {@link #describe} shows: this module alone, or a container's layers. */
    List<Module> layers() {
        return List.of(this);
    }

    /** {@code m.outputShape(shape)}, with the layer and its index prefixed to any error. */
    static int[] checkedOutputShape(Module m, int index, int[] shape) {
        try {
            return m.outputShape(shape);
        } catch (InputException e) {
            throw new InputException(m + " at layer " + index + ": " + e.getMessage(), e);
        }
    }
}
