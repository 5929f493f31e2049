package dev.nabla.bench;

import dev.nabla.kernel.Kernels;
import dev.nabla.kernel.ExecutionContext;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GEMM at the shapes of a 784-128-10 network at batch 64, scalar against SIMD. Shapes are "MxKxN:OP" with OP
 * the transposes (TN = A^T * B). Time per call; GFLOP/s = 2 * M * K * N / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    @Param({"scalar", "simd"})
    public String impl;

    /** forward x * W1, its weight gradient x^T * dH, forward h * W2, dH = dY * W2^T, a square one. */
    @Param({"64x784x128:NN", "784x64x128:TN", "64x128x10:NN", "64x10x128:NT", "512x512x512:NN"})
    public String shape;

    @Param({"1"})
    public int threads;

    private Kernels kernels;
    private boolean transA, transB;
    private int m, k, n, lda, ldb;
    private float[] a, b, c;

    @Setup
    public void setup() {
        kernels = KernelChoice.of(impl);
        ExecutionContext.with(kernels, threads); // for the whole fork: JMH runs one benchmark per JVM
        String[] parts = shape.split(":");
        String[] dims = parts[0].split("x");
        m = Integer.parseInt(dims[0]);
        k = Integer.parseInt(dims[1]);
        n = Integer.parseInt(dims[2]);
        transA = parts[1].charAt(0) == 'T';
        transB = parts[1].charAt(1) == 'T';
        lda = transA ? m : k;
        ldb = transB ? k : n;
        a = KernelChoice.random(m * k, 1);
        b = KernelChoice.random(k * n, 2);
        c = new float[m * n];
    }

    @Benchmark
    public float[] gemm() {
        kernels.gemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        return c;
    }
}
