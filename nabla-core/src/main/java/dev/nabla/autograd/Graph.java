package dev.nabla.autograd;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A readable snapshot of the computation graph behind a tensor: every node (leaves and constants included) in
 * topological order, for printing and for Graphviz DOT. Used by {@code nabla autodiff-demo}; take it before
 * {@link Tensor#backward()}, which frees the graph.
 */
public final class Graph {

    /** One node: an id, what made it ("leaf w1", "const", or the op), its input ids and its value. */
    public record Node(int id, String label, List<Integer> inputs, Tensor tensor) {}

    private final List<Node> nodes;

    private Graph(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** The graph that produced {@code root}, nodes ordered so that every node comes after its inputs. */
    public static Graph of(Tensor root) {
        Map<Tensor, Integer> ids = new IdentityHashMap<>();
        List<Node> out = new ArrayList<>();
        // iterative post-order: (tensor, next input index)
        List<Tensor> stack = new ArrayList<>();
        List<Integer> next = new ArrayList<>();
        stack.add(root);
        next.add(0);
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        seen.put(root, true);
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            Tensor t = stack.get(top);
            List<Tensor> in = t.inputs();
            int i = next.get(top);
            if (i < in.size()) {
                next.set(top, i + 1);
                Tensor c = in.get(i);
                if (seen.putIfAbsent(c, true) == null) {
                    stack.add(c);
                    next.add(0);
                }
                continue;
            }
            stack.remove(top);
            next.remove(top);
            List<Integer> inputIds = new ArrayList<>();
            for (Tensor c : in) inputIds.add(ids.get(c));
            int id = out.size();
            ids.put(t, id);
            out.add(new Node(id, label(t), inputIds, t));
        }
        return new Graph(out);
    }

    private static String label(Tensor t) {
        Function f = t.creator();
        if (f == null) {
            String kind = t.requiresGrad() ? "leaf" : "const";
            return t.name() != null ? kind + " " + t.name() : kind;
        }
        String d = f.describe();
        String s = d.isEmpty() ? f.name() : f.name() + "(" + d + ")";
        return t.name() != null ? s + " = " + t.name() : s;
    }

    public List<Node> nodes() {
        return nodes;
    }

    private static String value(Tensor t) {
        if (t.value().numel() == 1) return String.format(Locale.ROOT, "%.6f", t.value().getFlat(0));
        return t.value().toString();
    }

    /** One line per node: {@code %3 = mul(%1, %2) -> 0.350176}. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append(String.format(Locale.ROOT, "  %%%-3d %-28s", n.id(), n.label()));
            if (!n.inputs().isEmpty()) {
                sb.append(" (");
                for (int i = 0; i < n.inputs().size(); i++) sb.append(i > 0 ? ", " : "").append('%').append(n.inputs().get(i));
                sb.append(')');
            }
            sb.append(" -> ").append(value(n.tensor())).append('\n');
        }
        return sb.toString();
    }

    /** Graphviz DOT of one or more graphs, each in its own cluster, edges from inputs to outputs. */
    public static String toDot(Map<String, Graph> graphs) {
        StringBuilder sb = new StringBuilder("digraph autodiff {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
        for (Map.Entry<String, Graph> e : graphs.entrySet()) {
            String p = e.getKey().replaceAll("\\W", "_");
            sb.append("  subgraph cluster_").append(p).append(" {\n    label=\"").append(e.getKey()).append("\";\n");
            for (Node n : e.getValue().nodes) {
                String shape = n.tensor().creator() == null ? (n.tensor().requiresGrad() ? "ellipse" : "plaintext") : "box";
                sb.append(String.format(Locale.ROOT, "    %s_%d [shape=%s, label=\"%s\\n%s\"];%n",
                        p, n.id(), shape, n.label().replace("\"", "'"), value(n.tensor()).replace("\"", "'")));
            }
            for (Node n : e.getValue().nodes) {
                for (int in : n.inputs()) sb.append("    ").append(p).append('_').append(in).append(" -> ").append(p).append('_').append(n.id()).append(";\n");
            }
            sb.append("  }\n");
        }
        return sb.append("}\n").toString();
    }
}
