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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors weight format, which PyTorch, JAX and Hugging Face tools also read.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8 JSON, padded with
 * spaces so that the data starts at a multiple of 8; then the raw little-endian tensor data. The header maps each
 * tensor name to {@code {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}} (offsets relative to the
 * start of the data) and may hold {@code "__metadata__"}, a map of strings to strings.
 *
 * <p>nabla writes F32 ({@link NamedArray}) and F64 ({@link Float64Array}); {@link #read} gives every tensor as
 * float (F32, F64, F16, BF16), {@link #readExact} keeps F64 as F64. Tensors keep their order: the order of the map
 * when writing, the order of the header when reading.
 */
public final class SafeTensors {

    /** The key of the optional string-to-string map in the header. */
    public static final String METADATA_KEY = "__metadata__";
    private static final long MAX_HEADER = 100L << 20;

    /** What a safetensors file holds: tensors in header order, and the header's metadata (possibly empty). */
    public record Contents(LinkedHashMap<String, NamedArray> tensors, Map<String, String> metadata) {
    }

    /** What {@link #readExact} gives: F64 tensors as {@link Float64Array}, the others as {@link NamedArray}. */
    public record ExactContents(LinkedHashMap<String, StoredArray> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    /** Writes {@code tensors} (F32) with no metadata; see {@link #write(Path, Map, Map)}. */
    public static void write(Path file, Map<String, ? extends StoredArray> tensors) {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} (each F32 or F64, as its type says) in map order, with {@code metadata} in the header,
     * atomically (a temporary file renamed over {@code file}).
     *
     * @throws IllegalArgumentException for an empty name or the reserved name {@value #METADATA_KEY}
     */
    public static void write(Path file, Map<String, ? extends StoredArray> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        AtomicFiles.write(file, out -> {
            DataOutputStream dout = new DataOutputStream(out);
            dout.writeLong(Long.reverseBytes(header.length));
            dout.write(header);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (StoredArray a : tensors.values()) writeData(dout, buf, a);
            dout.flush();
        });
    }

    /** The raw little-endian values of {@code a}, through {@code buf}. */
    static void writeData(DataOutputStream out, ByteBuffer buf, StoredArray a) throws IOException {
        switch (a) {
            case NamedArray f -> {
                float[] d = f.data();
                for (int i = 0; i < d.length; ) {
                    int n = Math.min(buf.capacity() / 4, d.length - i);
                    buf.clear();
                    buf.asFloatBuffer().put(d, i, n);
                    out.write(buf.array(), 0, n * 4);
                    i += n;
                }
            }
            case Float64Array f -> {
                double[] d = f.data();
                for (int i = 0; i < d.length; ) {
                    int n = Math.min(buf.capacity() / 8, d.length - i);
                    buf.clear();
                    buf.asDoubleBuffer().put(d, i, n);
                    out.write(buf.array(), 0, n * 8);
                    i += n;
                }
            }
        }
    }

    /** The padded header bytes for {@code tensors} laid out one after another in map order. */
    static byte[] header(Map<String, ? extends StoredArray> tensors, Map<String, String> metadata) {
        Map<String, Object> h = new LinkedHashMap<>();
        if (!metadata.isEmpty()) h.put(METADATA_KEY, new LinkedHashMap<>(metadata));
        long offset = 0;
        for (Map.Entry<String, ? extends StoredArray> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name \"" + name + "\"");
            }
            StoredArray a = e.getValue();
            long bytes = a instanceof Float64Array d ? 8L * d.data().length : 4L * ((NamedArray) a).data().length;
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", a.dtype());
            t.put("shape", e.getValue().shape());
            t.put("data_offsets", new long[] {offset, offset + bytes});
            h.put(name, t);
            offset += bytes;
        }
        byte[] json = Json.write(h).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** Reads only the tensors of a safetensors file; see {@link #read(Path)}. */
    public static LinkedHashMap<String, NamedArray> readTensors(Path file) {
        return read(file).tensors();
    }

    /**
     * Reads a safetensors file, checking the header against the file: every tensor's dtype, shape and offsets,
     * and that the tensors cover the data section exactly.
     *
     * @throws InputException naming the file (and tensor) for a missing, truncated or malformed file
     */
    public static Contents read(Path file) {
        ExactContents c = readExact(file);
        LinkedHashMap<String, NamedArray> tensors = new LinkedHashMap<>();
        c.tensors().forEach((k, a) -> tensors.put(k, a instanceof Float64Array d ? toFloat(d) : (NamedArray) a));
        return new Contents(tensors, c.metadata());
    }

    private static NamedArray toFloat(Float64Array d) {
        float[] f = new float[d.data().length];
        for (int i = 0; i < f.length; i++) f[i] = (float) d.data()[i];
        return new NamedArray(d.shape(), f);
    }

    /**
     * Reads a safetensors file as {@link #read} does, but keeps F64 tensors in float64 ({@link Float64Array});
     * F16 and BF16 are widened to float32.
     *
     * @throws InputException as {@link #read}
     */
    public static ExactContents readExact(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw bad(file, "the file has " + size + " bytes, too short for a safetensors header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.getLong(0);
            if (n < 2 || n > MAX_HEADER || n > size - 8) {
                throw bad(file, "header length " + Long.toUnsignedString(n) + " does not fit a file of " + size
                        + " bytes (is it a safetensors file?)");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            String text = new String(hb.array(), StandardCharsets.UTF_8);
            Map<String, Object> header = Json.parseObject(text, file + " (safetensors header)");
            long dataStart = 8 + n;
            long dataLen = size - dataStart;

            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, Object> e : header.entrySet()) {
                if (e.getKey().equals(METADATA_KEY)) {
                    metadata = metadata(file, e.getValue());
                } else {
                    entries.add(entry(file, e.getKey(), e.getValue(), dataLen));
                }
            }
            checkCoverage(file, entries, dataLen);
            // the tensors lie within the file; the floats they become, and the bytes of the largest one while it
            // is decoded, must fit the heap too
            long floats = 0;
            long largest = 0;
            for (Entry en : entries) {
                floats += en.count;
                largest = Math.max(largest, en.end - en.begin);
            }
            MemoryBudget.require(file + ": the header declares " + entries.size() + " tensors of " + floats
                    + " values in all", 4 * floats + largest);

            LinkedHashMap<String, StoredArray> tensors = new LinkedHashMap<>();
            for (Entry en : entries) {
                ByteBuffer b = ByteBuffer.allocate((int) (en.end - en.begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, b, dataStart + en.begin);
                b.flip();
                if (en.dtype.equals("F64")) {
                    double[] d = new double[(int) en.count];
                    b.asDoubleBuffer().get(d);
                    tensors.put(en.name, new Float64Array(en.shape, d));
                } else {
                    tensors.put(en.name, new NamedArray(en.shape, decode(b, en.dtype, (int) en.count)));
                }
            }
            return new ExactContents(tensors, metadata);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private record Entry(String name, String dtype, int[] shape, long count, long begin, long end) {
    }

    private static Map<String, String> metadata(Path file, Object v) {
        if (!(v instanceof Map<?, ?> m)) {
            throw bad(file, METADATA_KEY + " must be an object of strings, found " + Json.typeName(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw bad(file, METADATA_KEY + " value of \"" + e.getKey() + "\" must be a string, found "
                        + Json.typeName(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static Entry entry(Path file, String name, Object v, long dataLen) {
        String where = "tensor '" + name + "'";
        if (!(v instanceof Map<?, ?> m)) throw bad(file, where + ": expected an object, found " + Json.typeName(v));
        if (!(m.get("dtype") instanceof String dtype)) throw bad(file, where + ": missing string \"dtype\"");
        int elem = switch (dtype) {
            case "F32" -> 4;
            case "F64" -> 8;
            case "F16", "BF16" -> 2;
            default -> throw bad(file, where + ": dtype " + dtype + " is not supported (nabla reads F32, F64, F16, BF16)");
        };
        if (!(m.get("shape") instanceof List<?> shapeList)) throw bad(file, where + ": missing array \"shape\"");
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = integer(file, where + ": shape", shapeList.get(i));
            if (d < 0 || d > Integer.MAX_VALUE) throw bad(file, where + ": invalid dimension " + d + " in shape");
            shape[i] = (int) d;
            count *= d;
            if (count > Integer.MAX_VALUE) {
                throw bad(file, where + ": shape " + shapeList.stream().map(x -> integer(file, where, x)).toList()
                        + " is too large for a Java array");
            }
        }
        if (!(m.get("data_offsets") instanceof List<?> off) || off.size() != 2) {
            throw bad(file, where + ": \"data_offsets\" must be [begin, end]");
        }
        long begin = integer(file, where + ": data_offsets", off.get(0));
        long end = integer(file, where + ": data_offsets", off.get(1));
        if (begin < 0 || end < begin) throw bad(file, where + ": invalid data_offsets [" + begin + ", " + end + "]");
        if (end - begin != count * elem) {
            throw bad(file, where + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs " + count * elem
                    + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        if (end > dataLen) {
            throw bad(file, where + ": data_offsets [" + begin + ", " + end + "] reach past the end of the data ("
                    + dataLen + " bytes): the file is truncated");
        }
        return new Entry(name, dtype, shape, count, begin, end);
    }

    private static long integer(Path file, String where, Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) return d.longValue();
        throw bad(file, where + " must hold integers, found " + (v instanceof Double ? v : Json.typeName(v)));
    }

    /** The format requires the tensors to tile the data section: no gaps, no overlaps, nothing after them. */
    private static void checkCoverage(Path file, List<Entry> entries, long dataLen) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.begin < at) {
                throw bad(file, "tensor '" + e.name + "' data_offsets [" + e.begin + ", " + e.end + "] overlap tensor '"
                        + prev.name + "' [" + prev.begin + ", " + prev.end + "]");
            }
            if (e.begin > at) {
                throw bad(file, "data bytes " + at + ".." + e.begin + " belong to no tensor (before tensor '" + e.name + "')");
            }
            at = e.end;
            prev = e;
        }
        if (at != dataLen) {
            throw bad(file, "the data section has " + dataLen + " bytes but the tensors use " + at
                    + ": the file has trailing bytes");
        }
    }

    private static float[] decode(ByteBuffer b, String dtype, int count) {
        float[] out = new float[count];
        switch (dtype) {
            case "F32" -> b.asFloatBuffer().get(out);
            case "F16" -> {
                var s = b.asShortBuffer();
                for (int i = 0; i < count; i++) out[i] = Float.float16ToFloat(s.get(i));
            }
            case "BF16" -> {
                var s = b.asShortBuffer();
                for (int i = 0; i < count; i++) out[i] = Float.intBitsToFloat((s.get(i) & 0xffff) << 16);
            }
            default -> throw new IllegalStateException(dtype);
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) throw new IOException("unexpected end of file at byte " + p);
            p += r;
        }
    }

    private static InputException bad(Path file, String what) {
        return new InputException(file + ": " + what);
    }
}
