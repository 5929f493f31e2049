package dev.nabla.io;

import dev.nabla.InputException;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy's {@code .npy} format: writes float32 and float64 arrays (version 1.0, {@code '<f4'} or {@code '<f8'},
 * C order) and reads arrays of dtype {@code f4}, {@code f8}, {@code u1}, {@code i4} and {@code i8} (either byte
 * order) as floats, doubles or ints.
 * Fortran-order arrays are read and returned in C order.
 *
 * <p>Layout: {@code \x93NUMPY}, major and minor version bytes, a little-endian header length (2 bytes in version
 * 1, 4 in versions 2 and 3), a Python dict literal such as {@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (3, 4), }} padded with spaces and a newline to a multiple of 64 bytes, then the raw data.
 */
public final class Npy {

    /** An integer array with its shape, in C order; see {@link NamedArray} for floats. */
    public record IntArray(int[] shape, int[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IntArray a && Arrays.equals(shape, a.shape) && Arrays.equals(data, a.data);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "IntArray" + Arrays.toString(shape);
        }
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Writes {@code data} with {@code shape} as a C-order {@code <f4} array, atomically. */
    public static void write(Path file, int[] shape, float[] data) {
        write(file, new NamedArray(shape, data));
    }

    /** Writes {@code array} as a C-order array, atomically: {@code <f4} for float32, {@code <f8} for float64. */
    public static void write(Path file, StoredArray array) {
        byte[] header = header(array.shape(), array instanceof Float64Array ? "<f8" : "<f4");
        AtomicFiles.write(file, out -> {
            DataOutputStream d = new DataOutputStream(out);
            d.write(header);
            SafeTensors.writeData(d, ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN), array);
            d.flush();
        });
    }

    /** The header of a float32 array; see {@link #header(int[], String)}. */
    static byte[] header(int[] shape) {
        return header(shape, "<f4");
    }

