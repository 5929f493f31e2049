package dev.nabla.cli.board;

import dev.nabla.InputException;
import dev.nabla.cli.run.RunFolder;
import dev.nabla.datasets.mnist.CsvReader;
import dev.nabla.data.IdxReader;
import dev.nabla.data.ImageSet;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistFetcher;
import dev.nabla.datasets.mnist.MnistFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The test images a model is evaluated on: from the folder the run recorded in {@code data-source.txt}, else
 * the board's {@code --data} folder, else MNIST's cache folder if it holds the files. The board never fetches;
 * each folder's test set is read once and kept.
 */
final class TestImages {

    /** A test set and the folder it came from. */
    record Found(Path dir, ImageSet images) {
    }

    private final Path data;
    private final Map<Path, ImageSet> loaded = new ConcurrentHashMap<>();

    /** @param data the board's {@code --data} folder, or null */
    TestImages(Path data) {
        this.data = data;
    }

    /**
     * @throws InputException when no candidate folder holds a test set, naming the folders tried
     */
    Found find(Path runDir) {
        List<Path> tried = new ArrayList<>();
        Path recorded = recorded(runDir);
        for (Path dir : new Path[]{recorded, data, MnistFetcher.defaultDir()}) {
            if (dir == null || tried.contains(dir)) continue;
            tried.add(dir);
            if (!Files.isDirectory(dir)) continue;
            MnistFiles f;
            try {
                f = Mnist.find(dir);
            } catch (InputException e) {
                continue;
            }
            return new Found(dir, loaded.computeIfAbsent(dir.toAbsolutePath().normalize(), d ->
                    f.csv() ? CsvReader.read(f.testImages()) : IdxReader.read(f.testImages(), f.testLabels())));
        }
        throw new InputException("no test images found (looked in " + tried + "); start the board with --data DIR");
    }

    /** The data folder a run (or its sweep) recorded, or null. */
    private static Path recorded(Path runDir) {
        try {
            String t = RunFiles.text(runDir.resolve(RunFolder.DATA_SOURCE));
            if (t != null && !t.isBlank()) return Path.of(t.strip());
        } catch (RunFiles.Damaged | RuntimeException e) {
            // an unreadable record: fall back to the other folders
        }
        return null;
    }
}
