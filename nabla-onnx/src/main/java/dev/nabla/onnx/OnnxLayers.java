package dev.nabla.onnx;

import dev.nabla.InputException;
import dev.nabla.nn.AvgPool2d;
import dev.nabla.nn.BatchNorm;
import dev.nabla.nn.BatchNorm1d;
import dev.nabla.nn.BatchNorm2d;
import dev.nabla.nn.Conv2d;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.GELU;
import dev.nabla.nn.GlobalAvgPool2d;
import dev.nabla.nn.LeakyReLU;
import dev.nabla.nn.Linear;
import dev.nabla.nn.LogSoftmax;
import dev.nabla.nn.MaxPool2d;
import dev.nabla.nn.Module;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sigmoid;
import dev.nabla.nn.Softmax;
import dev.nabla.nn.Tanh;
import dev.nabla.nn.ToImage;
import dev.nabla.nn.Window;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Shape;
import dev.nabla.onnx.OnnxGraph.Attribute;
import dev.nabla.onnx.OnnxGraph.Node;
import dev.nabla.tensor.NDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The table of layers nabla exchanges with ONNX: one export entry per module class (which nodes it becomes) and
 * one import entry per op type (which module it becomes, and the attributes it accepts). A new layer is one
 * entry on each side.
 */
final class OnnxLayers {

    private OnnxLayers() {
    }

    // ---------------------------------------------------------------- export

    /** Writes one module's nodes: input value name in, output value name out. */
    interface Exporter<M extends Module> {
        String export(M module, GraphWriter g, String input);
    }

    private record ExportEntry<M extends Module>(Class<M> type, Exporter<M> exporter) {
        String apply(Module m, GraphWriter g, String input) {
            return exporter.export(type.cast(m), g, input);
        }
    }

    private static <M extends Module> ExportEntry<M> export(Class<M> type, Exporter<M> e) {
        return new ExportEntry<>(type, e);
    }

    /**
     * Module class -> its nodes. Linear becomes Gemm with transB=1 (its weight is already [out, in]); windows
     * with circular padding become Pad mode=wrap (opset 19) before the op; GELU, always the tanh form, becomes
     * Gelu approximate='tanh' (opset 20); the file's opset is the newest any node needs.
     */
    private static final List<ExportEntry<?>> EXPORTS = List.of(
            export(Linear.class, (l, g, x) -> {
                List<String> in = new ArrayList<>(List.of(x, g.initializer("weight", l.weight().value())));
                if (l.bias() != null) in.add(g.initializer("bias", l.bias().value()));
                return g.node("Gemm", in, List.of(Attribute.of("transB", 1L)));
            }),
            export(Conv2d.class, (m, g, x) -> {
                List<String> in = new ArrayList<>(List.of(padded(m.window(), g, x), g.initializer("weight", m.weight().value())));
                if (m.bias() != null) in.add(g.initializer("bias", m.bias().value()));
                List<Attribute> a = new ArrayList<>(windowAttributes(m.window(), g));
                a.add(Attribute.of("group", (long) m.groups()));
                return g.node("Conv", in, a);
            }),
            export(MaxPool2d.class, (m, g, x) -> g.node("MaxPool", List.of(padded(m.window(), g, x)), windowAttributes(m.window(), g))),
            export(AvgPool2d.class, (m, g, x) -> {
                Window w = m.window();
                if (w.dh() != 1 || w.dw() != 1) g.requireOpset(19); // AveragePool's dilations
                List<Attribute> a = new ArrayList<>(windowAttributes(w, g));
                a.add(Attribute.of("count_include_pad", 1L)); // nabla's mean counts the zero padding
                return g.node("AveragePool", List.of(padded(w, g, x)), a);
            }),
            export(GlobalAvgPool2d.class, (m, g, x) ->
                    g.node("Flatten", List.of(g.node("GlobalAveragePool", List.of(x), List.of())), List.of(Attribute.of("axis", 1L)))),
            export(BatchNorm1d.class, OnnxLayers::batchNorm),
            export(BatchNorm2d.class, OnnxLayers::batchNorm),
            export(Flatten.class, (m, g, x) -> g.node("Flatten", List.of(x), List.of(Attribute.of("axis", 1L)))),
            export(ToImage.class, (m, g, x) -> g.node("Reshape",
                    List.of(x, g.longs("shape", -1, m.channels(), m.height(), m.width())), List.of())),
            export(Dropout.class, (m, g, x) -> g.node("Dropout",
                    List.of(x, g.initializer("ratio", NDArray.scalar((float) m.p(), DType.F32))), List.of())),
            export(ReLU.class, (m, g, x) -> g.node("Relu", List.of(x), List.of())),
            export(Sigmoid.class, (m, g, x) -> g.node("Sigmoid", List.of(x), List.of())),
            export(Tanh.class, (m, g, x) -> g.node("Tanh", List.of(x), List.of())),
            export(LeakyReLU.class, (m, g, x) -> g.node("LeakyRelu", List.of(x), List.of(Attribute.of("alpha", (float) m.slope())))),
            export(GELU.class, (m, g, x) -> {
                g.requireOpset(20);
                return g.node("Gelu", List.of(x), List.of(Attribute.of("approximate", "tanh")));
            }),
            export(Softmax.class, (m, g, x) -> g.node("Softmax", List.of(x), List.of(Attribute.of("axis", (long) m.axis())))),
            export(LogSoftmax.class, (m, g, x) -> g.node("LogSoftmax", List.of(x), List.of(Attribute.of("axis", (long) m.axis())))));

