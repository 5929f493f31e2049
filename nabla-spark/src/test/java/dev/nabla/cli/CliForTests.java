package dev.nabla.cli;

import java.nio.file.Path;

/** nabla-cli's test helpers (the synthetic MNIST, the in-JVM command runner) for the tests of other modules. */
public final class CliForTests {
    private CliForTests() {}

    public static Path syntheticMnist() {
        return TestData.synthetic();
    }

    /** Runs {@code nabla args...} in this JVM; returns {exit code, stdout, stderr}. */
    public static String[] nabla(String... args) {
        TestData.Run r = TestData.nabla(args);
        return new String[] {String.valueOf(r.exit()), r.out(), r.err()};
    }
}
