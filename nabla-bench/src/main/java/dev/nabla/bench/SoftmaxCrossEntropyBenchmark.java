package dev.nabla.bench;

import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.tensor.NDArray;
import java.util.SplittableRandom;
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
 * Cross-entropy from logits with its backward, as one training step runs it: the fused op (log-sum-exp forward,
 * (softmax - onehot) / N backward) against the same loss composed from primitives (log-softmax, gather, mean);
 * and softmax alone. Shapes: [64, 10] is the course's output layer at batch 64, [64, 1000] a wide classifier.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SoftmaxCrossEntropyBenchmark {

    @Param({"scalar", "simd"})
    public String impl;

    /** rows x classes */
    @Param({"64x10", "64x1000"})
    public String shape;

    private NDArray logits;
    private int[] labels;

    @Setup
    public void setup() {
        ExecutionContext.withKernels(KernelChoice.of(impl)); // for the whole fork: JMH runs one benchmark per JVM
        String[] d = shape.split("x");
        int n = Integer.parseInt(d[0]), c = Integer.parseInt(d[1]);
        logits = NDArray.of(KernelChoice.random(n * c, 3), n, c);
        SplittableRandom rnd = new SplittableRandom(4);
        labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rnd.nextInt(c);
    }

    @Benchmark
    public NDArray fusedForwardBackward() {
        Tensor x = Tensor.variable(logits);
        Functional.crossEntropy(x, labels).backward();
        return x.grad();
    }

    @Benchmark
    public NDArray composedForwardBackward() {
        Tensor x = Tensor.variable(logits);
        Functional.crossEntropyComposed(x, labels).backward();
        return x.grad();
    }

    @Benchmark
    public NDArray softmax() {
        return Functional.softmax(Tensor.of(logits), 1).value();
    }
}