    /** The input of a windowed op: {@code x}, or for circular padding x wrapped around by a Pad node. */
    private static String padded(Window w, GraphWriter g, String x) {
        if (w.padding() != Window.Padding.CIRCULAR || (w.ph() == 0 && w.pw() == 0)) return x;
        g.requireOpset(19); // Pad's mode 'wrap'
        return g.node("Pad", List.of(x, g.longs("pads", 0, 0, w.ph(), w.pw(), 0, 0, w.ph(), w.pw())),
                List.of(Attribute.of("mode", "wrap")));
    }

    /** kernel_shape, strides, pads (none when a Pad node wraps instead) and dilations. */
    private static List<Attribute> windowAttributes(Window w, GraphWriter g) {
        boolean wrapped = w.padding() == Window.Padding.CIRCULAR;
        long ph = wrapped ? 0 : w.ph(), pw = wrapped ? 0 : w.pw();
        return List.of(Attribute.of("kernel_shape", w.kh(), (long) w.kw()), Attribute.of("strides", w.sh(), (long) w.sw()),
                Attribute.of("pads", ph, pw, ph, pw), Attribute.of("dilations", w.dh(), (long) w.dw()));
    }

    /** BatchNormalization in inference form: the running statistics; ONNX's momentum is 1 - nabla's. */
    private static String batchNorm(BatchNorm b, GraphWriter g, String x) {
        List<String> in = List.of(x, g.initializer("weight", b.weight().value()), g.initializer("bias", b.bias().value()),
                g.initializer("running_mean", b.runningMean()), g.initializer("running_var", b.runningVar()));
        return g.node("BatchNormalization", in, List.of(Attribute.of("epsilon", (float) b.eps()),
                Attribute.of("momentum", (float) (1 - b.momentum()))));
    }

    /** The module classes {@link #exportLayer} accepts, for error messages. */
    static String exportable() {
        return String.join(", ", EXPORTS.stream().map(e -> e.type().getSimpleName()).toList()) + " (in Sequential)";
    }

    /** Writes {@code m}'s nodes, or refuses a module class without an entry, naming it and its path. */
    static String exportLayer(Module m, GraphWriter g, String input) {
        for (ExportEntry<?> e : EXPORTS) if (e.type() == m.getClass()) return e.apply(m, g, input);
        throw new InputException("cannot export layer '" + g.path() + "' (" + m + ") to ONNX: supported layers are "
                + exportable());
    }

    // ---------------------------------------------------------------- import

    /** Builds the module of the node at {@code cursor.node()}, consuming it (and any node it folds in). */
    interface Importer {
        Module build(NodeCursor cursor);
    }

    private record ImportEntry(Set<String> attributes, Importer importer) {
    }

    /** Op type -> module, with the attributes the entry understands (any other is refused). */
    private static final Map<String, ImportEntry> IMPORTS = new LinkedHashMap<>();

    private static final Set<String> WINDOW = Set.of("auto_pad", "kernel_shape", "strides", "pads", "dilations");