    /** Magic, version 1.0, length and the dict, padded so that the data starts at a multiple of 64 as numpy does. */
    static byte[] header(int[] shape, String descr) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) s.append(", ");
            s.append(shape[i]);
        }
        if (shape.length == 1) s.append(',');
        s.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + s + ", }";
        int total = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        StringBuilder h = new StringBuilder(dict);
        h.append(" ".repeat(padded - total)).append('\n');
        byte[] text = h.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return out.array();
    }

    /**
     * Reads a {@code .npy} array of any supported dtype as floats (doubles and 64-bit integers are rounded to
     * the nearest float).
     *
     * @throws InputException naming the file for a missing file, a bad header, an unsupported dtype or a
     *                        truncated file
     */
    public static NamedArray readFloats(Path file) {
        Raw r = readRaw(file);
        int n = r.count;
        ByteBuffer b = r.data;
        float[] out = new float[n];
        switch (r.kind) {
            case "f4" -> b.asFloatBuffer().get(out);
            case "f8" -> {
                var d = b.asDoubleBuffer();
                for (int i = 0; i < n; i++) out[i] = (float) d.get(i);
            }
            case "u1" -> {
                for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff;
            }
            case "i4" -> {
                var d = b.asIntBuffer();
                for (int i = 0; i < n; i++) out[i] = d.get(i);
            }
            case "i8" -> {
                var d = b.asLongBuffer();
                for (int i = 0; i < n; i++) out[i] = d.get(i);
            }
            default -> throw new IllegalStateException(r.kind);
        }
        return new NamedArray(r.shape, r.fortran ? toCOrder(out, r.shape) : out);
    }

    /**
     * Reads a {@code .npy} array of floats ({@code f4} or {@code f8}) as float64, exactly.
     *
     * @throws InputException for integer dtypes, and as {@link #readFloats}
     */
    public static Float64Array readDoubles(Path file) {
        Raw r = readRaw(file);
        double[] out = new double[r.count];
        switch (r.kind) {
            case "f8" -> r.data.asDoubleBuffer().get(out);
            case "f4" -> {
                var d = r.data.asFloatBuffer();
                for (int i = 0; i < out.length; i++) out[i] = d.get(i);
            }
            default -> throw new InputException(file + ": dtype " + r.descr + " holds integers; expected floats (<f4 or <f8)");
        }
        if (r.fortran) {
            double[] c = new double[out.length];
            int[] map = fortranIndexOfC(r.shape, out.length);
            for (int i = 0; i < c.length; i++) c[i] = out[map[i]];
            out = c;
        }
        return new Float64Array(r.shape, out);
    }

    /**
     * Reads a {@code .npy} array of integers ({@code u1}, {@code i4}, or {@code i8} whose values fit an int),
     * e.g. labels.
     *
     * @throws InputException for float dtypes, for 64-bit values outside the int range, and as {@link #readFloats}
     */
    public static IntArray readInts(Path file) {
        Raw r = readRaw(file);
        int n = r.count;
        ByteBuffer b = r.data;
        int[] out = new int[n];
        switch (r.kind) {
            case "u1" -> {
                for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff;
            }
            case "i4" -> b.asIntBuffer().get(out);
            case "i8" -> {
                var d = b.asLongBuffer();
                for (int i = 0; i < n; i++) {
                    long v = d.get(i);
                    if (v != (int) v) {
                        throw new InputException(file + ": value " + v + " at index " + i
                                + " does not fit a 32-bit int");
                    }
                    out[i] = (int) v;
                }
            }
            default -> throw new InputException(file + ": dtype " + r.descr
                    + " holds floats; expected integers (|u1, <i4 or <i8)");
        }
        return new IntArray(r.shape, r.fortran ? toCOrder(out, r.shape) : out);
    }

    /**
     * Reads a {@code .npy} array as {@link #readFloats} does and refuses NaN and infinities, for inputs a model
     * computes with.
     *
     * @throws InputException naming the file and the index of the first value that is not finite
     */
    public static NamedArray readFiniteFloats(Path file) {
        NamedArray a = readFloats(file);
        int bad = NamedArray.firstNonFinite(a.data());
        if (bad >= 0) {
            throw new InputException(file + ": value " + a.data()[bad] + " at index " + NamedArray.index(a.shape(), bad)
                    + " (flat index " + bad + ") is not finite; inputs must be finite numbers");
        }
        return a;
    }

    private record Raw(String descr, String kind, boolean fortran, int[] shape, int count, ByteBuffer data) {
    }

    /** Reads the header first and checks the shape against the file's length and the heap, then the data. */
    private static Raw readRaw(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readRaw(file, ch);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Raw readRaw(Path file, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        byte[] lead = read(ch, 0, (int) Math.min(12, fileSize));
        if (lead.length < 10 || !Arrays.equals(lead, 0, 6, MAGIC, 0, 6)) {
            throw new InputException(file + ": not a .npy file (it does not start with \\x93NUMPY)");
        }
        ByteBuffer bb = ByteBuffer.wrap(lead).order(ByteOrder.LITTLE_ENDIAN);
        int major = lead[6];
        int start;
        long headerLen;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (lead.length < 12) throw new InputException(file + ": the .npy header is truncated");
            headerLen = bb.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            throw new InputException(file + ": .npy format version " + major + "." + lead[7]
                    + " is not supported (expected 1.0, 2.0 or 3.0)");
        }
        if (start + headerLen > fileSize) {
            throw new InputException(file + ": the .npy header (" + headerLen + " bytes) is truncated");
        }
        if (headerLen > MAX_HEADER) {
            throw new InputException(file + ": the .npy header declares " + headerLen + " bytes; a header of a"
                    + " few hundred bytes is expected (at most " + MAX_HEADER + ")");
        }
        String header = new String(read(ch, start, (int) headerLen),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Matcher m = DESCR.matcher(header);
        if (!m.find()) throw new InputException(file + ": the .npy header has no 'descr': " + header.strip());
        String descr = m.group(1);
        if (descr.length() != 3 || "<>|=".indexOf(descr.charAt(0)) < 0) {
            throw unsupported(file, descr);
        }
        String kind = descr.substring(1);
        int size = switch (kind) {
            case "f4", "i4" -> 4;
            case "f8", "i8" -> 8;
            case "u1" -> 1;
            default -> throw unsupported(file, descr);
        };
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

        Matcher f = FORTRAN.matcher(header);
        if (!f.find()) throw new InputException(file + ": the .npy header has no 'fortran_order': " + header.strip());
        boolean fortran = f.group(1).equals("True");

        Matcher s = SHAPE.matcher(header);
        if (!s.find()) throw new InputException(file + ": the .npy header has no 'shape': " + header.strip());
        String[] parts = s.group(1).split(",");
        int[] shape = new int[parts.length];
        int dims = 0;
        long count = 1;
        for (String p : parts) {
            String t = p.strip();
            if (t.isEmpty()) continue; // "(5,)" and "()"
            long d;
            try {
                d = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
            } catch (NumberFormatException e) {
                throw new InputException(file + ": invalid dimension '" + t + "' in shape (" + s.group(1) + ")");
            }
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new InputException(file + ": invalid dimension " + d + " in shape (" + s.group(1) + ")");
            }
            shape[dims++] = (int) d;
            count *= d;
            if (count > Integer.MAX_VALUE) {
                throw new InputException(file + ": shape (" + s.group(1) + ") is too large for a Java array");
            }
        }
        shape = Arrays.copyOf(shape, dims);

        long dataStart = start + headerLen;
        long need = count * size;
        long have = fileSize - dataStart;
        if (have < need) {
            throw new InputException(file + ": shape " + Arrays.toString(shape) + " of " + descr + " needs " + need
                    + " bytes of data, found " + have + ": the file is truncated");
        }
        if (have > need) {
            throw new InputException(file + ": shape " + Arrays.toString(shape) + " of " + descr + " needs " + need
                    + " bytes of data, found " + have + " (trailing bytes)");
        }
        // the raw bytes and the array they become (a copy more when reordering Fortran order)
        MemoryBudget.require(file + ": the header declares shape " + Arrays.toString(shape) + " of " + descr,
                MemoryBudget.sum(file + ": shape " + Arrays.toString(shape), need, (fortran ? 12 : 4) * count));
        ByteBuffer data = ByteBuffer.wrap(read(ch, dataStart, (int) need)).order(order);
        return new Raw(descr, kind, fortran, shape, (int) count, data);
    }

    /** Headers hold a short dict; numpy itself refuses longer ones by default. */
    private static final int MAX_HEADER = 1 << 16;

    private static byte[] read(FileChannel ch, long position, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        long p = position;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) throw new IOException("unexpected end of file at byte " + p);
            p += r;
        }
        return b.array();
    }

    private static InputException unsupported(Path file, String descr) {
        return new InputException(file + ": dtype '" + descr
                + "' is not supported (expected <f4, <f8, |u1, <i4 or <i8)");
    }

    /** Fortran order (first index fastest) to C order (last index fastest). */
    private static float[] toCOrder(float[] f, int[] shape) {
        float[] c = new float[f.length];
        int[] map = fortranIndexOfC(shape, f.length);
        for (int i = 0; i < c.length; i++) c[i] = f[map[i]];
        return c;
    }

    private static int[] toCOrder(int[] f, int[] shape) {
        int[] c = new int[f.length];
        int[] map = fortranIndexOfC(shape, f.length);
        for (int i = 0; i < c.length; i++) c[i] = f[map[i]];
        return c;
    }

    /** For each C-order position, the position of the same element in Fortran order. */
    private static int[] fortranIndexOfC(int[] shape, int n) {
        int[] fStride = new int[shape.length];
        int st = 1;
        for (int k = 0; k < shape.length; k++) {
            fStride[k] = st;
            st *= shape[k];
        }
        int[] map = new int[n];
        int[] idx = new int[shape.length];
        int fpos = 0;
        for (int i = 0; i < n; i++) {
            map[i] = fpos;
            // advance the C-order multi-index (last dimension fastest), keeping the Fortran offset in step
            for (int k = shape.length - 1; k >= 0; k--) {
                idx[k]++;
                fpos += fStride[k];
                if (idx[k] < shape[k]) break;
                fpos -= fStride[k] * shape[k];
                idx[k] = 0;
            }
        }
        return map;
    }
}
