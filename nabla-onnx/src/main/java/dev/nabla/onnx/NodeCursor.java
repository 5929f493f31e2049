package dev.nabla.onnx;

import dev.nabla.InputException;
import dev.nabla.nn.Linear;
import dev.nabla.onnx.OnnxGraph.Attribute;
import dev.nabla.onnx.OnnxGraph.Initializer;
import dev.nabla.onnx.OnnxGraph.Node;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.List;
import java.util.Map;

/**
 * The import's position in a chain of nodes, with what an {@link OnnxLayers} entry needs: the node, its
 * attributes, its weights (initializers, checked for rank and shape) and errors that name the file and node.
 * The weights of the module being built are recorded under its layer index ({@code 0.weight}), the names of
 * the {@code Sequential} the import returns.
 */
final class NodeCursor {
    private final String source;
    private final List<Node> nodes;
    private final Map<String, Initializer> initializers;
    private final Map<String, NDArray> state;
    private final long opset;
    private int index;
    private int layer;
    private int rank;
    private int[] pendingPads;
    private boolean pendingCircular;

    NodeCursor(String source, List<Node> nodes, Map<String, Initializer> initializers, Map<String, NDArray> state, long opset) {
        this.source = source;
        this.nodes = nodes;
        this.initializers = initializers;
        this.state = state;
        this.opset = opset;
    }

    /** The file's name, which starts every error. */
    String source() {
        return source;
    }

    boolean done() {
        return index >= nodes.size();
    }

    Node node() {
        return nodes.get(index);
    }

    /** The node after the current one, or null. */
    Node peekNext() {
        return index + 1 < nodes.size() ? nodes.get(index + 1) : null;
    }

    /** Moves to the next node. */
    void advance() {
        index++;
    }

    /** Starts the module of layer {@code layer} (its index in the imported Sequential). */
    void startLayer(int layer) {
        this.layer = layer;
    }

    long opset() {
        return opset;
    }

    /** The rank of the value the current node reads: 2 for [N, features], 4 for [N, C, H, W]. */
    int rank() {
        return rank;
    }

    void setRank(int rank) {
        this.rank = rank;
    }

    /**
     * Hands the padding of a Pad node ([top, left]) to the windowed node after it, which folds it in;
     * {@code circular} for Pad's mode 'wrap'.
     */
    void padNext(int[] pads, boolean circular) {
        pendingPads = pads;
        pendingCircular = circular;
    }

    /** The padding a Pad node before this one handed over, or null; taking it clears it. */
    int[] takePads() {
        int[] p = pendingPads;
        pendingPads = null;
        return p;
    }

    /** Whether the padding {@link #takePads} returned wraps around (Pad mode 'wrap'). */
    boolean padsCircular() {
        return pendingCircular;
    }
    /** An error about the current node: {@code model.onnx: node '/0/Gemm' (Gemm): message}. */
    InputException error(String message) {
        Node n = node();
        return new InputException(source + ": node " + n.label(index) + " (" + n.opType() + "): " + message);
    }

    private Attribute attr(String name) {
        for (Attribute a : node().attributes()) if (a.name().equals(name)) return a;
        return null;
    }

    double intAttr(String name, long fallback) {
        Attribute a = attr(name);
        if (a == null) return fallback;
        if (a.type() != OnnxGraph.ATTR_INT) throw error("attribute '" + name + "' must be an int, got " + a.valueText());
        return a.i();
    }

    double floatAttr(String name, float fallback) {
        Attribute a = attr(name);
        if (a == null) return fallback;
        if (a.type() != OnnxGraph.ATTR_FLOAT) throw error("attribute '" + name + "' must be a float, got " + a.valueText());
        return a.f();
    }

    /** A list-of-ints attribute, or {@code fallback} when absent. */
    long[] intsAttr(String name, long[] fallback) {
        Attribute a = attr(name);
        if (a == null) return fallback;
        if (a.type() != OnnxGraph.ATTR_INTS) throw error("attribute '" + name + "' must be a list of ints, got " + a.valueText());
        return a.ints();
    }

    /** A string attribute, or {@code fallback} when absent. */
    String stringAttr(String name, String fallback) {
        Attribute a = attr(name);
        if (a == null) return fallback;
        if (a.type() != OnnxGraph.ATTR_STRING) throw error("attribute '" + name + "' must be a string, got " + a.valueText());
        return a.s();
    }

    /** Refuses attribute {@code name} unless it is absent or equals {@code value} ({@code supported} says so). */
    void requireAttr(String name, double value, String supported) {
        Attribute a = attr(name);
        if (a == null) return;
        double v = a.type() == OnnxGraph.ATTR_FLOAT ? a.f() : a.type() == OnnxGraph.ATTR_INT ? a.i() : Double.NaN;
        if (v != value) throw error("attribute " + name + "=" + a.valueText() + " is not supported; supported: " + supported);
    }

    boolean isInitializer(String name) {
        return initializers.containsKey(name);
    }

    NDArray namedWeight(String name) {
        Initializer w = initializers.get(name);
        if (w == null || w.value() == null) throw error("input '" + name + "' must be a float weight stored in the file (an initializer)");
        return w.value();
    }

    /** The node's input {@code i}, an int64 constant stored in the file (a shape, pads). */
    long[] longs(int i) {
        List<String> in = node().inputs();
        if (in.size() <= i || in.get(i).isEmpty()) throw error("input " + i + " is missing");
        Initializer c = initializers.get(in.get(i));
        if (c == null || c.longs() == null) {
            throw error("input '" + in.get(i) + "' must be an int64 constant stored in the file (an initializer)");
        }
        return c.longs();
    }

    /** Records {@code value} as the parameter or buffer {@code name} of the module being built. */
    void record(String name, NDArray value) {
        state.put(layer + "." + name, value);
    }

    /** The node's input {@code i}, an initializer of rank {@code rank}. */
    NDArray weight(int i, int rank) {
        List<String> in = node().inputs();
        if (in.size() <= i || in.get(i).isEmpty()) throw error("input " + i + " (the weight) is missing");
        NDArray w = namedWeight(in.get(i));
        if (w.shape().length != rank) {
            throw error("weight '" + in.get(i) + "' has shape " + Shape.str(w.shape()) + ", expected rank " + rank);
        }
        return w;
    }

    /** The node's input {@code i} when present (an initializer), else null. */
    NDArray optionalWeight(int i) {
        List<String> in = node().inputs();
        return in.size() <= i || in.get(i).isEmpty() ? null : namedWeight(in.get(i));
    }

    /** A Linear of weight w [out, in] and bias [out] (or [1, out], or null), recorded as this layer's state. */
    Linear linear(NDArray w, NDArray bias) {
        int out = w.shape()[0], in = w.shape()[1];
        if (in == 0 || out == 0) throw error("weight of shape " + Shape.str(w.shape()) + " is empty");
        if (bias != null) {
            if (bias.numel() != out || bias.shape()[bias.shape().length - 1] != out) {
                throw error("bias of shape " + Shape.str(bias.shape()) + " does not match " + out + " outputs");
            }
            bias = bias.reshape(out);
        }
        Linear l = new Linear(in, out, bias != null);
        record("weight", w);
        if (bias != null) record("bias", bias);
        return l;
    }
}
