package dev.nabla.data;

import dev.nabla.InputException;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/** Opening files that may be gzip-compressed, and SHA-256 checksums. */
public final class Streams {

    /** Large buffers: inflating the 10 MB MNIST training images in 64 KiB steps keeps the JNI calls few. */
    public static final int BUFFER = 1 << 16;

    private Streams() {
    }

    /** True when {@code b} starts with the gzip magic bytes 1f 8b. */
    public static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    /**
     * Opens {@code file} for reading its content: decompressed when it starts with the gzip magic, whatever its
     * name.
     *
     * @throws InputException when the file does not exist
     */
    public static InputStream open(Path file) {
        try {
            BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) return new GZIPInputStream(in, BUFFER);
            return in;
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deflate compresses at most about 1032:1, so a gzip file of n bytes holds at most this many times n. */
    static final long MAX_DEFLATE_RATIO = 1032;

    /**
     * Checks, before a reader allocates for them, that {@code file} can hold the {@code declared} bytes of content
     * its header announces ({@code what} says what they are): a raw file must have that many; a gzip file's
     * trailer records its content's length (mod 2^32, for a file compressed as one gzip member, as gzip writes
     * it), and no gzip file holds more than {@link #MAX_DEFLATE_RATIO} times its length. A file longer than
     * declared passes here: readers report the trailing data once they have read what was declared.
     *
     * @throws InputException naming the file, the declared length and what the file can hold
     */
    static void checkHolds(Path file, long declared, String what) {
        long size;
        boolean gzip;
        long trailer = -1;
        try (FileChannel ch = FileChannel.open(file)) {
            size = ch.size();
            ByteBuffer head = ByteBuffer.allocate(2);
            ch.read(head, 0);
            gzip = isGzip(head.array());
            if (gzip && size >= 18) {
                ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                while (tail.hasRemaining() && ch.read(tail, size - 4 + tail.position()) > 0) {
                    // read the 4 bytes of ISIZE
                }
                trailer = tail.getInt(0) & 0xffffffffL;
            }
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String expected = file + ": expected " + declared + " bytes (" + what + ")";
        if (!gzip) {
            if (size < declared) throw new InputException(expected + ", found " + size + ": the file is truncated");
            return;
        }
        if (declared / MAX_DEFLATE_RATIO > size) {
            throw new InputException(expected + ", but a gzip file of " + size + " bytes holds at most "
                    + size * MAX_DEFLATE_RATIO + ": the file is truncated or its header is wrong");
        }
        if (trailer >= 0 && declared < (1L << 32) && trailer < declared) {
            throw new InputException(expected + ", but its gzip trailer records " + trailer
                    + ": the file is truncated");
        }
    }

    /** The content of {@code bytes}, decompressed if they are gzip data. */
    public static byte[] maybeGunzip(byte[] bytes) throws IOException {
        if (!isGzip(bytes)) return bytes;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), BUFFER)) {
            return in.readAllBytes();
        }
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** Lower-case hex SHA-256 of the content of {@code file}, decompressed first if it is gzip data. */
    public static String sha256Hex(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = open(file)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
