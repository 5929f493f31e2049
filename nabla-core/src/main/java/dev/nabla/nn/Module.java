package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A piece of a network: a forward function over {@link Tensor}s, plus the {@link Parameter}s, buffers and child
 * modules it registers under names. Gradients come from autograd: whatever {@link #forward} computes from the
 * parameters' tensors is recorded, so {@code loss.backward()} fills each parameter's gradient.
 *
 * <p>A module registers what it owns explicitly, in its constructor:
 * <pre>{@code
 * final class Net extends Module {
 *     private final Linear fc1 = register("fc1", new Linear(784, 128));
 *     private final Linear fc2 = register("fc2", new Linear(128, 10));
 *
 *     public Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x).relu()); }
 * }
 * }</pre>
 * Explicit registration rather than reflection over fields (PyTorch's {@code __setattr__} has no Java twin):
 * it works with {@code final} and private fields in any module system (reflection into a user's named module
 * needs it to be opened), the order of the calls is the order of the names (so state dicts are stable), and
 * lists of layers get names too ({@link Sequential} registers {@code 0}, {@code 1}, ...).
 *
 * <p>Names join with dots from the root: {@code fc1.weight}, {@code features.0.bias}. They are unique by
 * construction: a module refuses a second registration under one name and names containing a dot.
 *
 * <p>{@link #stateDict()} holds parameters and buffers (non-trainable state, e.g. running means) by name;
 * {@link #train()} and {@link #eval()} set the mode of the whole tree. {@link #toString()} shows the
 * configuration ({@code Linear(in=784, out=128, bias=true)}); {@link #outputShape} infers shapes without data,
 * so {@link #describe} can check a model before training.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Computes the output for a batch {@code x}; records the graph when gradients are enabled. */
    public abstract Tensor forward(Tensor x);

    // ------------------------------------------------------------------ registration

    /**
     * Registers {@code child} as a submodule called {@code name} and returns it (so a field can be initialised
     * in one line).
     *
     * @throws IllegalArgumentException for an empty or dotted name, or a name already taken in this module
     */
    protected final <M extends Module> M register(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    /** Registers {@code p} as this module's parameter called {@code name} and returns it. */
    protected final Parameter registerParameter(String name, Parameter p) {
        checkName(name);
        p.tensor().named(name);
        parameters.put(name, p);
        return p;
    }

    /**
     * Registers {@code value} as a buffer called {@code name}: state that is saved and loaded with the
     * parameters but not trained (e.g. a running mean). The module keeps and updates this array in place.
     */
    protected final NDArray registerBuffer(String name, NDArray value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name
                    + "' (names are non-empty and have no dots; the dots join names of nested modules)");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the name '" + name + "' is already registered");
        }
    }

    // ------------------------------------------------------------------ the tree

    /** The direct children, by name, in registration order. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** This module ({@code ""}) and every descendant by dotted name, depth first in registration order. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> out.put(prefix, m));
        return out;
    }

    /** Every parameter of the tree by dotted name ({@code fc1.weight}), depth first in registration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> m.parameters.forEach((k, p) -> out.put(join(prefix, k), p)));
        return out;
    }

    /** Every buffer of the tree by dotted name, depth first in registration order (the arrays themselves). */
    public final Map<String, NDArray> namedBuffers() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> m.buffers.forEach((k, b) -> out.put(join(prefix, k), b)));
        return out;
    }

    /** The parameters of the tree, in the order of {@link #namedParameters()}. */
    public final List<Parameter> parameters() {
        return List.copyOf(namedParameters().values());
    }

    private interface Visitor {
        void visit(String prefix, Module m);
    }

    private void walk(String prefix, Visitor v) {
        v.visit(prefix, this);
        children.forEach((k, c) -> c.walk(join(prefix, k), v));
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ------------------------------------------------------------------ modes

    /** Sets training mode on this module and every descendant; returns this module. */
    public final Module train() {
        return train(true);
    }

    /** Sets evaluation mode on this module and every descendant (the opposite of {@link #train()}). */
    public final Module eval() {
        return train(false);
    }

    /** Sets the mode of the whole tree: {@code true} for training, {@code false} for evaluation. */
    public final Module train(boolean on) {
        walk("", (prefix, m) -> m.training = on);
        return this;
    }

    /** Whether this module is in training mode (the default). */
    public final boolean isTraining() {
        return training;
    }

    // ------------------------------------------------------------------ state

    /**
     * Copies of every parameter and buffer by dotted name: parameters first, then buffers, each in the order of
     * {@link #namedParameters()} / {@link #namedBuffers()}. The arrays keep the module's dtype.
     */
    public final Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> out.put(k, p.value().copy()));
        namedBuffers().forEach((k, b) -> out.put(k, b.copy()));
        return out;
    }

    /** What {@link #loadStateDict} left alone when it was not strict. */
    public record LoadResult(List<String> missing, List<String> unexpected) {
    }

    /**
     * Copies {@code state} into the parameters and buffers, in place; values are converted to each array's
     * dtype. Strict: every name must be present and no other may appear. Not strict: missing and unexpected names
     * are returned instead. Shapes must match either way. Nothing is changed when an error is thrown.
     *
     * @throws InputException listing the missing and unexpected names and every shape mismatch
     */
    public final LoadResult loadStateDict(Map<String, NDArray> state, boolean strict) {
        Map<String, NDArray> targets = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> targets.put(k, p.value()));
        targets.putAll(namedBuffers());
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        targets.forEach((k, t) -> {
            NDArray src = state.get(k);
            if (src == null) missing.add(k);
            else if (!Arrays.equals(src.shape(), t.shape())) {
                mismatched.add(k + " has shape " + Shape.str(src.shape()) + ", the model expects " + Shape.str(t.shape()));
            }
        });
        for (String k : state.keySet()) if (!targets.containsKey(k)) unexpected.add(k);
        if (!mismatched.isEmpty() || (strict && !(missing.isEmpty() && unexpected.isEmpty()))) {
            List<String> parts = new ArrayList<>();
            if (strict && !missing.isEmpty()) parts.add("missing " + missing);
            if (strict && !unexpected.isEmpty()) parts.add("unexpected " + unexpected);
            parts.addAll(mismatched);
            throw new InputException("state dict does not fit " + getClass().getSimpleName() + ": " + String.join("; ", parts)
                    + " (the model has " + targets.keySet() + ")");
        }
        targets.forEach((k, t) -> {
            NDArray src = state.get(k);
            if (src != null) t.assign(src);
        });
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /** {@link #stateDict()}; kept for callers written before state dicts. */
    public final Map<String, NDArray> weights() {
        return stateDict();
    }

    /** {@code loadStateDict(weights, true)}; kept for callers written before state dicts. */
    public final void loadWeights(Map<String, NDArray> weights) {
        loadStateDict(weights, true);
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
     * Converts every parameter and buffer of the tree to {@code dtype} (float64 for a gradient check) and returns
     * this module. Parameters get new tensors; gradients are dropped.
     */
    public Module to(DType dtype) {
        walk("", (prefix, m) -> {
            m.parameters.forEach((k, p) -> {
                if (p.value().dtype() != dtype) p.bind(Tensor.variable(p.value().to(dtype)).named(k));
            });
            m.buffers.replaceAll((k, b) -> b.dtype() == dtype ? b : b.to(dtype).copy());
        });
        return this;
    }

    /** The dtype of the first parameter (float32 for a module without parameters). */
    public DType dtype() {
        List<Parameter> ps = parameters();
        return ps.isEmpty() ? DType.F32 : ps.get(0).value().dtype();
    }

    // ------------------------------------------------------------------ shapes

    /**
     * The shape of the output for an input of shape {@code inputShape}, computed without data. The default is
     * the input shape (elementwise modules).
     *
     * @throws InputException when this module cannot take such an input; the message says what does not match
     */
    public int[] outputShape(int... inputShape) {
        return inputShape.clone();
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
            int[] out = checkedOutputShape(this, m, shape);
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

    /**
     * {@code m.outputShape(shape)} for {@code m} in {@code root}'s tree; an error becomes a
     * {@link LayerShapeException} naming m's path from {@code root}.
     */
    static int[] checkedOutputShape(Module root, Module m, int[] shape) {
        try {
            return m.outputShape(shape);
        } catch (LayerShapeException e) {
            throw e.under(root);
        } catch (InputException e) {
            throw LayerShapeException.of(root, m, e.getMessage(), e);
        }
    }

    /**
     * A one-line name for messages, e.g. {@code Linear in=784, out=128, bias=true}: {@link #toString()} without
     * its parentheses, or the class name for a multi-line one.
     */
    public String label() {
        String s = toString();
        if (s.contains("\n")) return getClass().getSimpleName();
        int open = s.indexOf('(');
        return open > 0 && s.endsWith(")") ? s.substring(0, open) + (open + 1 < s.length() - 1 ? " " + s.substring(open + 1, s.length() - 1) : "") : s;
    }
}
