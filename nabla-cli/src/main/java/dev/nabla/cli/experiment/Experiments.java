package dev.nabla.cli.experiment;

import dev.nabla.InputException;
import dev.nabla.cli.TrainOptions;
import dev.nabla.datasets.mnist.MnistSplits;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** What the experiment commands share: their default output folder and how they print their report. */
final class Experiments {
    private Experiments() {
    }

    /** {@code runs/<name>-<yyyyMMdd-HHmmss>}. */
    static Path defaultOut(String name) {
        return Path.of("runs", name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** The JSON report (--json) or the table and finding, then where the results are. */
    static void print(PrintWriter stdout, boolean json, String jsonText, String text, Path dir) {
        if (json) {
            stdout.println(jsonText);
        } else {
            stdout.println(text);
            stdout.println("results: " + dir);
        }
        stdout.flush();
    }

    /** Creates the output folder (and its parents). */
    static void createFolder(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** MNIST from the options' --data (after --no-simd is applied), checking that it has {@code trainSize} training images. */
    static MnistSplits load(TrainOptions options, int trainSize, PrintWriter err) {
        if (trainSize < 10) throw new InputException("--train-size must be at least 10, got " + trainSize);
        options.applyKernelChoice();
        MnistSplits data = options.load(err);
        if (trainSize > data.train().count()) {
            throw new InputException("--train-size " + trainSize + " exceeds the " + data.train().count() + " training images");
        }
        return data;
    }
}
