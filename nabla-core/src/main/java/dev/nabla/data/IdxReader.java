package dev.nabla.data;

import dev.nabla.InputException;
import dev.nabla.io.MemoryBudget;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.ZipException;

/**
 * Reads images and labels in the idx format of the MNIST distribution, raw or gzip-compressed (recognised by
 * the gzip magic bytes, not by the name).
 *
 * <p>Image files: big-endian int32 magic {@code 0x00000803}, count, rows, cols, then {@code count * rows * cols}
 * unsigned pixel bytes. Label files: magic {@code 0x00000801}, count, then {@code count} label bytes. Every
 * check (magic, dimensions, length, label range, image and label counts) fails with an {@link InputException}
 * that names the file and what is wrong.
 */
public final class IdxReader {

    /** Magic number of an idx file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an idx file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    /** Images without labels: {@code pixels} is {@code [count, rows * cols]}, each byte / 255. */
    public record Images(float[] pixels, int count, int rows, int cols) {
    }

    private IdxReader() {
    }

    /** Reads an image file and its label file with labels 0..9; see {@link #read(Path, Path, int)}. */
    public static ImageSet read(Path images, Path labels) {
        return read(images, labels, 10);
    }

    /**
     * Reads an image file and its label file into one set.
     *
     * @param classes labels must lie in {@code [0, classes)}
     * @throws InputException for any problem with either file, or when their counts differ
     */
    public static ImageSet read(Path images, Path labels, int classes) {
        int[] l = readLabels(labels, classes);
        try (ImageFile f = ImageFile.open(images)) {
            // compare the counts before reading any pixels
            if (f.count != l.length) throw countMismatch(images, f.count, labels, l.length);
            float[] pixels = f.read(f.count);
            f.finish();
            return new ImageSet(pixels, l, f.count, f.rows, f.cols, classes);
        }
    }

    public static InputException countMismatch(Path images, int imageCount, Path labels, int labelCount) {
        return new InputException(images + " has " + imageCount + " images but " + labels + " has " + labelCount
                + " labels: the two files do not belong together");
    }

    /**
     * Reads an idx image file.
     *
     * @throws InputException naming the file for a wrong magic number, bad dimensions, a truncated or
     *                        overlong file, or corrupt gzip data
     */
    public static Images readImages(Path file) {
        try (ImageFile f = ImageFile.open(file)) {
            float[] pixels = f.read(f.count);
            f.finish();
            return new Images(pixels, f.count, f.rows, f.cols);
        }
    }

    /**
     * An idx image file opened with its header checked, read in consecutive parts, so that a caller can split
     * the images into separate arrays without a copy ({@link dev.nabla.datasets.mnist.Mnist} reads the training and validation parts of
     * the 60,000 training images this way).
     */
    public static final class ImageFile implements AutoCloseable {
        final Path file;
        public final int count;
        public final int rows;
        public final int cols;
        private final InputStream in;
        private long pixelsRead;

        private ImageFile(Path file, InputStream in, int count, int rows, int cols) {
            this.file = file;
            this.in = in;
            this.count = count;
            this.rows = rows;
            this.cols = cols;
        }

        public static ImageFile open(Path file) {
            InputStream in = Streams.open(file);
            try {
                byte[] head = in.readNBytes(16);
                checkMagic(file, head, IMAGES_MAGIC, "image");
                if (head.length < 16) {
                    throw new InputException(file + ": expected a 16-byte idx image header, found " + head.length
                            + " bytes: the file is truncated");
                }
                int count = int32(head, 4);
                int rows = int32(head, 8);
                int cols = int32(head, 12);
                if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE - 8) {
                    throw new InputException(file + ": invalid image dimensions " + Integer.toUnsignedString(count)
                            + " x " + Integer.toUnsignedString(rows) + " x " + Integer.toUnsignedString(cols));
                }
                // the header's sizes against the file and the heap, before the pixels' array exists
                long pixels = (long) count * rows * cols;
                Streams.checkHolds(file, 16 + pixels, IdxReader.what(count, rows, cols));
                MemoryBudget.require(file + ": the header declares " + count + " images of " + rows + "x" + cols,
                        4 * pixels);
                return new ImageFile(file, in, count, rows, cols);
            } catch (ZipException e) {
                closeQuietly(in);
                throw corrupt(file, e);
            } catch (IOException e) {
                closeQuietly(in);
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                closeQuietly(in);
                throw e;
            }
        }

