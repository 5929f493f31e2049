package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.autograd.ForwardMode;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Tensor;
import dev.nabla.io.AtomicFiles;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The problem set's worked example: the Jacobian of
 * f1(w1, w2) = cos(w1) cos(w2) + sigmoid(w2) and f2(w1, w2) = ln(w1 + w2) + w1^2 w2
 * by finite differences, forward mode and reverse mode, all through nabla's own ops.
 */
@Command(name = "autodiff-demo", mixinStandardHelpOptions = true,
        header = "A Jacobian by finite differences, forward mode and reverse mode.",
        description = {"The Jacobian of f1 = cos(w1)cos(w2) + sigmoid(w2), f2 = ln(w1+w2) + w1^2 w2",
                "by finite differences, forward mode and reverse mode; prints each function's",
                "computation graph. ln needs w1 + w2 > 0."},
        footer = {"", "Example:", "  nabla autodiff-demo --w1 1 --w2 2 --dot runs/graph.dot"})
public final class AutodiffDemoCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--w1", defaultValue = "1", description = "w1 (default: ${DEFAULT-VALUE})")
    double w1;

    @Option(names = "--w2", defaultValue = "2", description = "w2 (default: ${DEFAULT-VALUE})")
    double w2;

    @Option(names = "--step", defaultValue = "1e-6", description = "finite-difference step (default: ${DEFAULT-VALUE})")
    double step;

    @Option(names = "--dot", paramLabel = "FILE", description = "write both graphs as Graphviz DOT to FILE")
    Path dot;

    @Option(names = "--json", description = "print only {\"numerical\", \"forward\", \"reverse\"} Jacobians as JSON")
    boolean json;

    static Tensor f1(Tensor w1, Tensor w2) {
        return w1.cos().mul(w2.cos()).add(w2.sigmoid());
    }

    static Tensor f2(Tensor w1, Tensor w2) {
        return w1.add(w2).log().add(w1.pow(2).mul(w2));
    }

    /** f: [2] -> [2], w = (w1, w2) -> (f1, f2): the function whose Jacobian is taken. */
    static final UnaryOperator<Tensor> F = w -> {
        Tensor a = w.slice(0, 0, 1), b = w.slice(0, 1, 2);
        return Tensor.concat(0, f1(a, b), f2(a, b));
    };

    /** The three Jacobians at (w1, w2), rows f1 and f2, columns w1 and w2. */
    static NDArray[] jacobians(double w1, double w2, double step) {
        NDArray w = NDArray.of(new double[] {w1, w2}, 2);
        return new NDArray[] {
            ForwardMode.numericalJacobian(F, w, step),
            ForwardMode.jacobian(F, w, ForwardMode.Mode.FORWARD),
            ForwardMode.jacobian(F, w, ForwardMode.Mode.REVERSE)};
    }

    @Override
    public Integer call() throws IOException {
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new InputException("--step " + show(step) + " is not allowed: expected a finite number > 0");
        }
        if (!(w1 + w2 > step)) { // the central differences step w1 and w2 by --step
            throw new InputException("--w1 " + show(w1) + " --w2 " + show(w2) + ": f2 takes ln(w1 + w2), which is defined"
                    + " only for w1 + w2 > 0 (here w1 + w2 = " + show(w1 + w2) + (w1 + w2 > 0 ? ", within --step " + step
                    + " of 0" : "") + "); choose w1 and w2 with a larger sum");
        }
        PrintStream out = System.out;
        NDArray[] j = jacobians(w1, w2, step);
        if (json) {
            out.printf("{\"numerical\": %s, \"forward\": %s, \"reverse\": %s}%n", matrix(j[0]), matrix(j[1]), matrix(j[2]));
        } else {
            Graph g1 = graph(1), g2 = graph(2);
            out.printf(Locale.ROOT, "w = (%s, %s)%n%n", w1, w2);
            out.println("f1(w1, w2) = cos(w1) cos(w2) + sigmoid(w2), nodes in topological order:");
            out.print(g1.format());
            out.println();
            out.println("f2(w1, w2) = ln(w1 + w2) + w1^2 w2, nodes in topological order:");
            out.print(g2.format());
            out.println();
            out.println("Jacobian [df/dw1, df/dw2]      numerical (central)         forward mode                reverse mode");
            for (int r = 0; r < 2; r++) {
                out.printf(Locale.ROOT, "  f%d                         %s  %s  %s%n", r + 1, row(j[0], r), row(j[1], r), row(j[2], r));
            }
            out.println();
            out.printf(Locale.ROOT, "largest difference: numerical vs forward %.3g, numerical vs reverse %.3g, forward vs reverse %.3g%n",
                    maxDiff(j[0], j[1]), maxDiff(j[0], j[2]), maxDiff(j[1], j[2]));
            boolean agree = maxDiff(j[0], j[1]) < 1e-6 && maxDiff(j[0], j[2]) < 1e-6 && maxDiff(j[1], j[2]) < 1e-12;
            out.println(agree ? "The three agree: forward and reverse mode to rounding, finite differences to O(h^2)."
                    : "The three do NOT agree.");
            if (dot != null) {
                var graphs = new java.util.LinkedHashMap<String, Graph>();
                graphs.put("f1", g1);
                graphs.put("f2", g2);
                String text = Graph.toDot(graphs);
                AtomicFiles.writeString(dot, text); // creates runs/ if needed
                out.println("graphs written to " + dot + " (render: dot -Tpng " + dot + " -o graph.png)");
            }
        }
        return Main.EXIT_OK;
    }

    private static String show(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }

    private Graph graph(int which) {
        Tensor a = Tensor.variable(NDArray.scalar(w1, DType.F64)).named("w1");
        Tensor b = Tensor.variable(NDArray.scalar(w2, DType.F64)).named("w2");
        return Graph.of((which == 1 ? f1(a, b) : f2(a, b)).named("f" + which));
    }

    private static String row(NDArray m, int r) {
        return String.format(Locale.ROOT, "[%11.6f, %11.6f]", m.get(r, 0), m.get(r, 1));
    }

    private static String matrix(NDArray m) {
        StringBuilder sb = new StringBuilder("[");
        for (int r = 0; r < m.dim(0); r++) {
            sb.append(r > 0 ? ", [" : "[");
            for (int c = 0; c < m.dim(1); c++) sb.append(c > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.10f", m.get(r, c)));
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    static double maxDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max(false).item();
    }
}
