package dev.nabla.onnx;

import dev.nabla.onnx.OnnxGraph.Attribute;
import dev.nabla.onnx.OnnxGraph.Initializer;
import dev.nabla.onnx.OnnxGraph.Node;
import dev.nabla.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the nodes and initializers of an export while the module tree is walked: initializers take the
 * module's state-dict names ({@code 0.weight}), nodes take the module's path ({@code /0/Gemm}).
 */
final class GraphWriter {
    final List<Node> nodes = new ArrayList<>();
    final List<Initializer> initializers = new ArrayList<>();
    private String path = "";
    private int opset = Onnx.OPSET;

    /** The opset the file needs: {@link Onnx#OPSET}, or newer when a layer needs a newer op. */
    int opset() {
        return opset;
    }

    /** Records that the nodes being written need opset {@code version} or newer. */
    void requireOpset(int version) {
        opset = Math.max(opset, version);
    }

    /** The dotted path of the module being written ({@code 0}, {@code encoder.1}). */
    String path() {
        return path;
    }

    /** Runs {@code body} with the path extended by {@code child}. */
    String within(String child, java.util.function.Supplier<String> body) {
        String saved = path;
        path = path.isEmpty() ? child : path + "." + child;
        try {
            return body.get();
        } finally {
            path = saved;
        }
    }

    /** Adds the current module's parameter {@code name} as an initializer; returns its value name. */
    String initializer(String name, NDArray value) {
        String full = path.isEmpty() ? name : path + "." + name;
        initializers.add(new Initializer(full, value));
        return full;
    }

    /** Adds the int64 constant {@code name} of the current module (a shape, pads); returns its value name. */
    String longs(String name, long... values) {
        String full = path.isEmpty() ? name : path + "." + name;
        initializers.add(Initializer.ofLongs(full, values));
        return full;
    }

    /** Adds a node of {@code op} with one output; returns the output's value name. */
    String node(String op, List<String> inputs, List<Attribute> attributes) {
        String name = "/" + path.replace('.', '/') + (path.isEmpty() ? "" : "/") + op;
        String out = name + "_output_0";
        nodes.add(new Node(name, op, "", List.copyOf(inputs), List.of(out), List.copyOf(attributes)));
        return out;
    }

    /** Renames the value {@code from} (the last node's output) to {@code to}, the graph's output name. */
    void renameOutput(String from, String to) {
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.outputs().contains(from)) {
                nodes.set(i, new Node(n.name(), n.opType(), n.domain(), n.inputs(), List.of(to), n.attributes()));
            }
        }
    }
}
