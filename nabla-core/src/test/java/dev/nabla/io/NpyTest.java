package dev.nabla.io;

import dev.nabla.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resources *.npy were written by numpy 1.24.2 ({@code np.save}). */
class NpyTest {

    @TempDir
    Path dir;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource("/dev/nabla/io/" + name).toURI());
    }

    @Test
    void roundTripsFloat32Arrays() {
        for (int[] shape : new int[][] {{}, {5}, {2, 3}, {2, 0, 3}, {3, 1, 2, 2}}) {
            int n = (int) NamedArray.size(shape);
            float[] data = new float[n];
            for (int i = 0; i < n; i++) data[i] = (float) Math.sin(i) * 100;
            Path f = dir.resolve("a" + shape.length + ".npy");
            Npy.write(f, shape, data);
            NamedArray back = Npy.readFloats(f);
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(data, back.data());
        }
    }

    @Test
    void nonFiniteInputsAreRefusedNamingTheFileAndTheIndex() {
        Path f = dir.resolve("x.npy");
        Npy.write(f, new int[] {2, 3}, new float[] {0, 1, 2, 3, Float.NaN, 5});
        assertEquals(6, Npy.readFloats(f).data().length, "the plain reader keeps every value");
        assertEquals(f + ": value NaN at index [1, 1] (flat index 4) is not finite; inputs must be finite numbers",
                assertThrows(InputException.class, () -> Npy.readFiniteFloats(f)).getMessage());
        Npy.write(f, new int[] {3}, new float[] {0, Float.NEGATIVE_INFINITY, 1});
        assertEquals(f + ": value -Infinity at index [1] (flat index 1) is not finite; inputs must be finite numbers",
                assertThrows(InputException.class, () -> Npy.readFiniteFloats(f)).getMessage());
    }

    @Test
    void declaredSizesAreCheckedAgainstTheFileAndTheHeapBeforeReading() throws IOException {
        // a header of 4 GB in a 12-byte file
        Path f = dir.resolve("h.npy");
        Files.write(f, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0xf0, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertEquals(f + ": the .npy header (4294967280 bytes) is truncated",
                assertThrows(InputException.class, () -> Npy.readFloats(f)).getMessage());

        // a sparse file as long as its header declares, its values beyond the heap
        long count = Runtime.getRuntime().maxMemory() / 8 + (1 << 20);
        Path big = dir.resolve("big.npy");
        byte[] header = Npy.header(new int[] {(int) count});
        try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
            raf.write(header);
            raf.setLength(header.length + 4 * count);
        }
        String m = assertThrows(InputException.class, () -> Npy.readFloats(big)).getMessage();
        assertTrue(m.startsWith(big + ": the header declares shape [" + count + "] of <f4, which would need "), m);
        assertTrue(m.contains(" is available (Java heap limit "), m);
    }

    @Test
    void writesTheHeaderNumpyWrites() throws IOException, URISyntaxException {
        Path f = dir.resolve("same.npy");
        Npy.write(f, new int[] {2, 3}, new float[] {0.5f, -1.25f, 3.0f, 1e-3f, 7.0f, -0.0f});
        assertArrayEquals(Files.readAllBytes(resource("f4-2x3.npy")), Files.readAllBytes(f));
        String header = new String(Npy.header(new int[] {5}), StandardCharsets.US_ASCII);
        assertTrue(header.contains("'shape': (5,), }"), header);
        assertEquals(0, Npy.header(new int[] {5}).length % 64);
    }

    @Test
    void readsTheDtypesNumpyWrites() throws URISyntaxException {
        NamedArray f4 = Npy.readFloats(resource("f4-2x3.npy"));
        assertArrayEquals(new int[] {2, 3}, f4.shape());
        assertArrayEquals(new float[] {0.5f, -1.25f, 3.0f, 1e-3f, 7.0f, -0.0f}, f4.data());
        assertArrayEquals(new float[] {0.1f, -2.5f, Float.POSITIVE_INFINITY, 3.0f}, Npy.readFloats(resource("f8-4.npy")).data());
        assertArrayEquals(new float[] {1.5f, -2.0f, 0.25f}, Npy.readFloats(resource("f4-bigendian-3.npy")).data());
        Npy.IntArray u1 = Npy.readInts(resource("u1-2x2.npy"));
        assertArrayEquals(new int[] {2, 2}, u1.shape());
        assertArrayEquals(new int[] {0, 255, 7, 128}, u1.data());
        assertArrayEquals(new float[] {0, 255, 7, 128}, Npy.readFloats(resource("u1-2x2.npy")).data());
        assertArrayEquals(new int[] {3, -1, 0, 9, Integer.MAX_VALUE}, Npy.readInts(resource("i8-5.npy")).data());
        Npy.IntArray scalar = Npy.readInts(resource("i4-scalar.npy"));
        assertArrayEquals(new int[] {}, scalar.shape());
        assertArrayEquals(new int[] {42}, scalar.data());
    }

    @Test
    void returnsFortranOrderArraysInCOrder() throws URISyntaxException {
        // np.asfortranarray(np.arange(12).reshape(2, 3, 2)): C order of the values is 0..11 again
        NamedArray a = Npy.readFloats(resource("f4-fortran-2x3x2.npy"));
        assertArrayEquals(new int[] {2, 3, 2}, a.shape());
        float[] expected = new float[12];
        for (int i = 0; i < 12; i++) expected[i] = i;
        assertArrayEquals(expected, a.data());
    }

    @Test
    void errorsNameTheFileAndTheProblem() throws IOException, URISyntaxException {
        Path f2 = resource("f2-2.npy");
        assertEquals(f2 + ": dtype '<f2' is not supported (expected <f4, <f8, |u1, <i4 or <i8)",
                assertThrows(InputException.class, () -> Npy.readFloats(f2)).getMessage());
        Path floats = resource("f8-4.npy");
        assertEquals(floats + ": dtype <f8 holds floats; expected integers (|u1, <i4 or <i8)",
                assertThrows(InputException.class, () -> Npy.readInts(floats)).getMessage());

        byte[] all = Files.readAllBytes(resource("f4-2x3.npy"));
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, Arrays.copyOf(all, all.length - 3));
        assertEquals(cut + ": shape [2, 3] of <f4 needs 24 bytes of data, found 21: the file is truncated",
                assertThrows(InputException.class, () -> Npy.readFloats(cut)).getMessage());

        Path text = dir.resolve("text.npy");
        Files.writeString(text, "label,p1\n1,2\n");
        assertEquals(text + ": not a .npy file (it does not start with \\x93NUMPY)",
                assertThrows(InputException.class, () -> Npy.readFloats(text)).getMessage());

        Path big = dir.resolve("big.npy");
        Npy.write(big, new int[] {1}, new float[] {1});
        byte[] b = Files.readAllBytes(big);
        String h = new String(b, StandardCharsets.ISO_8859_1).replace("'<f4'", "'<i8'");
        byte[] withLong = Arrays.copyOf(h.getBytes(StandardCharsets.ISO_8859_1), b.length + 4);
        withLong[b.length - 4] = 0;
        withLong[b.length - 3] = 0;
        withLong[b.length - 2] = 0;
        withLong[b.length - 1] = 0;
        withLong[b.length] = 1; // 2^32 as a little-endian int64
        Files.write(big, withLong);
        assertEquals(big + ": value 4294967296 at index 0 does not fit a 32-bit int",
                assertThrows(InputException.class, () -> Npy.readInts(big)).getMessage());
    }
}
