package dev.nabla.datasets.mnist;

import dev.nabla.data.TestFiles;
import dev.nabla.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.StringJoiner;

import static dev.nabla.data.IdxReaderTest.assertMessage;
import static dev.nabla.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CsvReaderTest {

    @TempDir
    Path dir;

    private Path csv(String name, String text) {
        return write(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsLabelsAndScalesPixels() {
        Path f = csv("small.csv", "3,0,255,51,102\n7,1,2,3,4\n");
        ImageSet s = CsvReader.read(f);
        assertEquals(2, s.count());
        assertEquals(2, s.rows());
        assertEquals(2, s.cols());
        assertArrayEquals(new int[] {3, 7}, s.labels());
        assertArrayEquals(new float[] {0f, 1f, 51 / 255f, 102 / 255f, 1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f}, s.pixels());
    }

    @Test
    void toleratesAHeaderWindowsLineEndsSpacesAndBlankLines() {
        Path f = csv("h.csv", "label,p1,p2,p3\r\n 1, 10 ,20,30\r\n\r\n2,0,0,0\r\n\n");
        ImageSet s = CsvReader.read(f);
        assertEquals(2, s.count());
        assertEquals(1, s.rows());
        assertEquals(3, s.cols());
        assertArrayEquals(new int[] {1, 2}, s.labels());
        assertEquals(10 / 255f, s.pixels()[0]);
    }

    @Test
    void readsTheLastLineWithoutALineEnd() {
        assertArrayEquals(new int[] {4, 5}, CsvReader.read(csv("n.csv", "4,1,2,3,4\n5,1,2,3,4")).labels());
    }

    @Test
    void readsMnistSizedLinesAs28By28AndGzipFiles() {
        StringBuilder sb = new StringBuilder();
        for (int img = 0; img < 3; img++) {
            StringJoiner j = new StringJoiner(",");
            j.add(String.valueOf(img));
            for (int p = 0; p < 784; p++) j.add(String.valueOf((p + img) % 256));
            sb.append(j).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
        ImageSet plain = CsvReader.read(write(dir.resolve("mnist_test.csv"), bytes));
        ImageSet gz = CsvReader.read(write(dir.resolve("mnist_test.csv.gz"), TestFiles.gzip(bytes)));
        assertEquals(plain, gz);
        assertEquals(28, plain.rows());
        assertEquals(28, plain.cols());
        assertEquals(255 / 255f, plain.pixels()[784 + 254]);
    }

    @Test
    void explicitShapeAndClassCountAreChecked() {
        Path f = csv("s.csv", "11,1,2,3,4,5,6\n");
        ImageSet s = CsvReader.read(f, 2, 3, 12);
        assertEquals(2, s.rows());
        assertEquals(3, s.cols());
        assertMessage(f + " line 1: found 7 values, expected 5 (a label and 4 pixels)", () -> CsvReader.read(f, 2, 2, 12));
        assertMessage(f + " line 1, column 1: label 11 is outside 0..9", () -> CsvReader.read(f));
    }

    @Test
    void badCellsNameFileLineColumnAndValue() {
        Path f = csv("mnist_train.csv", "label,a,b,c\n1,0,0,0\n2,0,25x,0\n");
        assertMessage(f + " line 3, column 3: '25x' is not an integer; expected a pixel value 0..255", () -> CsvReader.read(f));
        Path big = csv("big.csv", "1,0,0,0\n1,0,0,256\n");
        assertMessage(big + " line 2, column 4: pixel value 256 is outside 0..255", () -> CsvReader.read(big));
        Path neg = csv("neg.csv", "1,0,-3,0\n");
        assertMessage(neg + " line 1, column 3: '-3' is not an integer; expected a pixel value 0..255", () -> CsvReader.read(neg));
        Path empty = csv("empty-cell.csv", "1,0,,0\n");
        assertMessage(empty + " line 1, column 3: '' is not an integer; expected a pixel value 0..255", () -> CsvReader.read(empty));
        Path label = csv("label.csv", "1,0,0,0\nseven,0,0,0\n");
        assertMessage(label + " line 2, column 1: 'seven' is not an integer; expected a label 0..9", () -> CsvReader.read(label));
        Path frac = csv("frac.csv", "1,0.5,0,0\n");
        assertMessage(frac + " line 1, column 2: '0.5' is not an integer; expected a pixel value 0..255", () -> CsvReader.read(frac));
    }

    @Test
    void linesWithTheWrongNumberOfValues() {
        Path shorter = csv("short.csv", "1,0,0,0,0\n2,0,0,0\n");
        assertMessage(shorter + " line 2: found 4 values, expected 5 (a label and 4 pixels)", () -> CsvReader.read(shorter));
        Path longer = csv("long.csv", "1,0,0,0,0\n2,0,0,0,0,0,0\n");
        assertMessage(longer + " line 2: found 7 values, expected 5 (a label and 4 pixels)", () -> CsvReader.read(longer));
        Path onlyLabels = csv("labels.csv", "1\n2\n");
        assertMessage(onlyLabels + " line 1: expected a label and pixels, found 1 value", () -> CsvReader.read(onlyLabels));
    }

    @Test
    void aFileWithoutDataIsAnError() {
        Path f = csv("header-only.csv", "label,p1\n\n");
        assertMessage(f + ": no data lines (expected label,p1,...,pN per line)", () -> CsvReader.read(f));
    }

    @Test
    void growsPastItsInitialCapacity() {
        StringBuilder sb = new StringBuilder();
        int n = 5000;
        for (int i = 0; i < n; i++) sb.append(i % 10).append(",1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n");
        ImageSet s = CsvReader.read(csv("many.csv", sb.toString()));
        assertEquals(n, s.count());
        assertEquals(4, s.rows());
        assertEquals(16 / 255f, s.pixels()[n * 16 - 1]);
        assertEquals(9, s.labels()[n - 1]);
        assertArrayEquals(new int[] {500, 500, 500, 500, 500, 500, 500, 500, 500, 500}, s.labelCounts());
        assertEquals(Arrays.stream(s.labels()).sum(), 45 * 500);
    }
}