    static {
        IMPORTS.put("Gemm", new ImportEntry(Set.of("alpha", "beta", "transA", "transB"), OnnxLayers::gemm));
        IMPORTS.put("MatMul", new ImportEntry(Set.of(), OnnxLayers::matMul));
        IMPORTS.put("Relu", new ImportEntry(Set.of(), c -> new ReLU()));
        IMPORTS.put("Sigmoid", new ImportEntry(Set.of(), c -> new Sigmoid()));
        IMPORTS.put("Tanh", new ImportEntry(Set.of(), c -> new Tanh()));
        IMPORTS.put("LeakyRelu", new ImportEntry(Set.of("alpha"), c -> new LeakyReLU(decimal(c.floatAttr("alpha", 0.01f)))));
        IMPORTS.put("Gelu", new ImportEntry(Set.of("approximate"), OnnxLayers::gelu));
        IMPORTS.put("Softmax", new ImportEntry(Set.of("axis"), c -> new Softmax(classAxis(c))));
        IMPORTS.put("LogSoftmax", new ImportEntry(Set.of("axis"), c -> new LogSoftmax(classAxis(c))));
        IMPORTS.put("Identity", new ImportEntry(Set.of(), c -> null));
        IMPORTS.put("Dropout", new ImportEntry(Set.of("seed", "ratio"), OnnxLayers::dropout));
        IMPORTS.put("Conv", new ImportEntry(union(WINDOW, "group"), OnnxLayers::conv));
        IMPORTS.put("MaxPool", new ImportEntry(union(WINDOW, "ceil_mode", "storage_order"), OnnxLayers::maxPool));
        IMPORTS.put("AveragePool", new ImportEntry(union(WINDOW, "ceil_mode", "count_include_pad"), OnnxLayers::avgPool));
        IMPORTS.put("GlobalAveragePool", new ImportEntry(Set.of(), OnnxLayers::globalAvgPool));
        IMPORTS.put("BatchNormalization", new ImportEntry(Set.of("epsilon", "momentum", "training_mode", "spatial"), OnnxLayers::batchNorm));
        IMPORTS.put("Flatten", new ImportEntry(Set.of("axis"), OnnxLayers::flatten));
        IMPORTS.put("Reshape", new ImportEntry(Set.of("allowzero"), OnnxLayers::reshape));
        IMPORTS.put("Pad", new ImportEntry(Set.of("mode"), OnnxLayers::pad));
    }

    private static Set<String> union(Set<String> a, String... more) {
        Set<String> s = new java.util.TreeSet<>(a);
        s.addAll(List.of(more));
        return s;
    }

    /** The supported op types, for error messages. */
    static String importable() {
        return String.join(", ", IMPORTS.keySet()) + " (Add only as the bias after MatMul)";
    }