        /** The next {@code images} images as pixel values {@code [images, rows * cols]}. */
        public float[] read(int images) {
            int n = images * rows * cols;
            if (images < 0 || pixelsRead + n > (long) count * rows * cols) {
                throw new IllegalArgumentException("cannot read " + images + " more images of " + count);
            }
            float[] pixels = new float[n];
            try {
                int done = n >= PIPELINE_MIN ? readPixelsPipelined(in, pixels) : readPixels(in, pixels);
                pixelsRead += done;
                if (done < n) {
                    long total = (long) count * rows * cols;
                    throw new InputException(file + ": expected " + (16L + total) + " bytes (" + what() + "), found "
                            + (16L + pixelsRead) + ": the file is truncated");
                }
                return pixels;
            } catch (ZipException e) {
                throw corrupt(file, e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        /** Checks that nothing follows the last image (and, for gzip, the CRC). */
        public void finish() {
            try {
                checkNoTrailingBytes(file, in, 16L + (long) count * rows * cols, what());
            } catch (ZipException e) {
                throw corrupt(file, e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        private String what() {
            return IdxReader.what(count, rows, cols);
        }

        @Override
        public void close() {
            closeQuietly(in);
        }
    }

    private static String what(int count, int rows, int cols) {
        return "16 header bytes and " + count + " images of " + rows + "x" + cols;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // reading is done; a failed close loses nothing
        }
    }

    /** Below this many pixels a second thread costs more than it saves. */
    private static final int PIPELINE_MIN = 4 << 20;
    private static final int CHUNK = 1 << 20;

    /** Reads up to {@code pixels.length} bytes as pixel values; returns how many there were. */
    private static int readPixels(InputStream in, float[] pixels) throws IOException {
        byte[] buf = new byte[Streams.BUFFER];
        int done = 0;
        int n = pixels.length;
        try {
            while (done < n) {
                int r = in.read(buf, 0, Math.min(buf.length, n - done));
                if (r < 0) break;
                convert(buf, r, pixels, done);
                done += r;
            }
        } catch (EOFException e) {
            // a cut-off gzip stream: the caller reports the file as truncated with what was read
        }
        return done;
    }

    /** pixels[at + i] = bytes[i] / 255, the loop the JIT vectorises */
    private static void convert(byte[] bytes, int len, float[] pixels, int at) {
        for (int i = 0; i < len; i++) pixels[at + i] = (bytes[i] & 0xff) / 255f;
    }

    private record Chunk(byte[] bytes, int len, Throwable error) {
    }

    /**
     * As {@link #readPixels}, with inflating and converting overlapped: a helper thread reads (inflates) 1 MiB
     * chunks while this thread converts the previous ones and touches the fresh float array's pages. Inflating
     * and converting take about the same time, so this nearly halves the time for the MNIST training images.
     */
    private static int readPixelsPipelined(InputStream in, float[] pixels) throws IOException {
        int n = pixels.length;
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(4);
        BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(5);
        for (int i = 0; i < 4; i++) free.add(new byte[CHUNK]);
        Thread reader = Thread.ofPlatform().daemon().name("nabla-idx-reader").start(() -> {
            int remaining = n;
            try {
                while (remaining > 0) {
                    byte[] b = free.take();
                    int want = Math.min(CHUNK, remaining);
                    int len = 0;
                    Throwable error = null;
                    try {
                        while (len < want) {
                            int r = in.read(b, len, want - len);
                            if (r < 0) break;
                            len += r;
                        }
                    } catch (Throwable e) {
                        error = e;
                    }
                    full.put(new Chunk(b, len, null));
                    if (error != null) {
                        full.put(new Chunk(null, 0, error));
                        return;
                    }
                    if (len < want) break;
                    remaining -= len;
                }
                full.put(new Chunk(null, 0, null));
            } catch (InterruptedException e) {
                // the converting side gave up; nothing is waiting for more chunks
            }
        });
        int done = 0;
        try {
            while (true) {
                Chunk c = full.take();
                if (c.error != null) {
                    if (c.error instanceof EOFException) return done; // cut-off gzip stream
                    if (c.error instanceof IOException e) throw e;
                    if (c.error instanceof RuntimeException e) throw e;
                    throw new IOException(c.error);
                }
                if (c.bytes == null) return done;
                convert(c.bytes, c.len, pixels, done);
                done += c.len;
                free.put(c.bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading pixels");
        } finally {
            reader.interrupt();
        }
    }

    /** Reads an idx label file with labels 0..9. */
    public static int[] readLabels(Path file) {
        return readLabels(file, 10);
    }

    /**
     * Reads an idx label file.
     *
     * @param classes labels must lie in {@code [0, classes)}
     * @throws InputException naming the file for a wrong magic number, a truncated or overlong file, or a
     *                        label out of range (with its index)
     */
    public static int[] readLabels(Path file, int classes) {
        if (classes <= 0 || classes > 256) throw new IllegalArgumentException("classes must be 1..256, got " + classes);
        try (InputStream in = Streams.open(file)) {
            byte[] head = in.readNBytes(8);
            checkMagic(file, head, LABELS_MAGIC, "label");
            if (head.length < 8) {
                throw new InputException(file + ": expected an 8-byte idx label header, found " + head.length
                        + " bytes: the file is truncated");
            }
            int count = int32(head, 4);
            if (count < 0) {
                throw new InputException(file + ": invalid label count " + Integer.toUnsignedString(count));
            }
            Streams.checkHolds(file, 8L + count, "8 header bytes and " + count + " labels");
            // the bytes read, then one int each
            MemoryBudget.require(file + ": the header declares " + count + " labels", 5L * count);
            byte[] raw;
            try {
                raw = in.readNBytes(count);
            } catch (EOFException e) {
                raw = new byte[0];
            }
            String what = "8 header bytes and " + count + " labels";
            if (raw.length < count) {
                throw new InputException(file + ": expected " + (8L + count) + " bytes (" + what + "), found "
                        + (8L + raw.length) + ": the file is truncated");
            }
            checkNoTrailingBytes(file, in, 8L + count, what);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                int l = raw[i] & 0xff;
                if (l >= classes) {
                    throw new InputException(file + ": label " + l + " at index " + i + " is outside 0.."
                            + (classes - 1));
                }
                labels[i] = l;
            }
            return labels;
        } catch (ZipException e) {
            throw corrupt(file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkMagic(Path file, byte[] head, int expected, String kind) {
        if (head.length < 4) {
            throw new InputException(file + ": the file has " + head.length + " bytes, too short for an idx "
                    + kind + " file");
        }
        int magic = int32(head, 0);
        if (magic != expected) {
            String hint = magic == IMAGES_MAGIC ? " (this is an image file)"
                    : magic == LABELS_MAGIC ? " (this is a label file)" : "";
            throw new InputException(file + ": not an idx " + kind + " file: magic " + hex(magic) + " expected "
                    + hex(expected) + hint);
        }
    }

    private static void checkNoTrailingBytes(Path file, InputStream in, long expected, String what) throws IOException {
        // reading on to the end also makes a gzip stream check its CRC and length trailer
        long extra = 0;
        try {
            byte[] buf = new byte[4096];
            int r;
            while ((r = in.read(buf)) >= 0) extra += r;
        } catch (EOFException e) {
            throw new InputException(file + ": the gzip stream ends early (its trailer is missing): the file is truncated");
        }
        if (extra > 0) {
            throw new InputException(file + ": expected " + expected + " bytes (" + what + "), found " + (expected + extra)
                    + ": the file has trailing data");
        }
    }

    private static InputException corrupt(Path file, ZipException e) {
        return new InputException(file + ": corrupt gzip data (" + e.getMessage() + ")");
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
