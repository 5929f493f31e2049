package dev.nabla.data;

import dev.nabla.InputException;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistFiles;
import dev.nabla.datasets.mnist.TestMnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.nabla.data.TestFiles.gzip;
import static dev.nabla.data.TestFiles.idxImages;
import static dev.nabla.data.TestFiles.idxLabels;
import static dev.nabla.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class IdxReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsRawAndGzipFilesToTheSameScaledPixels() {
        byte[] images = idxImages(3, 2, 4);
        Path raw = write(dir.resolve("img"), images);
        // the gzip magic decides, not the name
        Path gz = write(dir.resolve("img-without-suffix"), gzip(images));
        Path labels = write(dir.resolve("lab.gz"), gzip(idxLabels(7, 0, 9)));
        ImageSet a = IdxReader.read(raw, labels);
        ImageSet b = IdxReader.read(gz, labels);
        assertEquals(a, b);
        assertEquals(3, a.count());
        assertEquals(2, a.rows());
        assertEquals(4, a.cols());
        assertArrayEquals(new int[] {7, 0, 9}, a.labels());
        for (int i = 0; i < 24; i++) assertEquals(((i * 7) & 0xff) / 255f, a.pixels()[i], 0f);
    }

    @Test
    void readsLargeFilesThroughTheOverlappedPathIdentically() {
        // 5 MiB of pixels: above the size where reading and converting run on two threads
        int count = 6700;
        byte[] images = idxImages(count, 28, 28);
        Path gz = write(dir.resolve("big.gz"), gzip(images));
        Path raw = write(dir.resolve("big"), images);
        IdxReader.Images a = IdxReader.readImages(gz);
        IdxReader.Images b = IdxReader.readImages(raw);
        assertEquals(count, a.count());
        assertArrayEquals(a.pixels(), b.pixels());
        for (int i = 0; i < a.pixels().length; i += 997) {
            assertEquals((images[16 + i] & 0xff) / 255f, a.pixels()[i], 0f, "pixel " + i);
        }
    }

    @Test
    void truncatedImagesNameTheFileAndBothLengths() {
        byte[] images = idxImages(10, 28, 28);
        Path raw = write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(images, 16 + 1000));
        assertMessage(raw + ": expected 7856 bytes (16 header bytes and 10 images of 28x28), found 1016: the file is truncated",
                () -> IdxReader.readImages(raw));
        Path gz = write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(Arrays.copyOf(images, 16 + 1000)));
        // the gzip trailer records the content's length: refused before any pixel is read
        assertMessage(gz + ": expected 7856 bytes (16 header bytes and 10 images of 28x28), but its gzip trailer records"
                + " 1016: the file is truncated", () -> IdxReader.readImages(gz));
    }

    @Test
    void largeTruncatedFileIsReportedByTheOverlappedPathToo() {
        // a cut-off stream whose last 4 bytes happen to look like the right length gets past the trailer check
        byte[] gz = gzip(idxImages(6000, 28, 28));
        byte[] cut = Arrays.copyOf(gz, gz.length * 3 / 4);
        ByteBuffer.wrap(cut, cut.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(4_704_016);
        Path f = write(dir.resolve("cut.gz"), cut);
        InputException e = assertThrows(InputException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().startsWith(f + ": expected 4704016 bytes (16 header bytes and 6000 images of 28x28),"
                + " found "), e.getMessage());
        assertTrue(e.getMessage().endsWith(": the file is truncated"), e.getMessage());
    }

    @Test
    void aTinyGzipFileClaimingMillionsOfImagesIsRefusedBeforeAnyAllocation() {
        // 33 bytes: the gzip of a 16-byte header that declares 2.7 million images of 28x28 (2.1 GB of pixels)
        byte[] header = ByteBuffer.allocate(16).putInt(0x803).putInt(2_700_000).putInt(28).putInt(28).array();
        byte[] gz = gzip(header);
        Path f = write(dir.resolve("bomb.gz"), gz);
        assertTrue(gz.length < 40, "gzip of the header has " + gz.length + " bytes");
        assertMessage(f + ": expected 2116800016 bytes (16 header bytes and 2700000 images of 28x28), but a gzip file of "
                + gz.length + " bytes holds at most " + gz.length * 1032 + ": the file is truncated or its header is wrong",
                () -> IdxReader.readImages(f));
        // with a trailer forged to match, the header is still more than deflate can expand the file to
        ByteBuffer.wrap(gz, gz.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(16 + 2_700_000 * 784);
        write(f, gz);
        assertThrows(InputException.class, () -> IdxReader.readImages(f));
    }

    @Test
    void aRawFileShorterThanItsHeaderDeclaresIsRefusedBeforeReading() {
        byte[] header = ByteBuffer.allocate(16).putInt(0x803).putInt(2_700_000).putInt(28).putInt(28).array();
        Path f = write(dir.resolve("bomb"), header);
        assertMessage(f + ": expected 2116800016 bytes (16 header bytes and 2700000 images of 28x28), found 16: the file"
                + " is truncated", () -> IdxReader.readImages(f));
        Path labels = write(dir.resolve("labels"), ByteBuffer.allocate(8).putInt(0x801).putInt(2_000_000_000).array());
        assertMessage(labels + ": expected 2000000008 bytes (8 header bytes and 2000000000 labels), found 8: the file is"
                + " truncated", () -> IdxReader.readLabels(labels));
    }

    @Test
    void imagesBeyondTheHeapAreRefusedWithWhatTheyNeedAndWhatIsAvailable() throws IOException {
        // a sparse file as long as its header declares: it would pass every length check, but not the heap's
        long images = Runtime.getRuntime().maxMemory() / 784 / 4 + 1000;
        Path f = dir.resolve("huge-images");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(16).putInt(0x803).putInt((int) images).putInt(28).putInt(28).array());
            raf.setLength(16 + images * 784);
        }
        InputException e = assertThrows(InputException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().startsWith(f + ": the header declares " + images + " images of 28x28, which would need "),
                e.getMessage());
        assertTrue(e.getMessage().contains(" of memory; ") && e.getMessage().contains(" is available (Java heap limit "),
                e.getMessage());
    }

    @Test
    void aCutOffGzipStreamIsTruncated() {
        byte[] gz = gzip(idxImages(10, 28, 28));
        Path f = write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        InputException e = assertThrows(InputException.class, () -> IdxReader.readImages(f));
        assertEquals(true, e.getMessage().startsWith(f + ": expected 7856 bytes"), e.getMessage());
        assertEquals(true, e.getMessage().endsWith("the file is truncated"), e.getMessage());
    }

    @Test
    void corruptGzipDataIsNamed() {
        byte[] gz = gzip(idxImages(10, 28, 28));
        for (int i = 20; i < 60; i++) gz[i] ^= 0x5a;
        Path f = write(dir.resolve("bad.gz"), gz);
        InputException e = assertThrows(InputException.class, () -> IdxReader.readImages(f));
        assertEquals(true, e.getMessage().startsWith(f + ": corrupt gzip data"), e.getMessage());
    }

    @Test
    void wrongMagicSaysWhatKindOfFileItIs() {
        Path labels = write(dir.resolve("labels"), idxLabels(1, 2));
        assertMessage(labels + ": not an idx image file: magic 0x00000801 expected 0x00000803 (this is a label file)",
                () -> IdxReader.readImages(labels));
        Path images = write(dir.resolve("images"), idxImages(2, 2, 2));
        assertMessage(images + ": not an idx label file: magic 0x00000803 expected 0x00000801 (this is an image file)",
                () -> IdxReader.readLabels(images));
        Path text = write(dir.resolve("notes.txt"), "hello world, not idx".getBytes());
        assertMessage(text + ": not an idx image file: magic 0x68656c6c expected 0x00000803",
                () -> IdxReader.readImages(text));
        Path tiny = write(dir.resolve("tiny"), new byte[] {0, 0});
        assertMessage(tiny + ": the file has 2 bytes, too short for an idx image file", () -> IdxReader.readImages(tiny));
    }

    @Test
    void countMismatchNamesBothFilesAndBothCounts() {
        Path images = write(dir.resolve("i.gz"), gzip(idxImages(3, 2, 2)));
        Path labels = write(dir.resolve("l.gz"), gzip(idxLabels(1, 2)));
        assertMessage(images + " has 3 images but " + labels + " has 2 labels: the two files do not belong together",
                () -> IdxReader.read(images, labels));
    }

    @Test
    void labelOutOfRangeNamesItsValueAndIndex() {
        Path labels = write(dir.resolve("labels"), idxLabels(1, 9, 12, 3));
        assertMessage(labels + ": label 12 at index 2 is outside 0..9", () -> IdxReader.readLabels(labels));
        assertArrayEquals(new int[] {1, 9, 12, 3}, IdxReader.readLabels(labels, 13));
        assertMessage(labels + ": label 9 at index 1 is outside 0..4", () -> IdxReader.readLabels(labels, 5));
    }

    @Test
    void truncatedAndOverlongLabelFiles() {
        byte[] l = idxLabels(1, 2, 3, 4, 5);
        Path cut = write(dir.resolve("cut"), Arrays.copyOf(l, 11));
        assertMessage(cut + ": expected 13 bytes (8 header bytes and 5 labels), found 11: the file is truncated",
                () -> IdxReader.readLabels(cut));
        Path longer = write(dir.resolve("long"), Arrays.copyOf(l, 15));
        assertMessage(longer + ": expected 13 bytes (8 header bytes and 5 labels), found 15: the file has trailing data",
                () -> IdxReader.readLabels(longer));
    }

    @Test
    void trailingImageBytesAreAnError() {
        byte[] im = idxImages(2, 3, 3);
        Path f = write(dir.resolve("im.gz"), gzip(Arrays.copyOf(im, im.length + 5)));
        assertMessage(f + ": expected 34 bytes (16 header bytes and 2 images of 3x3), found 39: the file has trailing data",
                () -> IdxReader.readImages(f));
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope.gz");
        assertMessage(f + ": no such file", () -> IdxReader.readImages(f));
    }

    @Test
    void readsTheRealMnistFiles() {
        MnistFiles m = Mnist.find(TestMnist.folder());
        ImageSet train = IdxReader.read(m.trainImages(), m.trainLabels());
        ImageSet test = IdxReader.read(m.testImages(), m.testLabels());
        assertEquals(60_000, train.count());
        assertEquals(10_000, test.count());
        assertEquals(28, train.rows());
        assertEquals(28, train.cols());
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, Arrays.copyOf(train.labels(), 10));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, Arrays.copyOf(test.labels(), 10));
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, train.labelCounts());
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, test.labelCounts());
        float min = 1;
        float max = 0;
        for (float p : train.pixels()) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    public static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(InputException.class, call).getMessage());
    }
}
