package dev.nabla.onnx;

import dev.nabla.tensor.NDArray;

import java.util.List;
import java.util.Map;

/**
 * The part of the ONNX model format nabla writes and reads, as plain records: a model holds one graph of nodes
 * in topological order, its weights as named initializers, and its named inputs and outputs.
 * {@link OnnxCodec} turns these records into protobuf bytes and back.
 */
final class OnnxGraph {

    /** ONNX {@code TensorProto.DataType} values nabla reads and writes. */
    static final int FLOAT = 1, INT64 = 7, DOUBLE = 11;

    /** ONNX {@code AttributeProto.AttributeType} values nabla reads and writes. */
    static final int ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_STRING = 3, ATTR_FLOATS = 6, ATTR_INTS = 7;

    private OnnxGraph() {
    }

    /** A whole file: IR version, the default domain's opset, producer, description and metadata, the graph. */
    record Model(long irVersion, long opset, String producer, String producerVersion, String docString,
                 Map<String, String> metadata, Graph graph) {
    }

    /** A graph: nodes in topological order, weights, inputs and outputs. */
    record Graph(String name, List<Node> nodes, List<Initializer> initializers, List<ValueInfo> inputs,
                 List<ValueInfo> outputs) {
    }

    /** One operator application; an empty input name is an omitted optional input. */
    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                List<Attribute> attributes) {

        /** How errors name the node: its name, or its op and position when it has none. */
        String label(int index) {
            return name.isEmpty() ? "#" + index + " (" + opType + ")" : "'" + name + "'";
        }
    }

    /**
     * A node attribute: one of a float, an int, a string, a list of floats, a list of ints or (read only, the
     * value of a Constant node) a tensor, as {@code type} says.
     */
    record Attribute(String name, int type, float f, long i, String s, float[] floats, long[] ints, Initializer tensor) {

        Attribute(String name, int type, float f, long i, String s, float[] floats, long[] ints) {
            this(name, type, f, i, s, floats, ints, null);
        }

        static Attribute of(String name, float f) {
            return new Attribute(name, ATTR_FLOAT, f, 0, "", new float[0], new long[0]);
        }

        static Attribute of(String name, long i) {
            return new Attribute(name, ATTR_INT, 0, i, "", new float[0], new long[0]);
        }

        static Attribute of(String name, String s) {
            return new Attribute(name, ATTR_STRING, 0, 0, s, new float[0], new long[0]);
        }

        static Attribute of(String name, long... ints) {
            return new Attribute(name, ATTR_INTS, 0, 0, "", new float[0], ints.clone());
        }

        /** The value as text, for error messages. */
        String valueText() {
            return switch (type) {
                case ATTR_FLOAT -> Float.toString(f);
                case ATTR_INT -> Long.toString(i);
                case ATTR_STRING -> "'" + s + "'";
                case ATTR_FLOATS -> java.util.Arrays.toString(floats);
                case ATTR_INTS -> java.util.Arrays.toString(ints);
                default -> "(attribute type " + type + ")";
            };
        }
    }

    /**
     * A named constant: a weight ({@code value}, float32 or float64, of the declared dims; {@code longs} null) or
     * a list of int64 (a shape or pads: {@code longs} of rank 0 or 1, {@code value} null).
     */
    record Initializer(String name, NDArray value, long[] longs) {

        Initializer(String name, NDArray value) {
            this(name, value, null);
        }

        static Initializer ofLongs(String name, long... longs) {
            return new Initializer(name, null, longs.clone());
        }
    }

    /**
     * A named graph input or output: element type and dims; a dim is a size or, when {@code size < 0}, the
     * symbolic name in {@code param} (the batch dimension).
     */
    record ValueInfo(String name, int elemType, List<Dim> dims) {
    }

    /** One dimension of a {@link ValueInfo}: a fixed size, or a named dynamic one (size -1). */
    record Dim(long size, String param) {
    }
}
