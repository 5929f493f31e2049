package dev.nabla.cli;

import dev.nabla.datasets.mnist.TestMnist;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Data and a command runner for the CLI tests. */
final class TestData {

    /** Training file size: the course's split keeps the last 20% (160) for validation, leaving 640 to train on. */
    static final int SYNTHETIC_TRAIN = 800;
    static final int SYNTHETIC_TEST = 500;

    private static Path synthetic;

    private TestData() {
    }

    /**
     * A small MNIST-shaped data set (28x28, 10 classes) as raw idx files, made once per test JVM: class c is a
     * bright 8x8 square at one of ten places (jittered by up to 2 pixels) on faint noise, so models can learn it.
     */
    static synchronized Path synthetic() {
        if (synthetic != null) return synthetic;
        try {
            Path dir = Files.createTempDirectory("nabla-synthetic-mnist");
            dir.toFile().deleteOnExit();
            synthetic(dir, SYNTHETIC_TRAIN);
            for (String f : new String[]{"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                    "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
                dir.resolve(f).toFile().deleteOnExit();
            }
            synthetic = dir;
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The synthetic digits of {@link #synthetic()} with {@code train} training images, written into {@code dir}. */
    static Path synthetic(Path dir, int train) throws IOException {
        Random rng = new Random(7);
        writeSet(dir, "train", train, rng);
        writeSet(dir, "t10k", SYNTHETIC_TEST, rng);
        return dir;
    }

    private static void writeSet(Path dir, String prefix, int n, Random rng) throws IOException {
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = rng.nextInt(10);
            labels[i] = (byte) c;
            for (int p = 0; p < 784; p++) pixels[i * 784 + p] = (byte) rng.nextInt(30);
            int top = 3 + (c / 5) * 12 + rng.nextInt(5) - 2, left = 1 + (c % 5) * 5 + rng.nextInt(3) - 1;
            for (int y = top; y < top + 8; y++) {
                for (int x = left; x < left + 8; x++) {
                    if (y >= 0 && y < 28 && x >= 0 && x < 28) pixels[i * 784 + y * 28 + x] = (byte) (200 + rng.nextInt(56));
                }
            }
        }
        try (OutputStream os = Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte"));
             DataOutputStream d = new DataOutputStream(os)) {
            d.writeInt(0x00000803);
            d.writeInt(n);
            d.writeInt(28);
            d.writeInt(28);
            d.write(pixels);
        }
        try (OutputStream os = Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte"));
             DataOutputStream d = new DataOutputStream(os)) {
            d.writeInt(0x00000801);
            d.writeInt(n);
            d.write(labels);
        }
    }

    /**
     * The real MNIST files, found the way the {@code nabla} command finds them and fetched when missing, so that
     * a test that needs them never skips (see {@link TestMnist}).
     */
    static Path realMnist() {
        return TestMnist.folder();
    }

    /** What a command printed and returned. */
    record Run(int exit, String out, String err) {
    }

    /** Runs {@code nabla args...} in this JVM through {@link Main#commandLine()}. */
    static Run nabla(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
