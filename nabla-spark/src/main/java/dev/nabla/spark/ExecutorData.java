package dev.nabla.spark;

import dev.nabla.cli.MnistData;
import dev.nabla.datasets.mnist.MnistSplits;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The data an executor JVM has loaded, by folder and split, so that its later tasks do not read it again. */
final class ExecutorData {
    private static final Map<String, MnistSplits> MNIST = new ConcurrentHashMap<>();

    private ExecutorData() {}

    /** MNIST from {@code dir} (null: the cache), its last {@code validationFraction} of training validating. */
    static MnistSplits mnist(String dir, double validationFraction, PrintWriter log) {
        return MNIST.computeIfAbsent(dir + " " + validationFraction,
                k -> MnistData.load(dir == null ? null : Path.of(dir), validationFraction, log));
    }
}
