package dev.nabla.onnx;

import dev.nabla.InputException;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;
import dev.nabla.io.MemoryBudget;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.GlobalAvgPool2d;
import dev.nabla.nn.Linear;
import dev.nabla.models.ModelFile;
import dev.nabla.nn.Module;
import dev.nabla.nn.ToImage;
import dev.nabla.nn.Sequential;
import dev.nabla.onnx.OnnxGraph.Dim;
import dev.nabla.onnx.OnnxGraph.Graph;
import dev.nabla.onnx.OnnxGraph.Initializer;
import dev.nabla.onnx.OnnxGraph.Model;
import dev.nabla.onnx.OnnxGraph.Node;
import dev.nabla.onnx.OnnxGraph.ValueInfo;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX export and import of nabla models.
 *
 * <pre>{@code
 * Onnx.export(model, 784, Path.of("model.onnx"), "twolayer 784-128-10 sigmoid");  // any runtime runs it
 * OnnxModel m = Onnx.load(Path.of("from-pytorch.onnx"));                         // m.model() is a Sequential
 * }</pre>
 *
 * <p>Files are written with opset {@value #OPSET} (19 when a window pads circularly, written as Pad mode 'wrap';
 * 20 when the model has a GELU, written as Gelu approximate='tanh'): input {@value #INPUT_NAME} [batch,
 * inputSize] and output {@value #OUTPUT_NAME} [batch, outputs], the batch dimension dynamic, weights as
 * initializers named as the module's state dict, the description in the metadata property
 * {@value #DESCRIPTION_KEY}. Reading accepts a chain of the nodes {@link OnnxLayers} lists (Gemm or MatMul + Add,
 * Conv, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Flatten, Reshape, Pad before a window,
 * activations, Softmax, LogSoftmax, Dropout, Identity); anything else is refused naming the node, the op and
 * what is supported. A graph of [batch, C, H, W] images starts with a {@code ToImage}, so its model takes rows
 * of C H W values as nabla's CNNs do.
 */
public final class Onnx {
    /** The opset files are written with. */
    public static final int OPSET = 13;
    /** The IR version matching {@link #OPSET}. */
    static final long IR_VERSION = 7;
    /** The IR version of files that need opset 19 or 20 (Pad mode 'wrap', Gelu). */
    static final long IR_VERSION_19 = 9;
    public static final String INPUT_NAME = "input";
    public static final String OUTPUT_NAME = "output";
    /** Metadata key of the model's description. */
    public static final String DESCRIPTION_KEY = "description";
    private static final String BATCH = "batch";
    /** Bytes of memory an import may use per byte of file: the file, its weights, the modules, a dtype copy. */
    private static final long MEMORY_PER_FILE_BYTE = 4;

    private Onnx() {
    }

    /**
     * Writes {@code model} (a {@link Sequential} of the supported layers, or one such layer) as an ONNX file,
     * whole (a temporary file, then a rename).
     *
     * @param inputSize   features per sample
     * @param description stored as metadata {@value #DESCRIPTION_KEY} and as the model's doc string
     * @throws InputException for a layer ONNX export does not support, naming it
     */
    public static void export(Module model, int inputSize, Path file, String description) {
        AtomicFiles.write(file, toBytes(model, inputSize, Map.of(DESCRIPTION_KEY, description)));
    }

    /**
     * Writes a model read from a nabla model file, described by its summary; its spec goes along as metadata.
     *
     * @return the opset written ({@link #OPSET}, or newer for a layer that needs it)
     */
    public static int export(ModelFile.Loaded loaded, Path file) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(DESCRIPTION_KEY, loaded.summary());
        if (loaded.spec() != null) meta.put(ModelFile.SPEC_KEY, Json.write(ModelFile.specToMap(loaded.spec())));
        GraphWriter g = new GraphWriter();
        AtomicFiles.write(file, toBytes(loaded.model(), loaded.inputSize(), meta, g));
        return g.opset();
    }

    /** The ONNX bytes of {@code model}; {@code metadata} becomes the file's metadata properties. */
    public static byte[] toBytes(Module model, int inputSize, Map<String, String> metadata) {
        return toBytes(model, inputSize, metadata, new GraphWriter());
    }

    private static byte[] toBytes(Module model, int inputSize, Map<String, String> metadata, GraphWriter g) {
        int outputs = model.outputShape(1, inputSize)[1];
        String out = write(model, g, INPUT_NAME);
        if (out.equals(INPUT_NAME)) out = g.node("Identity", List.of(out), List.of());
        g.renameOutput(out, OUTPUT_NAME);
        int elem = model.dtype() == DType.F64 ? OnnxGraph.DOUBLE : OnnxGraph.FLOAT;
        Graph graph = new Graph("nabla", g.nodes, g.initializers,
                List.of(new ValueInfo(INPUT_NAME, elem, List.of(new Dim(-1, BATCH), new Dim(inputSize, "")))),
                List.of(new ValueInfo(OUTPUT_NAME, elem, List.of(new Dim(-1, BATCH), new Dim(outputs, "")))));
        return OnnxCodec.encode(new Model(g.opset() >= 19 ? IR_VERSION_19 : IR_VERSION, g.opset(), "nabla", "0.1.0",
                metadata.getOrDefault(DESCRIPTION_KEY, ""), metadata, graph));
    }

    private static String write(Module m, GraphWriter g, String input) {
        if (!(m instanceof Sequential s)) return OnnxLayers.exportLayer(m, g, input);
        String x = input;
        for (int i = 0; i < s.size(); i++) {
            String in = x;
            Module layer = s.get(i);
            x = g.within(String.valueOf(i), () -> write(layer, g, in));
        }
        return x;
    }

    /**
     * Reads an ONNX file into a nabla model. The file's size is checked against the heap before it is read, and
     * every tensor's declared size against the bytes the file holds.
     *
     * @throws InputException for a missing, corrupt or unsupported file: the message names the file, and the node
     *                        and op for an op or attribute outside the supported set
     */
    public static OnnxModel load(Path file) {
        if (!Files.isRegularFile(file)) throw new InputException("ONNX file not found: " + file);
        byte[] bytes;
        try {
            long size = Files.size(file);
            MemoryBudget.require(file + " (" + MemoryBudget.human(size) + ")",
                    MemoryBudget.product(file.toString(), size, MEMORY_PER_FILE_BYTE));
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage());
        }
        return read(bytes, file.toString());
    }

    /** {@link #load} from bytes; {@code source} names them in errors. */
    public static OnnxModel read(byte[] bytes, String source) {
        Model model = OnnxCodec.decode(bytes, source);
        return build(model, source);
    }

    private static OnnxModel build(Model model, String source) {
        Graph g = model.graph();
        Map<String, Initializer> inits = new HashMap<>();
        for (Initializer i : g.initializers()) inits.put(i.name(), i);
        List<ValueInfo> inputs = g.inputs().stream().filter(v -> !inits.containsKey(v.name())).toList();
        if (inputs.size() != 1 || g.outputs().size() != 1) {
            throw new InputException(source + ": the graph has " + inputs.size() + " inputs and " + g.outputs().size()
                    + " outputs; nabla imports graphs of one input and one output");
        }
        ValueInfo input = inputs.get(0), output = g.outputs().get(0);
        if (input.elemType() != OnnxGraph.FLOAT && input.elemType() != OnnxGraph.DOUBLE) {
            throw new InputException(source + ": input '" + input.name() + "' has element type " + input.elemType()
                    + "; supported: 1 (float) and 11 (double)");
        }
        Map<String, NDArray> state = new LinkedHashMap<>();
        NodeCursor c = new NodeCursor(source, g.nodes(), inits, state, model.opset());
        List<Module> layers = new ArrayList<>();
        List<Dim> dims = input.dims();
        if (dims.size() == 4) { // [N, C, H, W]: the model takes rows of C H W values too, as nabla's CNNs do
            long ch = dims.get(1).size(), h = dims.get(2).size(), w = dims.get(3).size();
            if (ch <= 0 || h <= 0 || w <= 0 || ch * h * w > Integer.MAX_VALUE) {
                throw new InputException(source + ": input '" + input.name() + "' of images needs fixed channels, height and width, got "
                        + dims.stream().map(d -> d.size() < 0 ? d.param() : String.valueOf(d.size())).toList());
            }
            layers.add(new ToImage((int) ch, (int) h, (int) w));
        } else if (dims.size() > 2 || dims.size() == 1) {
            throw new InputException(source + ": input '" + input.name() + "' has rank " + dims.size()
                    + "; nabla imports models of [batch, features] and [batch, channels, height, width] inputs");
        }
        c.setRank(dims.size() == 4 ? 4 : 2);
        String current = input.name();
        for (; !c.done(); c.advance()) {
            Node n = c.node();
            if (n.inputs().isEmpty() || !n.inputs().get(0).equals(current)) {
                throw c.error("reads " + (n.inputs().isEmpty() ? "no input" : "'" + n.inputs().get(0) + "'")
                        + " instead of the previous node's output '" + current
                        + "': nabla imports a chain of layers, each reading the one before");
            }
            if (n.outputs().isEmpty()) throw c.error("has no output");
            c.startLayer(layers.size());
            Module layer = OnnxLayers.importLayer(c);
            if (layer != null) layers.add(layer);
            if (layer instanceof Flatten || layer instanceof GlobalAvgPool2d || layer instanceof Linear) c.setRank(2);
            if (layer instanceof ToImage) c.setRank(4);
            current = c.node().outputs().get(0);
        }
        if (!current.equals(output.name())) {
            throw new InputException(source + ": the graph's output '" + output.name()
                    + "' is not the last node's output '" + current + "'");
        }
        Sequential seq = new Sequential(layers.toArray(Module[]::new));
        DType dtype = state.isEmpty() ? DType.F32 : state.values().iterator().next().dtype();
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            if (e.getValue().dtype() != dtype) {
                throw new InputException(source + ": weights mix float and double ('" + e.getKey() + "'); nabla needs one type");
            }
        }
        seq.to(dtype);
        seq.loadStateDict(state, true);
        seq.eval(); // ready to evaluate; fine-tuning switches it to training
        int inputSize = inputSize(input, seq, source);
        int[] out;
        try {
            out = seq.outputShape(1, inputSize);
        } catch (InputException e) {
            throw new InputException(source + ": the layers do not fit together: " + e.getMessage());
        }
        return new OnnxModel(seq, inputSize, out[out.length - 1], input.name(), output.name(), model.opset(),
                (model.producer() + " " + model.producerVersion()).trim(), model.metadata());
    }

    /** The input's features: declared [batch, n] or [batch, C, H, W], or the first layer's that fixes them. */
    private static int inputSize(ValueInfo input, Sequential seq, String source) {
        List<Dim> d = input.dims();
        if (d.size() == 2 && d.get(1).size() > 0) {
            if (d.get(1).size() > Integer.MAX_VALUE) throw new InputException(source + ": input size " + d.get(1).size());
            return (int) d.get(1).size();
        }
        for (Module m : seq.layers()) {
            if (m instanceof Linear l) return l.in();
            if (m instanceof ToImage t) return t.channels() * t.height() * t.width();
        }
        throw new InputException(source + ": the input '" + input.name() + "' has no fixed feature size and no layer fixes it");
    }
}
