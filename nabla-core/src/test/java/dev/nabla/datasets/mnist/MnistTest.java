package dev.nabla.datasets.mnist;

import dev.nabla.data.TestFiles;
import dev.nabla.data.IdxReader;
import dev.nabla.data.ImageSet;
import dev.nabla.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.nabla.data.IdxReaderTest.assertMessage;
import static dev.nabla.data.TestFiles.gzip;
import static dev.nabla.data.TestFiles.idxImages;
import static dev.nabla.data.TestFiles.idxLabels;
import static dev.nabla.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnistTest {

    @TempDir
    Path dir;

    private static int[] labels(int n) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) l[i] = i % 10;
        return l;
    }

    /** A small MNIST-layout folder: 20 training and 5 test images of 2x3. */
    private void smallIdx(String train, String trainLabels, String test, String testLabels, boolean gz) {
        byte[][] files = {idxImages(20, 2, 3), idxLabels(labels(20)), idxImages(5, 2, 3), idxLabels(labels(5))};
        String[] names = {train, trainLabels, test, testLabels};
        for (int i = 0; i < 4; i++) write(dir.resolve(names[i]), gz ? gzip(files[i]) : files[i]);
    }

    @Test
    void splitsTheLastValidationImagesOffTheTrainingFile() {
        smallIdx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz", true);
        MnistSplits s = Mnist.load(dir, 4);
        assertEquals(16, s.train().count());
        assertEquals(4, s.validation().count());
        assertEquals(5, s.test().count());
        ImageSet all = IdxReader.read(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
        assertEquals(all.slice(0, 16), s.train());
        assertEquals(all.slice(16, 20), s.validation());
        assertArrayEquals(new int[] {6, 7, 8, 9}, s.validation().labels());
        assertEquals(Mnist.split(all, s.test(), 4), s);
    }

    @Test
    void theDefaultSplitIsTheCoursesEightyTwenty() {
        smallIdx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz", true);
        MnistSplits s = Mnist.load(dir); // 20 training images: 16 train, the last 4 validate
        assertEquals(16, s.train().count());
        assertEquals(4, s.validation().count());
        assertEquals(Mnist.load(dir, 4), s);
        MnistSplits half = Mnist.loadFraction(dir, 0.5);
        assertEquals(10, half.train().count());
        assertEquals(Mnist.load(dir, 10), half);
        assertEquals(12_000, Mnist.validationSize(60_000, 0.2), "MNIST keeps the course's 48,000 / 12,000");
        assertEquals(3, Mnist.validationSize(10, 0.3), "int(10 * 0.7) in decimal is 7, not 7.000000000000001");
        assertEquals(201, Mnist.validationSize(1001, 0.2), "int(1001 * 0.8) = 800 train");
        assertEquals(0, Mnist.validationSize(5, 0));
        assertThrows(InputException.class, () -> Mnist.validationSize(10, 1));
        assertThrows(InputException.class, () -> Mnist.loadFraction(dir, -0.1));
    }

    @Test
    void findsDottedNamesAndRawFiles() {
        smallIdx("train-images.idx3-ubyte", "train-labels.idx1-ubyte", "t10k-images.idx3-ubyte",
                "t10k-labels.idx1-ubyte", false);
        MnistFiles f = Mnist.find(dir);
        assertEquals(dir.resolve("train-images.idx3-ubyte"), f.trainImages());
        assertEquals(4, f.files().size());
        MnistSplits s = Mnist.load(dir, 0);
        assertEquals(20, s.train().count());
        assertEquals(0, s.validation().count());
    }

    @Test
    void prefersRawFilesOverGzip() {
        smallIdx("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte", false);
        write(dir.resolve("train-images-idx3-ubyte.gz"), new byte[] {1, 2, 3});
        assertEquals(dir.resolve("train-images-idx3-ubyte"), Mnist.find(dir).trainImages());
    }

    @Test
    void readsTheCsvForm() {
        write(dir.resolve("mnist_train.csv"), "label,a,b,c,d\n1,0,0,0,255\n2,0,0,0,0\n3,1,1,1,1\n".getBytes(StandardCharsets.US_ASCII));
        write(dir.resolve("mnist_test.csv"), "4,9,9,9,9\n".getBytes(StandardCharsets.US_ASCII));
        MnistFiles f = Mnist.find(dir);
        assertTrue(f.csv());
        assertNull(f.trainLabels());
        MnistSplits s = Mnist.load(dir, 1);
        assertArrayEquals(new int[] {1, 2}, s.train().labels());
        assertArrayEquals(new int[] {3}, s.validation().labels());
        assertArrayEquals(new int[] {4}, s.test().labels());
    }

    @Test
    void anEmptyFolderListsWhatWasLookedFor() {
        InputException e = assertThrows(InputException.class, () -> Mnist.load(dir));
        String m = e.getMessage();
        assertTrue(m.startsWith(dir + ": no MNIST files found; looked for the idx files train-images-idx3-ubyte, "
                + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte"), m);
        assertTrue(m.contains("mnist_train.csv and mnist_test.csv"), m);
        assertTrue(m.contains("nabla data fetch"), m);
    }

    @Test
    void aMissingFolderAndIncompleteSetsAreNamed() {
        Path none = dir.resolve("none");
        assertMessage(none + ": no such folder; run `nabla data fetch` to download MNIST, or pass the folder that "
                + "holds the MNIST files", () -> Mnist.load(none));
        write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idxImages(2, 2, 2)));
        write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idxLabels(1, 2)));
        assertMessage(dir + ": incomplete MNIST idx files: missing t10k-images-idx3-ubyte[.gz], "
                + "t10k-labels-idx1-ubyte[.gz]; run `nabla data fetch` to download them", () -> Mnist.load(dir));
    }

    @Test
    void aTrainingCountMismatchNamesBothFiles() {
        smallIdx("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte", false);
        write(dir.resolve("train-labels-idx1-ubyte"), idxLabels(labels(19)));
        assertMessage(dir.resolve("train-images-idx3-ubyte") + " has 20 images but " + dir.resolve("train-labels-idx1-ubyte")
                + " has 19 labels: the two files do not belong together", () -> Mnist.load(dir));
    }

    @Test
    void validationSizeMustLeaveTrainingImages() {
        smallIdx("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte", false);
        assertMessage("validation size 20 must be between 0 and 19 (the training file has 20 images)",
                () -> Mnist.load(dir, 20));
        assertMessage("validation size -1 must be between 0 and 19 (the training file has 20 images)",
                () -> Mnist.load(dir, -1));
    }

    @Test
    void aTruncatedTrainingFileIsReportedWhileSplitting() {
        smallIdx("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte", false);
        write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(idxImages(20, 2, 3), 16 + 100));
        assertMessage(dir.resolve("train-images-idx3-ubyte") + ": expected 136 bytes (16 header bytes and 20 images of 2x3), "
                + "found 116: the file is truncated", () -> Mnist.load(dir, 4));
    }

    @Test
    void loadsTheCourseSplitOfTheRealMnist() {
        Path m = TestMnist.folder();
        MnistSplits s = Mnist.load(m);
        assertEquals(48_000, s.train().count());
        assertEquals(12_000, s.validation().count());
        assertEquals(10_000, s.test().count());
        assertEquals(784, s.train().features());
        assertEquals(48_000 * 784, s.train().pixels().length);
        assertArrayEquals(new int[] {5, 0, 4, 1, 9}, Arrays.copyOf(s.train().labels(), 5));
        // the labels of training images 48000..48004 start the validation set
        MnistFiles files = Mnist.find(m);
        ImageSet all = IdxReader.read(files.trainImages(), files.trainLabels());
        assertArrayEquals(Arrays.copyOfRange(all.labels(), 48_000, 60_000), s.validation().labels());
        assertArrayEquals(Arrays.copyOfRange(all.pixels(), 48_000 * 784, 60_000 * 784), s.validation().pixels());
        int[] counts = new int[10];
        for (ImageSet part : new ImageSet[] {s.train(), s.validation()}) {
            int[] c = part.labelCounts();
            for (int i = 0; i < 10; i++) counts[i] += c[i];
        }
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, counts);
    }
}
