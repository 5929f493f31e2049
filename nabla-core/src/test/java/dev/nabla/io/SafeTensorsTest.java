package dev.nabla.io;

import dev.nabla.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {

    @TempDir
    Path dir;

    private static LinkedHashMap<String, NamedArray> weights() {
        LinkedHashMap<String, NamedArray> m = new LinkedHashMap<>();
        float[] w = new float[6];
        for (int i = 0; i < w.length; i++) w[i] = i * 0.5f - 1;
        m.put("layers.0.weight", new NamedArray(new int[] {2, 3}, w));
        m.put("layers.0.bias", new NamedArray(new int[] {3}, new float[] {Float.MIN_VALUE, -0f, Float.NaN}));
        m.put("scale", new NamedArray(new int[] {}, new float[] {3.25f}));
        m.put("empty", new NamedArray(new int[] {0, 4}, new float[0]));
        return m;
    }

    @Test
    void roundTripsTensorsMetadataAndOrder() {
        Path f = dir.resolve("model.safetensors");
        SafeTensors.write(f, weights(), Map.of("format", "pt", "model", "mlp"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(List.copyOf(weights().keySet()), List.copyOf(c.tensors().keySet()));
        assertEquals(weights(), c.tensors());
        assertEquals(Map.of("format", "pt", "model", "mlp"), c.metadata());
    }

    @Test
    void layoutFollowsTheFormat() throws IOException {
        Path f = dir.resolve("m.safetensors");
        LinkedHashMap<String, NamedArray> m = new LinkedHashMap<>();
        m.put("a", new NamedArray(new int[] {2}, new float[] {1f, -2f}));
        m.put("b", new NamedArray(new int[] {1, 1}, new float[] {0.5f}));
        SafeTensors.write(f, m);
        byte[] all = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertEquals(0, (8 + n) % 8, "data starts 8-byte aligned");
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}", header.stripTrailing());
        assertTrue(header.endsWith(" ") || header.length() % 8 == 0, "padded with spaces");
        assertEquals(8 + n + 12, all.length);
        assertEquals(1f, b.getFloat((int) (8 + n)));
        assertEquals(-2f, b.getFloat((int) (8 + n + 4)));
        assertEquals(0.5f, b.getFloat((int) (8 + n + 8)));
    }

    @Test
    void readsF64F16AndBf16AsFloats() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(16 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(1.5).putDouble(-0.25);
        data.putShort(Float.floatToFloat16(2.5f)).putShort(Float.floatToFloat16(-1f));
        data.putShort((short) (Float.floatToIntBits(3f) >>> 16)).putShort((short) (Float.floatToIntBits(-0.5f) >>> 16));
        Path f = write("mixed.safetensors", "{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[16,20]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[20,24]}}", data.array());
        Map<String, NamedArray> t = SafeTensors.readTensors(f);
        assertArrayEquals(new float[] {1.5f, -0.25f}, t.get("d").data());
        assertArrayEquals(new float[] {2.5f, -1f}, t.get("h").data());
        assertArrayEquals(new float[] {3f, -0.5f}, t.get("b").data());
    }

    @Test
    void truncatedFileNamesTheTensor() throws IOException {
        Path f = dir.resolve("t.safetensors");
        SafeTensors.write(f, weights());
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 4));
        InputException e = assertThrows(InputException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().startsWith(f + ": tensor 'scale'"), e.getMessage());
        assertTrue(e.getMessage().endsWith("the file is truncated"), e.getMessage());
    }

    @Test
    void rejectsHeadersThatDoNotMatchTheData() throws IOException {
        byte[] eight = new byte[8];
        assertError("tensor 'w': shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight);
        assertError("tensor 'w': dtype I64 is not supported (nabla reads F32, F64, F16, BF16)",
                "{\"w\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", eight);
        assertError("tensor 'b' data_offsets [0, 4] overlap tensor 'a' [0, 4]",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", eight);
        assertError("data bytes 0..4 belong to no tensor (before tensor 'a')",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight);
        assertError("the data section has 8 bytes but the tensors use 4: the file has trailing bytes",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", eight);
        assertError("tensor 'a': shape must hold integers, found 1.5",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", eight);
        assertError("__metadata__ value of \"k\" must be a string, found number",
                "{\"__metadata__\":{\"k\":1}}", new byte[0]);
    }

    @Test
    void rejectsFilesThatAreNotSafetensors() throws IOException {
        Path f = dir.resolve("w.npy");
        Files.write(f, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0, '{', '}'});
        InputException e = assertThrows(InputException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().startsWith(f + ": header length"), e.getMessage());
        Path bad = write("bad.safetensors", "{\"a\": oops}", new byte[0]);
        assertTrue(assertThrows(InputException.class, () -> SafeTensors.read(bad)).getMessage()
                .contains("invalid JSON at line 1, column 7"));
        assertEquals(dir.resolve("none") + ": no such file",
                assertThrows(InputException.class, () -> SafeTensors.read(dir.resolve("none"))).getMessage());
    }

    @Test
    void shapesBeyondTheFileOrTheHeapAreRefusedBeforeAllocating() throws IOException {
        byte[] four = new byte[4];
        assertError("tensor 'w': shape [2147483647, 2147483647] is too large for a Java array",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647],\"data_offsets\":[0,4]}}", four);
        assertError("tensor 'w': data_offsets [0, 4000000000] reach past the end of the data (4 bytes): the file is truncated",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000000],\"data_offsets\":[0,4000000000]}}", four);

        // a sparse file as long as its header says: its tensor as floats, and its bytes, exceed the heap
        long count = Runtime.getRuntime().maxMemory() / 8 + (1 << 20);
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[" + count + "],\"data_offsets\":[0," + 4 * count + "]}}";
        Path f = write("huge.safetensors", header, new byte[0]);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(raf.length() + 4 * count);
        }
        String m = assertThrows(InputException.class, () -> SafeTensors.read(f)).getMessage();
        assertTrue(m.startsWith(f + ": the header declares 1 tensors of " + count + " values in all, which would need "), m);
        assertTrue(m.contains(" is available (Java heap limit "), m);
    }

    @Test
    void refusesReservedOrEmptyNames() {
        LinkedHashMap<String, NamedArray> m = new LinkedHashMap<>();
        m.put("__metadata__", new NamedArray(new int[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("x"), m));
    }

    private void assertError(String expected, String header, byte[] data) throws IOException {
        Path f = write("e.safetensors", header, data);
        assertEquals(f + ": " + expected, assertThrows(InputException.class, () -> SafeTensors.read(f)).getMessage());
    }

    private Path write(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }
}
