package dev.nabla.train;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the shared MNIST folder for tests: the first {@code shared/data/mnist} above the working directory. */
final class MnistData {
    private MnistData() {}

    static Optional<Path> find() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("shared").resolve("data").resolve("mnist");
            if (Files.isDirectory(d)) return Optional.of(d);
        }
        return Optional.empty();
    }

    /**
     * The folder; when absent the calling test fails under {@code CI=true} and is skipped otherwise, with the
     * reason.
     */
    static Path require() {
        Optional<Path> d = find();
        String why = "MNIST not found: no shared/data/mnist in " + Path.of("").toAbsolutePath() + " or any folder above it";
        if (d.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(why + " (CI=true: the data set is required)");
        Assumptions.assumeTrue(d.isPresent(), why);
        return d.get();
    }
}
