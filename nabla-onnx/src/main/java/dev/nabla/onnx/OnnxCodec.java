package dev.nabla.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import dev.nabla.InputException;
import dev.nabla.io.MemoryBudget;
import dev.nabla.onnx.OnnxGraph.Attribute;
import dev.nabla.onnx.OnnxGraph.Dim;
import dev.nabla.onnx.OnnxGraph.Graph;
import dev.nabla.onnx.OnnxGraph.Initializer;
import dev.nabla.onnx.OnnxGraph.Model;
import dev.nabla.onnx.OnnxGraph.Node;
import dev.nabla.onnx.OnnxGraph.ValueInfo;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link OnnxGraph} records to and from the ONNX protobuf encoding. The field numbers below are those of the
 * ONNX specification's messages (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto, StringStringEntryProto); fields nabla does not
 * use are skipped when reading.
 *
 * <p>Reading trusts nothing: every length is checked against the bytes left (protobuf's own check), every
 * tensor's dims are multiplied with overflow checks and must match the data the file holds, and nothing is
 * allocated that the file does not itself contain.
 */
final class OnnxCodec {

    // ModelProto
    private static final int MODEL_IR_VERSION = 1, MODEL_PRODUCER_NAME = 2, MODEL_PRODUCER_VERSION = 3,
            MODEL_DOC_STRING = 6, MODEL_GRAPH = 7, MODEL_OPSET_IMPORT = 8, MODEL_METADATA_PROPS = 14;
    // OperatorSetIdProto and StringStringEntryProto
    private static final int OPSET_DOMAIN = 1, OPSET_VERSION = 2, ENTRY_KEY = 1, ENTRY_VALUE = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1, GRAPH_NAME = 2, GRAPH_INITIALIZER = 5, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP_TYPE = 4, NODE_ATTRIBUTE = 5,
            NODE_DOMAIN = 7;
    // AttributeProto
    private static final int ATTR_NAME = 1, ATTR_F = 2, ATTR_I = 3, ATTR_S = 4, ATTR_T = 5, ATTR_FLOATS = 7, ATTR_INTS = 8,
            ATTR_TYPE = 20;
    // TensorProto
    private static final int TENSOR_DIMS = 1, TENSOR_DATA_TYPE = 2, TENSOR_FLOAT_DATA = 4, TENSOR_INT64_DATA = 7, TENSOR_NAME = 8,
            TENSOR_RAW_DATA = 9, TENSOR_DOUBLE_DATA = 10, TENSOR_DATA_LOCATION = 14;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private static final int VALUE_NAME = 1, VALUE_TYPE = 2, TYPE_TENSOR = 1, TENSOR_TYPE_ELEM = 1,
            TENSOR_TYPE_SHAPE = 2, SHAPE_DIM = 1, DIM_VALUE = 1, DIM_PARAM = 2;

    private OnnxCodec() {
    }

    // ---------------------------------------------------------------- writing

    /** A message under construction: fields appended in order, nested messages as length-delimited bytes. */
    private static final class Message {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Message string(int field, String s) {
            return io(() -> out.writeString(field, s));
        }

        Message int64(int field, long v) {
            return io(() -> out.writeInt64(field, v));
        }

        Message float32(int field, float v) {
            return io(() -> out.writeFloat(field, v));
        }

        Message bytes(int field, byte[] b) {
            return io(() -> out.writeByteArray(field, b));
        }

        Message message(int field, Message m) {
            return bytes(field, m.toBytes());
        }

        byte[] toBytes() {
            io(out::flush);
            return bytes.toByteArray();
        }

        private interface Write {
            void run() throws IOException;
        }

        private Message io(Write w) {
            try {
                w.run();
            } catch (IOException e) { // a ByteArrayOutputStream does not fail
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }

    /** The protobuf bytes of {@code model}. */
    static byte[] encode(Model model) {
        Message m = new Message().int64(MODEL_IR_VERSION, model.irVersion())
                .string(MODEL_PRODUCER_NAME, model.producer())
                .string(MODEL_PRODUCER_VERSION, model.producerVersion())
                .string(MODEL_DOC_STRING, model.docString())
                .message(MODEL_GRAPH, graph(model.graph()))
                .message(MODEL_OPSET_IMPORT, new Message().string(OPSET_DOMAIN, "").int64(OPSET_VERSION, model.opset()));
        model.metadata().forEach((k, v) ->
                m.message(MODEL_METADATA_PROPS, new Message().string(ENTRY_KEY, k).string(ENTRY_VALUE, v)));
        return m.toBytes();
    }

    private static Message graph(Graph g) {
        Message m = new Message();
        for (Node n : g.nodes()) m.message(GRAPH_NODE, node(n));
        m.string(GRAPH_NAME, g.name());
        for (Initializer i : g.initializers()) m.message(GRAPH_INITIALIZER, tensor(i));
        for (ValueInfo v : g.inputs()) m.message(GRAPH_INPUT, valueInfo(v));
        for (ValueInfo v : g.outputs()) m.message(GRAPH_OUTPUT, valueInfo(v));
        return m;
    }

    private static Message node(Node n) {
        Message m = new Message();
        for (String s : n.inputs()) m.string(NODE_INPUT, s);
        for (String s : n.outputs()) m.string(NODE_OUTPUT, s);
        m.string(NODE_NAME, n.name()).string(NODE_OP_TYPE, n.opType());
        for (Attribute a : n.attributes()) m.message(NODE_ATTRIBUTE, attribute(a));
        if (!n.domain().isEmpty()) m.string(NODE_DOMAIN, n.domain());
        return m;
    }

    private static Message attribute(Attribute a) {
        Message m = new Message().string(ATTR_NAME, a.name());
        switch (a.type()) {
            case OnnxGraph.ATTR_FLOAT -> m.float32(ATTR_F, a.f());
            case OnnxGraph.ATTR_INT -> m.int64(ATTR_I, a.i());
            case OnnxGraph.ATTR_STRING -> m.string(ATTR_S, a.s());
            case OnnxGraph.ATTR_INTS -> {
                for (long v : a.ints()) m.int64(ATTR_INTS, v);
            }
            default -> throw new IllegalArgumentException("nabla writes float, int, string and ints attributes, not " + a);
        }
        return m.int64(ATTR_TYPE, a.type());
    }

    /** Dims, type, name and the values as little-endian raw data. */
    private static Message tensor(Initializer i) {
        Message m = new Message();
        if (i.longs() != null) {
            m.int64(TENSOR_DIMS, i.longs().length).int64(TENSOR_DATA_TYPE, OnnxGraph.INT64).string(TENSOR_NAME, i.name());
            ByteBuffer raw = ByteBuffer.allocate(i.longs().length * 8).order(ByteOrder.LITTLE_ENDIAN);
            raw.asLongBuffer().put(i.longs());
            return m.bytes(TENSOR_RAW_DATA, raw.array());
        }
        NDArray v = i.value().contiguous();
        for (int d : v.shape()) m.int64(TENSOR_DIMS, d);
        boolean f64 = v.dtype() == DType.F64;
        m.int64(TENSOR_DATA_TYPE, f64 ? OnnxGraph.DOUBLE : OnnxGraph.FLOAT).string(TENSOR_NAME, i.name());
        ByteBuffer raw;
        if (f64) {
            double[] d = v.toDoubleArray();
            raw = ByteBuffer.allocate(d.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            raw.asDoubleBuffer().put(d);
        } else {
            float[] f = v.toFloatArray();
            raw = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(f);
        }
        return m.bytes(TENSOR_RAW_DATA, raw.array());
    }

    private static Message valueInfo(ValueInfo v) {
        Message shape = new Message();
        for (Dim d : v.dims()) {
            shape.message(SHAPE_DIM, d.size() >= 0 ? new Message().int64(DIM_VALUE, d.size())
                    : new Message().string(DIM_PARAM, d.param()));
        }
        Message tensorType = new Message().int64(TENSOR_TYPE_ELEM, v.elemType()).message(TENSOR_TYPE_SHAPE, shape);
        return new Message().string(VALUE_NAME, v.name())
                .message(VALUE_TYPE, new Message().message(TYPE_TENSOR, tensorType));
    }

    // ---------------------------------------------------------------- reading

    /**
     * The model in {@code bytes}; {@code source} names the file in errors.
     *
     * @throws InputException for bytes that are not a well-formed ONNX model of float tensors
     */
    static Model decode(byte[] bytes, String source) {
        try {
            return model(input(UnsafeByteOperations.unsafeWrap(bytes)), source);
        } catch (IOException e) {
            throw new InputException(source + ": not a valid ONNX file (" + e.getMessage() + ")");
        }
    }

    private static CodedInputStream input(ByteString b) {
        CodedInputStream in = b.newCodedInput();
        in.enableAliasing(true); // nested messages and raw data share the file's bytes instead of copying them
        return in;
    }

    private static Model model(CodedInputStream in, String source) throws IOException {
        long ir = 0, opset = -1;
        String producer = "", version = "", doc = "";
        Map<String, String> meta = new LinkedHashMap<>();
        Graph graph = null;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) break;
            switch (WireFormat.getTagFieldNumber(tag)) {
                case MODEL_IR_VERSION -> ir = in.readInt64();
                case MODEL_PRODUCER_NAME -> producer = in.readString();
                case MODEL_PRODUCER_VERSION -> version = in.readString();
                case MODEL_DOC_STRING -> doc = in.readString();
                case MODEL_GRAPH -> graph = graph(input(in.readBytes()), source);
                case MODEL_OPSET_IMPORT -> {
                    CodedInputStream o = input(in.readBytes());
                    String domain = "";
                    long v = 0;
                    for (int t = o.readTag(); t != 0; t = o.readTag()) {
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case OPSET_DOMAIN -> domain = o.readString();
                            case OPSET_VERSION -> v = o.readInt64();
                            default -> o.skipField(t);
                        }
                    }
                    if (domain.isEmpty() || domain.equals("ai.onnx")) opset = v;
                }
                case MODEL_METADATA_PROPS -> {
                    CodedInputStream e = input(in.readBytes());
                    String k = "", v = "";
                    for (int t = e.readTag(); t != 0; t = e.readTag()) {
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case ENTRY_KEY -> k = e.readString();
                            case ENTRY_VALUE -> v = e.readString();
                            default -> e.skipField(t);
                        }
                    }
                    meta.put(k, v);
                }
                default -> in.skipField(tag);
            }
        }
        if (graph == null) throw new InputException(source + ": not an ONNX model: it has no graph");
        if (opset < 0) throw new InputException(source + ": the model imports no opset of the default ONNX domain");
        return new Model(ir, opset, producer, version, doc, meta, graph);
    }

    private static Graph graph(CodedInputStream in, String source) throws IOException {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<Initializer> inits = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case GRAPH_NODE -> {
                    Node n = node(input(in.readBytes()), source);
                    Initializer constant = constant(n, source);
                    if (constant != null) inits.add(constant);
                    else nodes.add(n);
                }
                case GRAPH_NAME -> name = in.readString();
                case GRAPH_INITIALIZER -> inits.add(tensor(input(in.readBytes()), source));
                case GRAPH_INPUT -> inputs.add(valueInfo(input(in.readBytes())));
                case GRAPH_OUTPUT -> outputs.add(valueInfo(input(in.readBytes())));
                default -> in.skipField(tag);
            }
        }
        return new Graph(name, nodes, inits, inputs, outputs);
    }

    /**
     * A Constant node of the default domain with a tensor value, as the initializer named by its output (the form
     * exporters give the shapes and pads of Reshape and Pad); null for any other node.
     */
    private static Initializer constant(Node n, String source) {
        if (!n.opType().equals("Constant") || !(n.domain().isEmpty() || n.domain().equals("ai.onnx"))) return null;
        if (n.outputs().size() != 1 || n.attributes().size() != 1 || !n.attributes().get(0).name().equals("value")
                || n.attributes().get(0).tensor() == null) {
            throw new InputException(source + ": Constant node '" + (n.name().isEmpty() ? String.join(",", n.outputs()) : n.name()) + "' is not supported;"
                    + " supported: one output and a tensor 'value'");
        }
        Initializer t = n.attributes().get(0).tensor();
        return new Initializer(n.outputs().get(0), t.value(), t.longs());
    }

    private static Node node(CodedInputStream in, String source) throws IOException {
        String name = "", op = "", domain = "";
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        List<Attribute> attrs = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case NODE_INPUT -> inputs.add(in.readString());
                case NODE_OUTPUT -> outputs.add(in.readString());
                case NODE_NAME -> name = in.readString();
                case NODE_OP_TYPE -> op = in.readString();
                case NODE_ATTRIBUTE -> attrs.add(attribute(input(in.readBytes()), source));
                case NODE_DOMAIN -> domain = in.readString();
                default -> in.skipField(tag);
            }
        }
        return new Node(name, op, domain, inputs, outputs, attrs);
    }

    private static Attribute attribute(CodedInputStream in, String source) throws IOException {
        Initializer t = null;
        String name = "", s = "";
        int type = 0;
        float f = 0;
        long i = 0;
        Reals floats = new Reals(true);
        LongList ints = new LongList();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case ATTR_NAME -> name = in.readString();
                case ATTR_F -> f = in.readFloat();
                case ATTR_I -> i = in.readInt64();
                case ATTR_S -> s = in.readBytes().toStringUtf8();
                case ATTR_T -> t = tensor(input(in.readBytes()), source);
                case ATTR_FLOATS -> floats.read(in, tag);
                case ATTR_INTS -> ints.read(in, tag);
                case ATTR_TYPE -> type = in.readEnum();
                default -> in.skipField(tag); // graphs, lists of strings or tensors: no supported op has them
            }
        }
        return new Attribute(name, type, f, i, s, floats.toFloats(), ints.toArray(), t);
    }

    private static Initializer tensor(CodedInputStream in, String source) throws IOException {
        String name = "";
        int type = 0;
        LongList dims = new LongList();
        ByteString raw = null;
        Reals floats = new Reals(true);
        Reals doubles = new Reals(false);
        LongList longs = new LongList();
        boolean external = false;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case TENSOR_DIMS -> dims.read(in, tag);
                case TENSOR_DATA_TYPE -> type = in.readInt32();
                case TENSOR_FLOAT_DATA -> floats.read(in, tag);
                case TENSOR_NAME -> name = in.readString();
                case TENSOR_RAW_DATA -> raw = in.readBytes();
                case TENSOR_DOUBLE_DATA -> doubles.read(in, tag);
                case TENSOR_INT64_DATA -> longs.read(in, tag);
                case TENSOR_DATA_LOCATION -> external = in.readEnum() == 1;
                default -> in.skipField(tag);
            }
        }
        String what = source + ": initializer '" + name + "'";
        if (external) throw new InputException(what + " keeps its data in an external file; nabla reads only weights stored inside the .onnx file");
        if (type != OnnxGraph.FLOAT && type != OnnxGraph.DOUBLE && type != OnnxGraph.INT64) {
            throw new InputException(what + " has data type " + type + "; supported: 1 (float), 7 (int64) and 11 (double)");
        }
        long[] d = dims.toArray();
        int[] shape = new int[d.length];
        for (int k = 0; k < d.length; k++) {
            if (d[k] < 0 || d[k] > Integer.MAX_VALUE) throw new InputException(what + " declares dimension " + d[k]);
            shape[k] = (int) d[k];
        }
        long count = MemoryBudget.product(what + " declares dims " + java.util.Arrays.toString(d), d);
        int width = type == OnnxGraph.FLOAT ? 4 : 8;
        long held = raw != null ? raw.size() / width
                : type == OnnxGraph.FLOAT ? floats.size : type == OnnxGraph.INT64 ? longs.size : doubles.size;
        if (held != count || (raw != null && raw.size() % width != 0)) {
            throw new InputException(what + " declares dims " + java.util.Arrays.toString(d) + " (" + count
                    + " values) but holds " + (raw != null ? raw.size() + " bytes of raw data" : held + " values"));
        }
        // count is now backed by bytes in the file: allocating it is bounded by the file's size
        MemoryBudget.require(what, count * width);
        if (type == OnnxGraph.INT64) {
            if (d.length > 1) throw new InputException(what + ": int64 constants of rank " + d.length + " are not supported; supported: rank 0 or 1 (shapes, pads)");
            long[] v = raw == null ? longs.toArray() : new long[(int) count];
            if (raw != null) raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
            return Initializer.ofLongs(name, v);
        }
        if (type == OnnxGraph.FLOAT) {
            float[] v = raw == null ? floats.toFloats() : new float[(int) count];
            if (raw != null) raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return new Initializer(name, NDArray.of(v, shape));
        }
        double[] v = raw == null ? doubles.toDoubles() : new double[(int) count];
        if (raw != null) raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
        return new Initializer(name, NDArray.of(v, shape));
    }

    private static ValueInfo valueInfo(CodedInputStream in) throws IOException {
        String name = "";
        int elem = 0;
        List<Dim> dims = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case VALUE_NAME -> name = in.readString();
                case VALUE_TYPE -> {
                    CodedInputStream type = input(in.readBytes());
                    for (int t = type.readTag(); t != 0; t = type.readTag()) {
                        if (WireFormat.getTagFieldNumber(t) != TYPE_TENSOR) {
                            type.skipField(t);
                            continue;
                        }
                        CodedInputStream tensor = input(type.readBytes());
                        for (int u = tensor.readTag(); u != 0; u = tensor.readTag()) {
                            switch (WireFormat.getTagFieldNumber(u)) {
                                case TENSOR_TYPE_ELEM -> elem = tensor.readInt32();
                                case TENSOR_TYPE_SHAPE -> dims.addAll(shape(input(tensor.readBytes())));
                                default -> tensor.skipField(u);
                            }
                        }
                    }
                }
                default -> in.skipField(tag);
            }
        }
        return new ValueInfo(name, elem, dims);
    }

    private static List<Dim> shape(CodedInputStream in) throws IOException {
        List<Dim> dims = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) != SHAPE_DIM) {
                in.skipField(tag);
                continue;
            }
            CodedInputStream d = input(in.readBytes());
            long size = -1;
            String param = "";
            for (int t = d.readTag(); t != 0; t = d.readTag()) {
                switch (WireFormat.getTagFieldNumber(t)) {
                    case DIM_VALUE -> size = d.readInt64();
                    case DIM_PARAM -> param = d.readString();
                    default -> d.skipField(t);
                }
            }
            dims.add(new Dim(size, param));
        }
        return dims;
    }

    // Repeated numbers arrive packed (one length-delimited field) or one field per value; both are read. The
    // lists grow with the values actually present, so their size is bounded by the file's.

    /** Floats or doubles as read: a float widens to a double exactly, so one list serves both. */
    private static final class Reals {
        private final boolean float32;
        double[] a = new double[8];
        int size;

        Reals(boolean float32) {
            this.float32 = float32;
        }

        void read(CodedInputStream in, int tag) throws IOException {
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                add(in);
                return;
            }
            int end = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) add(in);
            in.popLimit(end);
        }

        private void add(CodedInputStream in) throws IOException {
            if (size == a.length) a = java.util.Arrays.copyOf(a, size * 2);
            a[size++] = float32 ? in.readFloat() : in.readDouble();
        }

        float[] toFloats() {
            float[] f = new float[size];
            for (int i = 0; i < size; i++) f[i] = (float) a[i];
            return f;
        }

        double[] toDoubles() {
            return java.util.Arrays.copyOf(a, size);
        }
    }

    private static final class LongList {
        long[] a = new long[8];
        int size;

        void read(CodedInputStream in, int tag) throws IOException {
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                add(in.readInt64());
                return;
            }
            int end = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) add(in.readInt64());
            in.popLimit(end);
        }

        void add(long v) {
            if (size == a.length) a = java.util.Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }
}
