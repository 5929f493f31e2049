package dev.nabla.datasets.mnist;

import dev.nabla.data.Streams;
import dev.nabla.data.ImageSet;
import dev.nabla.InputException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * Reads images in the course's CSV form: one image per line, {@code label,p1,...,pN} with pixel values 0..255
 * (scaled to [0, 1] as value / 255, as {@link dev.nabla.data.IdxReader} does). A header line (one whose first cell is not a
 * number) is skipped; blank lines are ignored; spaces around values and Windows line ends are tolerated; the
 * file may be gzip-compressed. Errors name the file, the line, the column (1 is the label) and the value.
 */
public final class CsvReader {

    private CsvReader() {
    }

    /**
     * Reads a CSV of labels 0..9 whose image size follows from the number of pixels per line: 784 pixels are
     * 28x28, any square number n*n is n x n, anything else one row.
     */
    public static ImageSet read(Path csv) {
        return read(csv, 0, 0, 10);
    }

    /**
     * Reads a CSV of {@code rows * cols} pixels per line.
     *
     * @param rows    image height, or 0 to infer it with {@code cols} from the first line
     * @param cols    image width, or 0 to infer
     * @param classes labels must lie in {@code [0, classes)}
     * @throws InputException naming file, line, column and value for the first bad cell or line
     */
    public static ImageSet read(Path csv, int rows, int cols, int classes) {
        if (classes <= 0) throw new IllegalArgumentException("classes must be positive, got " + classes);
        try (InputStream in = Streams.open(csv)) {
            return new Parser(csv, in, rows, cols, classes).parse();
        } catch (ZipException e) {
            throw new InputException(csv + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv + ": " + e.getMessage(), e);
        }
    }

    private static final class Parser {
        private final Path file;
        private final InputStream in;
        private final int classes;
        private int rows;
        private int cols;
        private int pixelsPerLine = -1;

        private byte[] buf = new byte[Streams.BUFFER];
        private int bufLen;
        private int bufPos;
        private byte[] line = new byte[4096];
        private int lineLen;
        private long lineNo;

        private float[] pixels = new float[1 << 16];
        private int[] labels = new int[1 << 10];
        private int count;

        Parser(Path file, InputStream in, int rows, int cols, int classes) {
            this.file = file;
            this.in = in;
            this.rows = rows;
            this.cols = cols;
            this.classes = classes;
            if (rows > 0 && cols > 0) pixelsPerLine = rows * cols;
        }

        ImageSet parse() throws IOException {
            boolean first = true;
            while (nextLine()) {
                if (isBlank()) continue;
                if (first) {
                    first = false;
                    if (isHeader()) continue;
                }
                parseLine();
            }
            if (pixelsPerLine < 0) {
                throw new InputException(file + ": no data lines (expected label,p1,...,pN per line)");
            }
            return new ImageSet(Arrays.copyOf(pixels, count * pixelsPerLine), Arrays.copyOf(labels, count),
                    count, rows, cols, classes);
        }

        /** Reads the next line into {@code line} without its line end; false at the end of the file. */
        private boolean nextLine() throws IOException {
            lineLen = 0;
            boolean any = false;
            while (true) {
                if (bufPos == bufLen) {
                    bufLen = in.read(buf, 0, buf.length);
                    bufPos = 0;
                    if (bufLen <= 0) {
                        bufLen = 0;
                        if (any) lineNo++;
                        return any;
                    }
                }
                any = true;
                int start = bufPos;
                while (bufPos < bufLen && buf[bufPos] != '\n') bufPos++;
                append(start, bufPos - start);
                if (bufPos < bufLen) {
                    bufPos++; // the '\n'
                    lineNo++;
                    if (lineLen > 0 && line[lineLen - 1] == '\r') lineLen--;
                    return true;
                }
            }
        }

        private void append(int from, int len) {
            if (lineLen + len > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + len));
            System.arraycopy(buf, from, line, lineLen, len);
            lineLen += len;
        }

        private boolean isBlank() {
            for (int i = 0; i < lineLen; i++) {
                if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') return false;
            }
            return true;
        }

        /** A first line whose first cell holds a letter (e.g. "label,pixel1,...") is a header. */
        private boolean isHeader() {
            for (int i = 0; i < lineLen && line[i] != ','; i++) {
                byte c = line[i];
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '"') return true;
            }
            return false;
        }

        private void parseLine() {
            int expected = pixelsPerLine;
            if (expected < 0) {
                expected = cellsIn() - 1;
                if (expected < 1) {
                    throw new InputException(file + " line " + lineNo + ": expected a label and pixels, found "
                            + (expected + 1) + " value" + (expected == 0 ? "" : "s"));
                }
                inferShape(expected);
                pixelsPerLine = expected;
            }
            if ((long) (count + 1) * expected > Integer.MAX_VALUE - 8) {
                throw new InputException(file + ": more than " + count + " images of " + expected
                        + " pixels do not fit one array");
            }
            if (count == labels.length) labels = Arrays.copyOf(labels, count * 2);
            int need = (count + 1) * expected;
            if (need > pixels.length) {
                pixels = Arrays.copyOf(pixels, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * pixels.length)));
            }
            int at = count * expected;
            int col = 0;
            int i = 0;
            while (true) {
                int start = i;
                while (i < lineLen && line[i] != ',') i++;
                col++;
                if (col > expected + 1) {
                    throw new InputException(file + " line " + lineNo + ": found " + cellsIn() + " values, expected "
                            + (expected + 1) + " (a label and " + expected + " pixels)");
                }
                int v = cell(start, i, col);
                if (col == 1) {
                    if (v >= classes) {
                        throw new InputException(file + " line " + lineNo + ", column 1: label " + v + " is outside 0.."
                                + (classes - 1));
                    }
                    labels[count] = v;
                } else {
                    if (v > 255) {
                        throw new InputException(file + " line " + lineNo + ", column " + col + ": pixel value " + v
                                + " is outside 0..255");
                    }
                    pixels[at + col - 2] = v / 255f;
                }
                if (i >= lineLen) break;
                i++; // ','
            }
            if (col != expected + 1) {
                throw new InputException(file + " line " + lineNo + ": found " + col + " values, expected "
                        + (expected + 1) + " (a label and " + expected + " pixels)");
            }
            count++;
        }

        /** The non-negative integer in line[from, to), spaces around it allowed. */
        private int cell(int from, int to, int col) {
            int a = from;
            int b = to;
            while (a < b && (line[a] == ' ' || line[a] == '\t')) a++;
            while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t' || line[b - 1] == '\r')) b--;
            if (a == b || b - a > 9) throw badCell(from, to, col);
            int v = 0;
            for (int k = a; k < b; k++) {
                int d = line[k] - '0';
                if (d < 0 || d > 9) throw badCell(from, to, col);
                v = v * 10 + d;
            }
            return v;
        }

        private InputException badCell(int from, int to, int col) {
            String text = new String(line, from, to - from, StandardCharsets.UTF_8).strip();
            String what = col == 1 ? "a label 0.." + (classes - 1) : "a pixel value 0..255";
            return new InputException(file + " line " + lineNo + ", column " + col + ": '" + text
                    + "' is not an integer; expected " + what);
        }

        private int cellsIn() {
            int n = 1;
            for (int i = 0; i < lineLen; i++) if (line[i] == ',') n++;
            return n;
        }

        private void inferShape(int n) {
            if (rows > 0 && cols > 0) return;
            int side = (int) Math.round(Math.sqrt(n));
            if (side * side == n) {
                rows = side;
                cols = side;
            } else {
                rows = 1;
                cols = n;
            }
        }
    }
}
