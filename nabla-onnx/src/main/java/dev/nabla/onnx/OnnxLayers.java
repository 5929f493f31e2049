package dev.nabla.onnx;

import dev.nabla.InputException;
import dev.nabla.nn.Linear;
import dev.nabla.nn.Module;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sigmoid;
import dev.nabla.nn.Tanh;
import dev.nabla.onnx.OnnxGraph.Attribute;
import dev.nabla.onnx.OnnxGraph.Node;
import dev.nabla.tensor.NDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Module class -> its nodes. Linear becomes Gemm with transB=1: its weight is already [out, in]. */
    private static final List<ExportEntry<?>> EXPORTS = List.of(
            export(Linear.class, (l, g, x) -> {
                List<String> in = new ArrayList<>(List.of(x, g.initializer("weight", l.weight().value())));
                if (l.bias() != null) in.add(g.initializer("bias", l.bias().value()));
                return g.node("Gemm", in, List.of(Attribute.of("transB", 1L)));
            }),
            export(ReLU.class, (m, g, x) -> g.node("Relu", List.of(x), List.of())),
            export(Sigmoid.class, (m, g, x) -> g.node("Sigmoid", List.of(x), List.of())),
            export(Tanh.class, (m, g, x) -> g.node("Tanh", List.of(x), List.of())),
            export(LeakyReLU.class, (m, g, x) -> g.node("LeakyRelu", List.of(x), List.of(Attribute.of("alpha", m.alpha())))),
            export(Softmax.class, (m, g, x) -> g.node("Softmax", List.of(x), List.of(Attribute.of("axis", -1L)))),
            export(Identity.class, (m, g, x) -> g.node("Identity", List.of(x), List.of())));

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

    static {
        IMPORTS.put("Gemm", new ImportEntry(Set.of("alpha", "beta", "transA", "transB"), OnnxLayers::gemm));
        IMPORTS.put("MatMul", new ImportEntry(Set.of(), OnnxLayers::matMul));
        IMPORTS.put("Relu", new ImportEntry(Set.of(), c -> new ReLU()));
        IMPORTS.put("Sigmoid", new ImportEntry(Set.of(), c -> new Sigmoid()));
        IMPORTS.put("Tanh", new ImportEntry(Set.of(), c -> new Tanh()));
        IMPORTS.put("LeakyRelu", new ImportEntry(Set.of("alpha"), c -> new LeakyReLU((float) c.floatAttr("alpha", 0.01f))));
        IMPORTS.put("Softmax", new ImportEntry(Set.of("axis"), OnnxLayers::softmax));
        IMPORTS.put("Identity", new ImportEntry(Set.of(), c -> new Identity()));
        IMPORTS.put("Dropout", new ImportEntry(Set.of("seed"), c -> new Identity()));
    }

    /** The supported op types, for error messages. */
    static String importable() {
        return String.join(", ", IMPORTS.keySet()) + " (Add only as the bias after MatMul)";
    }

    /** Builds the module for the cursor's node after checking its op and attributes against the table. */
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
                        + (e.attributes().isEmpty() ? "none" : String.join(", ", e.attributes())));
            }
        }
        return e.importer().build(c);
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

    /** Softmax over the last axis of the [N, C] values: axis 1 or -1. */
    private static Module softmax(NodeCursor c) {
        long axis = (long) c.intAttr("axis", c.opset() >= 13 ? -1 : 1);
        if (axis != 1 && axis != -1) throw c.error("attribute axis=" + axis + " is not supported; supported: axis=1 or -1 (the class axis)");
        return new Softmax();
    }
}
