package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.kernel.Kernels;
import dev.nabla.kernel.ExecutionContext;
import java.util.ArrayList;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nabla bench}: speed measurements of nabla's kernels, one subcommand per benchmark. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures the speed of nabla's kernels.",
        subcommands = {BenchCommand.Gemm.class, BenchTrainCommand.class, BenchDataCommand.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** One GEMM shape: op(A) is [m, k], op(B) is [k, n]; op names the transposes, e.g. "TN" = A^T * B. */
    record Shape(int m, int k, int n, boolean transA, boolean transB) {
        String op() {
            return (transA ? "T" : "N") + (transB ? "T" : "N");
        }

        static Shape parse(String s) {
            String[] parts = s.split(":", 2);
            String[] dims = parts[0].split("x");
            String op = parts.length > 1 ? parts[1] : "NN";
            if (dims.length != 3 || !op.matches("[NT]{2}")) {
                throw new InputException("--shape '" + s + "': expected MxKxN or MxKxN:OP with OP one of"
                        + " NN, TN, NT, TT (e.g. 64x784x128:NT)");
            }
            int[] v = new int[3];
            for (int i = 0; i < 3; i++) {
                try {
                    v[i] = Integer.parseInt(dims[i]);
                } catch (NumberFormatException e) {
                    v[i] = -1;
                }
                if (v[i] < 1) throw new InputException("--shape '" + s + "': '" + dims[i]
                        + "' is not a positive integer");
            }
            return new Shape(v[0], v[1], v[2], op.charAt(0) == 'T', op.charAt(1) == 'T');
        }
    }

    /** A measured rate. */
    record Result(Shape shape, int threads, double gflops) {}

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            header = "GFLOP/s of the float32 matrix multiplication kernels.",
            description = {
                    "GFLOP/s of float32 GEMM at 2048x2048x2048 and at the shapes of a 784-128-10 network trained at "
                            + "batch 64 (hidden forward 64x784 * 784x128, its weight gradient 784x64 * 64x128 as A^T*B "
                            + "with A [64, 784], output forward 64x128 * 128x10, and with weights stored [out, in] the "
                            + "forwards x * W^T and the weight gradient g^T * x), on one thread and on all of them.",
                    "The first line names the kernels: vector width and GEMM register tile.",
                    "Each figure is the median of --repeat timed samples (50 ms or more each),",
                    "after a warm-up."},
            footer = {"", "Examples:", "  nabla bench gemm", "  nabla bench gemm --threads 2 --json",
                    "  nabla bench gemm --shape 64x784x128:NT --shape 512x512x512"})
    static final class Gemm implements Callable<Integer> {

        @Mixin
        KernelOptions kernel;

        @Option(names = "--json", description = "Print only a JSON list of {m, k, n, op, threads, gflops}.")
        boolean json;

        @Option(names = "--repeat", paramLabel = "R", defaultValue = "7",
                description = "Timed samples per shape (default: ${DEFAULT-VALUE}); the median is reported.")
        int repeat;

        @Option(names = "--shape", paramLabel = "MxKxN[:OP]",
                description = "Measure this shape instead of the default ones (repeatable). OP is NN (default), "
                        + "TN (A^T*B), NT (A*B^T) or TT.")
        List<String> shapes;

        @Override
        public Integer call() {
            if (repeat < 1) throw new InputException("--repeat must be >= 1, got " + repeat);
            List<Shape> todo = new ArrayList<>();
            if (shapes == null || shapes.isEmpty()) {
                todo.add(new Shape(2048, 2048, 2048, false, false));
                todo.add(new Shape(64, 784, 128, false, false));  // hidden layer forward, x * W1
                todo.add(new Shape(784, 64, 128, true, false));   // its weight gradient, x^T * dH
                todo.add(new Shape(64, 128, 10, false, false));   // output layer forward, h * W2
                // the same layers with weights stored [out, in] (PyTorch's layout): x * W^T and g^T * x
                todo.add(new Shape(64, 784, 128, false, true));
                todo.add(new Shape(128, 64, 784, true, false));
                todo.add(new Shape(64, 128, 10, false, true));
            } else {
                for (String s : shapes) todo.add(Shape.parse(s));
            }
            kernel.apply();
            int all = kernel.threads();
            int[] threadCounts = all == 1 ? new int[] {1} : new int[] {1, all};
            Kernels kern = Kernels.get();
            if (!json) {
                System.out.printf(Locale.ROOT, "kernels %s, median of %d samples%n", kern.description(), repeat);
                System.out.printf(Locale.ROOT, "%6s %6s %6s %3s %8s %9s%n", "m", "k", "n", "op", "threads", "GFLOP/s");
            }
            warmUpJit(kern);
            List<Result> results = new ArrayList<>();
            for (Shape s : todo) {
                for (int t : threadCounts) {
                    Result r;
                    try (var ctx = ExecutionContext.with(kern, t)) {
                        r = new Result(s, t, measure(kern, s, repeat));
                    }
                    results.add(r);
                    if (!json) {
                        System.out.printf(Locale.ROOT, "%6d %6d %6d %3s %8d %9.1f%n",
                                s.m(), s.k(), s.n(), s.op(), t, r.gflops());
                        System.out.flush();
                    }
                }
            }
            if (json) System.out.println(toJson(results));
            return Main.EXIT_OK;
        }
    }

    /**
     * Median GFLOP/s of {@code repeat} samples of at least 50 ms each, after a warm-up that lasts until the JIT
     * has compiled the kernels: at least 1 s, then on until three 0.2 s windows in a row saw no JIT compilation
     * and did not beat the best so far by 3% (up to 30 s). Until the last JIT tier, the Vector API is a hundred times slower.
     */
    static double measure(Kernels kern, Shape s, int repeat) {
        int m = s.m(), k = s.k(), n = s.n();
        float[] a = random(m * k, 1), b = random(k * n, 2), c = new float[m * n];
        int lda = s.transA() ? m : k, ldb = s.transB() ? k : n;
        Runnable call = () -> kern.gemm(s.transA(), s.transB(), m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime(), jitBefore = -1;
        double perCall = Double.MAX_VALUE;
        int settled = 0;
        while (true) {
            long t0 = System.nanoTime();
            int calls = 0;
            do {
                call.run();
                calls++;
            } while (System.nanoTime() - t0 < 200_000_000L);
            double window = (System.nanoTime() - t0) / (double) calls;
            long jitNow = jitTimed ? jit.getTotalCompilationTime() : 0;
            boolean jitQuiet = jitNow == jitBefore;
            jitBefore = jitNow;
            boolean improving = window < 0.97 * perCall;
            perCall = Math.min(perCall, window);
            long elapsed = System.nanoTime() - start;
            // three settled windows in a row: on a busy machine the JIT's threads may finish nothing for a window
            // while the kernels still run interpreted, a thousand times slower
            settled = jitQuiet && !improving ? settled + 1 : 0;
            if (elapsed > 30_000_000_000L || elapsed > 1_000_000_000L && settled >= 3) break;
        }
        int calls = (int) Math.max(1, Math.ceil(50e6 / perCall));
        double[] gflops = new double[repeat];
        double flops = 2.0 * m * n * k * calls;
        for (int r = 0; r < repeat; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) call.run();
            gflops[r] = flops / (System.nanoTime() - t0);
        }
        Arrays.sort(gflops);
        return repeat % 2 == 1 ? gflops[repeat / 2] : (gflops[repeat / 2 - 1] + gflops[repeat / 2]) / 2;
    }

    /**
     * Runs small products of every kind (transposes, edge tiles, several k blocks) for a second, so that the JIT
     * compiles the kernels with a profile of all their paths; large products alone take many slow seconds to
     * get there and are then recompiled when a new path shows up.
     */
    static void warmUpJit(Kernels kern) {
        int[][] shapes = {{6, 16, 8}, {13, 37, 20}, {64, 10, 128}, {30, 300, 40}};
        float[] a = random(300 * 300, 3), b = random(300 * 300, 4), c = new float[300 * 300];
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) {
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    int m = s[0], k = s[1], n = s[2];
                    kern.gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, t == 3 ? 1f : 0f, c, 0, n);
                }
            }
        }
    }

    static String toJson(List<Result> results) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            Shape s = r.shape();
            if (i > 0) sb.append(",\n ");
            sb.append(String.format(Locale.ROOT, "{\"m\": %d, \"k\": %d, \"n\": %d, \"op\": \"%s\", \"threads\": %d, "
                    + "\"gflops\": %.2f}", s.m(), s.k(), s.n(), s.op(), r.threads(), r.gflops()));
        }
        return sb.append("]").toString();
    }

    private static float[] random(int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
