package dev.nabla.data;

import dev.nabla.InputException;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