    /**
     * Builds the module for the cursor's node after checking its op and attributes against the table; null for
     * a node that needs no module (Identity).
     */
    static Module importLayer(NodeCursor c) {
        Node n = c.node();
        ImportEntry e = n.domain().isEmpty() || n.domain().equals("ai.onnx") ? IMPORTS.get(n.opType()) : null;
        if (e == null) {
            throw c.error("op " + (n.domain().isEmpty() ? "" : n.domain() + ".") + n.opType()
                    + " is not supported; supported ops: " + importable());
        }
        for (Attribute a : n.attributes()) {
            if (!e.attributes().contains(a.name())) {
                throw c.error("attribute '" + a.name() + "' of " + n.opType() + " is not supported; supported: "
                        + (e.attributes().isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(e.attributes()))));
            }
        }
        try {
            return e.importer().build(c);
        } catch (InputException x) {
            if (x.getMessage().startsWith(c.source())) throw x;
            throw c.error(x.getMessage()); // a layer's own check (sizes that do not fit), placed at the node
        }
    }

    /**
     * The double a float attribute was written from: its shortest decimal (0.01f reads as 0.01), so settings
     * nabla wrote as floats come back as the same doubles.
     */
    private static double decimal(double f) {
        return Double.parseDouble(Float.toString((float) f));
    }

    /** Gemm(x, B, C) with alpha = beta = 1 and transA = 0: a Linear; B is [out, in] with transB=1, else [in, out]. */
    private static Module gemm(NodeCursor c) {
        c.requireAttr("alpha", 1, "alpha=1");
        c.requireAttr("beta", 1, "beta=1");
        c.requireAttr("transA", 0, "transA=0");
        double transB = c.intAttr("transB", 0);
        if (transB != 0 && transB != 1) throw c.error("attribute transB=" + (long) transB + " must be 0 or 1");
        NDArray b = c.weight(1, 2);
        NDArray w = transB == 1 ? b : b.t().contiguous();
        NDArray bias = c.optionalWeight(2);
        return c.linear(w, bias);
    }

    /** MatMul(x, B [in, out]), with the Add of a bias [out] that follows it folded in: a Linear. */
    private static Module matMul(NodeCursor c) {
        NDArray w = c.weight(1, 2).t().contiguous();
        NDArray bias = null;
        Node next = c.peekNext();
        if (next != null && next.opType().equals("Add") && next.inputs().size() == 2 && next.attributes().isEmpty()
                && next.inputs().contains(c.node().outputs().get(0))) {
            String other = next.inputs().get(next.inputs().get(0).equals(c.node().outputs().get(0)) ? 1 : 0);
            if (c.isInitializer(other)) {
                c.advance();
                bias = c.namedWeight(other);
            }
        }
        return c.linear(w, bias);
    }

    /** Softmax or LogSoftmax over the classes of [N, C] values: axis 1 or -1; the module's axis is 1. */
    private static int classAxis(NodeCursor c) {
        long axis = (long) c.intAttr("axis", c.opset() >= 13 ? -1 : 1);
        if (axis != 1 && axis != -1) throw c.error("attribute axis=" + axis + " is not supported; supported: axis=1 or -1 (the class axis)");
        if (c.rank() != 2) throw c.error("reads values of rank " + c.rank() + "; supported: [N, classes]");
        return 1;
    }

    /** Gelu in its tanh form, nabla's GELU. */
    private static Module gelu(NodeCursor c) {
        String a = c.stringAttr("approximate", "none");
        if (!a.equals("tanh")) {
            throw c.error("attribute approximate='" + a + "' is not supported; supported: approximate='tanh' (nabla's GELU is the tanh form)");
        }
        return new GELU();
    }

    /** Dropout, the identity at inference: its ratio (input 1, or the attribute of opsets before 12) kept as p. */
    private static Module dropout(NodeCursor c) {
        List<String> in = c.node().inputs();
        if (in.size() > 2 && !in.get(2).isEmpty()) {
            throw c.error("input training_mode is not supported; supported: Dropout at inference (no training_mode input)");
        }
        double ratio = c.floatAttr("ratio", 0.5f);
        NDArray r = c.optionalWeight(1);
        if (r != null) {
            if (r.numel() != 1) throw c.error("ratio of shape " + Shape.str(r.shape()) + " is not a scalar");
            ratio = r.getFlat(0);
        }
        return new Dropout(decimal(ratio), (long) c.intAttr("seed", 0));
    }

    /** Conv with 2-D weights [out, in / group, kh, kw] and an optional bias [out]: a Conv2d. */
    private static Module conv(NodeCursor c) {
        requireRank(c, 4);
        NDArray w = c.weight(1, 4);
        int[] ws = w.shape();
        long group = (long) c.intAttr("group", 1);
        if (group < 1 || group > ws[0]) throw c.error("attribute group=" + group + " does not fit " + ws[0] + " output channels");
        Window window = window(c, ws[2], ws[3]);
        NDArray bias = c.optionalWeight(2);
        if (bias != null && (bias.shape().length != 1 || bias.shape()[0] != ws[0])) {
            throw c.error("bias of shape " + Shape.str(bias.shape()) + " does not match " + ws[0] + " output channels");
        }
        Conv2d conv = new Conv2d((int) (ws[1] * group), ws[0], window, (int) group, bias != null, new Random(0));
        c.record("weight", w);
        if (bias != null) c.record("bias", bias);
        return conv;
    }

    private static Module maxPool(NodeCursor c) {
        requireRank(c, 4);
        c.requireAttr("ceil_mode", 0, "ceil_mode=0");
        c.requireAttr("storage_order", 0, "storage_order=0");
        if (c.node().outputs().size() > 1) throw c.error("the Indices output is not supported; supported: one output");
        long[] k = kernel(c);
        return new MaxPool2d(window(c, (int) k[0], (int) k[1]));
    }

    private static Module avgPool(NodeCursor c) {
        requireRank(c, 4);
        c.requireAttr("ceil_mode", 0, "ceil_mode=0");
        long[] k = kernel(c);
        Window w = window(c, (int) k[0], (int) k[1]);
        if (w.padding() == Window.Padding.ZEROS && (w.ph() > 0 || w.pw() > 0) && c.intAttr("count_include_pad", 0) != 1) {
            throw c.error("attribute count_include_pad=0 with pads is not supported; supported: count_include_pad=1"
                    + " (nabla's average counts the zero padding) or no pads");
        }
        return new AvgPool2d(w);
    }

    /** GlobalAveragePool: a GlobalAvgPool2d, which gives [N, C]; a Flatten that follows it is folded in. */
    private static Module globalAvgPool(NodeCursor c) {
        requireRank(c, 4);
        Node next = c.peekNext();
        if (next != null && next.opType().equals("Flatten") && next.inputs().equals(List.of(c.node().outputs().get(0)))
                && next.attributes().stream().allMatch(a -> a.name().equals("axis") && a.type() == OnnxGraph.ATTR_INT && a.i() == 1)) {
            c.advance();
        }
        return new GlobalAvgPool2d();
    }

    /** BatchNormalization at inference (running statistics): BatchNorm2d of [N, C, H, W], BatchNorm1d of [N, C]. */
    private static Module batchNorm(NodeCursor c) {
        c.requireAttr("training_mode", 0, "training_mode=0 (inference)");
        c.requireAttr("spatial", 1, "spatial=1");
        if (c.node().outputs().size() > 1) throw c.error("has " + c.node().outputs().size() + " outputs; supported: the inference form (one output)");
        NDArray scale = c.weight(1, 1), b = c.weight(2, 1), mean = c.weight(3, 1), var = c.weight(4, 1);
        int features = scale.shape()[0];
        for (NDArray a : List.of(b, mean, var)) {
            if (a.shape()[0] != features) throw c.error("scale, B, mean and var have different lengths (" + features + " and " + a.shape()[0] + ")");
        }
        double eps = decimal(c.floatAttr("epsilon", 1e-5f));
        double momentum = new java.math.BigDecimal(Float.toString((float) c.floatAttr("momentum", 0.9f)))
                .negate().add(java.math.BigDecimal.ONE).doubleValue();
        Module bn = switch (c.rank()) {
            case 2 -> new BatchNorm1d(features, eps, momentum);
            case 4 -> new BatchNorm2d(features, eps, momentum);
            default -> throw c.error("reads values of rank " + c.rank() + "; supported: [N, C] and [N, C, H, W]");
        };
        c.record("weight", scale);
        c.record("bias", b);
        c.record("running_mean", mean);
        c.record("running_var", var);
        return bn;
    }

    private static Module flatten(NodeCursor c) {
        c.requireAttr("axis", 1, "axis=1");
        return new Flatten();
    }

    /**
     * Reshape to images ([-1, C, H, W] from [N, features]: a ToImage) or to rows ([-1, -1] or [-1, features]
     * from [N, C, H, W]: a Flatten); the batch dimension stays dynamic (-1 or 0).
     */
    private static Module reshape(NodeCursor c) {
        c.requireAttr("allowzero", 0, "allowzero=0");
        long[] s = c.longs(1);
        boolean batch = s.length > 0 && (s[0] == -1 || s[0] == 0);
        if (batch && c.rank() == 2 && s.length == 4 && s[1] > 0 && s[2] > 0 && s[3] > 0 && s[1] * s[2] * s[3] <= Integer.MAX_VALUE) {
            return new ToImage((int) s[1], (int) s[2], (int) s[3]);
        }
        if (batch && c.rank() == 4 && s.length == 2 && (s[1] == -1 || s[1] > 0)) return new Flatten();
        throw c.error("reshape of rank-" + c.rank() + " values to " + java.util.Arrays.toString(s) + " is not supported;"
                + " supported: [-1, C, H, W] of [N, features] (rows to images) and [-1, -1] or [-1, features] of"
                + " [N, C, H, W] (flatten), with 0 or -1 for the batch");
    }

    /**
     * Pad of the two image axes, the same on both sides, folded into the Conv, MaxPool or AveragePool that reads
     * it: mode 'wrap' is circular padding, mode 'constant' with value 0 is zero padding (not before MaxPool,
     * which pads with -infinity).
     */
    private static Module pad(NodeCursor c) {
        String mode = c.stringAttr("mode", "constant");
        if (!mode.equals("constant") && !mode.equals("wrap")) {
            throw c.error("attribute mode='" + mode + "' is not supported; supported: mode='wrap' (circular) and 'constant' (zeros)");
        }
        List<String> in = c.node().inputs();
        if (in.size() > 3 && !in.get(3).isEmpty()) throw c.error("input axes is not supported; supported: pads of all four axes");
        NDArray value = c.optionalWeight(2);
        if (value != null && (value.numel() != 1 || value.getFlat(0) != 0)) {
            throw c.error("a constant value other than 0 is not supported; supported: 0");
        }
        long[] p = c.longs(1);
        if (p.length != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0 || p[2] != p[6] || p[3] != p[7] || p[2] < 0 || p[3] < 0
                || p[2] > Integer.MAX_VALUE || p[3] > Integer.MAX_VALUE) {
            throw c.error("pads " + java.util.Arrays.toString(p) + " are not supported; supported: [0, 0, h, w, 0, 0, h, w]"
                    + " (the image axes, the same on both sides)");
        }
        Node next = c.peekNext();
        boolean wrap = mode.equals("wrap");
        Set<String> folds = wrap ? Set.of("Conv", "MaxPool", "AveragePool") : Set.of("Conv", "AveragePool");
        if (next == null || !folds.contains(next.opType()) || next.inputs().isEmpty()
                || !next.inputs().get(0).equals(c.node().outputs().get(0))) {
            throw c.error("mode '" + mode + "' is supported only before " + String.join(" or ", new java.util.TreeSet<>(folds))
                    + ", which folds the padding into its window");
        }
        c.padNext(new int[] {(int) p[2], (int) p[3]}, wrap);
        c.advance();
        return importLayer(c);
    }

    private static void requireRank(NodeCursor c, int rank) {
        if (c.rank() != rank) {
            throw c.error("reads values of rank " + c.rank() + "; supported: " + (rank == 4 ? "[N, C, H, W] images" : "[N, features]"));
        }
    }

    /** A pool's kernel_shape: two sizes. */
    private static long[] kernel(NodeCursor c) {
        long[] k = c.intsAttr("kernel_shape", null);
        if (k == null) throw c.error("attribute kernel_shape is missing");
        if (k.length != 2) throw c.error("kernel_shape " + java.util.Arrays.toString(k) + " is not supported; supported: two sizes (2-D pooling)");
        return k;
    }

    /**
     * The window of a Conv or pool node of kernel kh x kw: explicit pads, the same on both sides (auto_pad
     * NOTSET), or the padding a Pad node before it handed over.
     */
    private static Window window(NodeCursor c, int kh, int kw) {
        String autoPad = c.stringAttr("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET")) {
            throw c.error("attribute auto_pad='" + autoPad + "' is not supported; supported: auto_pad='NOTSET' with explicit pads");
        }
        long[] k = c.intsAttr("kernel_shape", new long[] {kh, kw});
        if (k.length != 2 || k[0] != kh || k[1] != kw) {
            throw c.error("kernel_shape " + java.util.Arrays.toString(k) + " is not supported; supported: [" + kh + ", " + kw + "] (2-D, as the weight)");
        }
        long[] s = pair(c, "strides", c.intsAttr("strides", new long[] {1, 1}));
        long[] d = pair(c, "dilations", c.intsAttr("dilations", new long[] {1, 1}));
        long[] p = c.intsAttr("pads", new long[] {0, 0, 0, 0});
        if (p.length != 4 || p[0] != p[2] || p[1] != p[3] || p[0] < 0 || p[1] < 0 || p[0] > Integer.MAX_VALUE || p[1] > Integer.MAX_VALUE) {
            throw c.error("pads " + java.util.Arrays.toString(p) + " are not supported; supported: [h, w, h, w] (the same on both sides)");
        }
        int[] handed = c.takePads();
        Window.Padding mode = Window.Padding.ZEROS;
        int ph = (int) p[0], pw = (int) p[1];
        if (handed != null) {
            if (ph != 0 || pw != 0) throw c.error("has pads as well as a Pad node before it; supported: one of the two");
            ph = handed[0];
            pw = handed[1];
            if (c.padsCircular()) mode = Window.Padding.CIRCULAR;
        }
        return new Window(kh, kw, (int) s[0], (int) s[1], ph, pw, (int) d[0], (int) d[1], mode);
    }

    private static long[] pair(NodeCursor c, String name, long[] v) {
        if (v.length != 2 || v[0] < 1 || v[1] < 1 || v[0] > Integer.MAX_VALUE || v[1] > Integer.MAX_VALUE) {
            throw c.error(name + " " + java.util.Arrays.toString(v) + " is not supported; supported: two positive sizes");
        }
        return v;
    }
}
