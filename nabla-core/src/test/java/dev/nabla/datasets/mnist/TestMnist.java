package dev.nabla.datasets.mnist;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real MNIST files for tests, found the way the {@code nabla} command finds them and fetched when missing,
 * so that a test that needs them never skips: {@code $NABLA_DATA} (fetched into when incomplete), else the cache
 * {@code ~/.cache/nabla/mnist} when it holds the files, else a {@code shared/data/mnist} folder in or above the
 * working folder, else the cache, fetched into. The files may be raw or gzip-compressed; use
 * {@link Mnist#find} for their paths. A failed fetch fails the test with the fetcher's message.
 */
public final class TestMnist {

    private static Path folder;

    private TestMnist() {
    }

    /** The folder with the four MNIST idx files (raw or {@code .gz}), fetched once per test JVM if need be. */
    public static synchronized Path folder() {
        if (folder == null) folder = resolve();
        return folder;
    }

    private static Path resolve() {
        String env = System.getenv("NABLA_DATA");
        if (env != null && !env.isBlank()) return new MnistFetcher(Path.of(env)).ensure();
        Path cache = MnistFetcher.defaultDir();
        if (holdsMnist(cache)) return new MnistFetcher(cache).ensure();
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path shared = p.resolve("shared").resolve("data").resolve("mnist");
            if (holdsMnist(shared)) return shared;
        }
        return new MnistFetcher(cache).ensure();
    }

    private static boolean holdsMnist(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        try {
            return !Mnist.find(dir).csv();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
