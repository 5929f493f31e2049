package dev.nabla.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A minimal reader of tar archives (ustar, with pax and GNU long names), enough to take files out of an npm
 * package tarball. Each entry is a 512-byte header (name at 0, octal size at 124, checksum at 148, type at 156,
 * ustar name prefix at 345) followed by its data padded to 512 bytes; two zero blocks end the archive.
 */
public final class Tar {

    private static final int BLOCK = 512;

    private Tar() {
    }

    /**
     * The regular files of the archive whose names {@code wanted} accepts, by name, in archive order.
     *
     * @throws IOException for a header with a wrong checksum, a bad size field, or an archive cut short
     */
    public static Map<String, byte[]> extract(InputStream in, Predicate<String> wanted) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        byte[] header = new byte[BLOCK];
        String longName = null;
        long offset = 0;
        while (true) {
            int r = in.readNBytes(header, 0, BLOCK);
            if (r == 0) return out; // no end-of-archive blocks: tolerated
            if (r < BLOCK) throw new IOException("tar archive cut short in the header at byte " + offset);
            if (isZero(header)) return out;
            checkChecksum(header, offset);
            long size = octal(header, 124, 12, offset);
            byte type = header[156];
            String name = longName != null ? longName : name(header);
            longName = null;
            offset += BLOCK;
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            boolean regular = type == '0' || type == 0 || type == '7';
            if (type == 'L' || type == 'x') {
                byte[] data = readExactly(in, size, offset);
                skip(in, padded - size, offset);
                longName = type == 'L' ? cString(data, 0, data.length) : paxPath(data);
            } else if (regular && wanted.test(name)) {
                if (size > Integer.MAX_VALUE - 8) throw new IOException("tar entry " + name + " is too large: " + size);
                out.put(name, readExactly(in, size, offset));
                skip(in, padded - size, offset);
            } else {
                skip(in, padded, offset);
            }
            offset += padded;
        }
    }

    /** The entry name: the ustar prefix (if any), a slash, and the name. */
    private static String name(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
        String prefix = ustar ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The "path" record of a pax extended header ("LEN path=VALUE\n" records), or null. */
    private static String paxPath(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        int i = 0;
        while (i < s.length()) {
            int sp = s.indexOf(' ', i);
            if (sp < 0) break;
            int len;
            try {
                len = Integer.parseInt(s.substring(i, sp));
            } catch (NumberFormatException e) {
                break;
            }
            if (len <= 0 || i + len > s.length()) break;
            String rec = s.substring(sp + 1, i + len - 1);
            if (rec.startsWith("path=")) return rec.substring(5);
            i += len;
        }
        return null;
    }

    private static void checkChecksum(byte[] h, long offset) throws IOException {
        long stored = octal(h, 148, 8, offset);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        if (sum != stored) {
            throw new IOException("tar header at byte " + offset + " has checksum " + stored + ", computed " + sum
                    + ": the archive is damaged or not a tar file");
        }
    }

    private static long octal(byte[] h, int at, int len, long offset) throws IOException {
        long v = 0;
        int i = at;
        int end = at + len;
        while (i < end && (h[i] == ' ' || h[i] == 0)) i++;
        boolean any = false;
        for (; i < end && h[i] != 0 && h[i] != ' '; i++) {
            int d = h[i] - '0';
            if (d < 0 || d > 7) {
                throw new IOException("tar header at byte " + offset + " has a bad octal field at " + at
                        + ": the archive is damaged or not a tar file");
            }
            v = v * 8 + d;
            any = true;
        }
        return any ? v : 0;
    }

    private static String cString(byte[] b, int at, int len) {
        int end = at;
        while (end < at + len && b[end] != 0) end++;
        return new String(b, at, end - at, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static byte[] readExactly(InputStream in, long size, long offset) throws IOException {
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new IOException("tar archive cut short: an entry at byte " + offset + " needs " + size
                    + " bytes, found " + data.length);
        }
        return data;
    }

    private static void skip(InputStream in, long n, long offset) throws IOException {
        long left = n;
        byte[] buf = new byte[8192];
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) throw new IOException("tar archive cut short in an entry at byte " + offset);
            left -= r;
        }
    }
}
