package dev.nabla.bench;

import dev.nabla.kernel.Kernels;
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

/** Elementwise kernels and reductions, scalar against SIMD; n = 8192 is one [64, 128] activation. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBenchmark {

    @Param({"scalar", "simd"})
    public String impl;

    @Param({"8192", "100000"})
    public int n;

    private Kernels kernels;
    private float[] x, y, out;

    @Setup
    public void setup() {
        kernels = KernelChoice.of(impl);
        x = KernelChoice.random(n, 1);
        y = KernelChoice.random(n, 2);
        out = new float[n];
    }

    @Benchmark
    public float[] add() {
        kernels.add(n, x, 0, y, 0, out, 0);
        return out;
    }

    @Benchmark
    public float[] mul() {
        kernels.mul(n, x, 0, y, 0, out, 0);
        return out;
    }

    @Benchmark
    public float[] axpy() {
        kernels.axpy(n, 1e-3f, x, 0, out, 0);
        return out;
    }

    @Benchmark
    public float dot() {
        return kernels.dot(n, x, 0, y, 0);
    }

    @Benchmark
    public float sum() {
        return kernels.sum(n, x, 0);
    }

    @Benchmark
    public float[] relu() {
        kernels.relu(n, x, 0, out, 0);
        return out;
    }

    @Benchmark
    public float[] sigmoid() {
        kernels.sigmoid(n, x, 0, out, 0);
        return out;
    }

    @Benchmark
    public float[] exp() {
        kernels.exp(n, x, 0, out, 0);
        return out;
    }
}
