package dev.nabla.random;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reference values printed by numpy 1.24.2 on Linux ({@code numpy.random.RandomState(seed)}); doubles are compared
 * bit for bit (the literals are Python's repr, which round-trips).
 */
class NumpyRandomTest {

    private static final long[] SEEDS = {0, 1, 42, 1024, 4294967295L};

    @Test
    void randnOfSeed1024StartsWithTheCourseValues() {
        NumpyRandom r = new NumpyRandom(1024);
        assertEquals(2.12444863, r.randn(), 5e-9);
        assertEquals(0.25264613, r.randn(), 5e-9);
        assertEquals(1.45417876, r.randn(), 5e-9);
    }

    @Test
    void rawWordsMatchNumpy() {
        // RandomState(seed).randint(0, 2**32, size=3, dtype=np.uint64): the untouched 32-bit outputs
        long[][] expected = {
                {2357136044L, 2546248239L, 3071714933L},
                {1791095845L, 4282876139L, 3093770124L},
                {1608637542L, 3421126067L, 4083286876L},
                {2781812667L, 1825252241L, 4281711201L},
                {419326371L, 479346978L, 3918654476L},
        };
        for (int s = 0; s < SEEDS.length; s++) {
            NumpyRandom r = new NumpyRandom(SEEDS[s]);
            for (long e : expected[s]) assertEquals(e, r.nextInt32() & 0xffffffffL, "seed " + SEEDS[s]);
        }
    }

    @Test
    void randnMatchesNumpyBitForBit() {
        double[][] expected = {
                {1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675},
                {1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785},
                {0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597},
                {2.1244486275782046, 0.25264612773625833, 1.4541787617796351, 0.5692397935420037, 0.4582236477314789},
                {0.6484086742306527, 0.6693235306338161, -1.0805437227474493, 0.2845010447986309, 0.11388773652167104},
        };
        for (int s = 0; s < SEEDS.length; s++) {
            assertArrayEquals(expected[s], new NumpyRandom(SEEDS[s]).randn(5), 0.0, "seed " + SEEDS[s]);
        }
    }

    @Test
    void randomSampleMatchesNumpyBitForBit() {
        double[][] expected = {
                {0.5488135039273248, 0.7151893663724195, 0.6027633760716439, 0.5448831829968969},
                {0.417022004702574, 0.7203244934421581, 0.00011437481734488664, 0.30233257263183977},
                {0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366},
                {0.6476912306619782, 0.9969135798725731, 0.518803264443478, 0.6581127314274052},
                {0.0976320289940138, 0.9123828453026218, 0.78903530185164, 0.7800035981134678},
        };
        for (int s = 0; s < SEEDS.length; s++) {
            assertArrayEquals(expected[s], new NumpyRandom(SEEDS[s]).randomSample(4), 0.0, "seed " + SEEDS[s]);
        }
    }

    @Test
    void uniformMatchesNumpy() {
        assertArrayEquals(new double[] {0.6464405117819743, 1.1455680991172583, 0.8082901282149315},
                draw3Uniform(0), 0.0);
        assertArrayEquals(new double[] {-0.7071039130179586, 1.7371485359078656, 1.36710590555492},
                draw3Uniform(4294967295L), 0.0);
    }

    private static double[] draw3Uniform(long seed) {
        NumpyRandom r = new NumpyRandom(seed);
        return new double[] {r.uniform(-1, 2), r.uniform(-1, 2), r.uniform(-1, 2)};
    }

    @Test
    void permutationOfTenMatchesNumpy() {
        int[][] expected = {
                {2, 8, 4, 9, 1, 6, 7, 3, 0, 5},
                {2, 9, 6, 4, 0, 3, 1, 7, 8, 5},
                {8, 1, 5, 0, 7, 2, 9, 4, 3, 6},
                {2, 3, 7, 0, 6, 8, 5, 4, 9, 1},
                {6, 9, 5, 1, 8, 0, 7, 4, 2, 3},
        };
        for (int s = 0; s < SEEDS.length; s++) {
            assertArrayEquals(expected[s], new NumpyRandom(SEEDS[s]).permutation(10), "seed " + SEEDS[s]);
        }
    }

    @Test
    void randintMatchesNumpyForSmallShiftedAndWideRanges() {
        long[][] tens = {
                {5, 0, 3, 3, 7, 9, 3, 5}, {5, 8, 9, 5, 0, 0, 1, 7}, {6, 3, 7, 4, 6, 9, 2, 6},
                {1, 1, 5, 9, 1, 0, 0, 3}, {3, 2, 7, 4, 0, 6, 9, 0},
        };
        long[][] shifted = {
                {679, 554, 624, 187, 830}, {32, 230, 903, 67, 762}, {97, 430, 855, 265, 101},
                {950, 908, 604, 487, 608}, {414, 285, 7, 66, 943},
        };
        // a range past 32 bits draws two words per value, the first one as the high half
        long[][] wide = {
                {741280623151L, 506137267392L, 841157541223L}, {163196666091L, 1095766950793L, 876169207429L},
                {441507790259L, 458615280711L, 810017303572L}, {419630516716L, 435649643097L, 863954545417L},
                {53956357191L, 922432766458L, 547627168379L},
        };
        for (int s = 0; s < SEEDS.length; s++) {
            long seed = SEEDS[s];
            NumpyRandom one = new NumpyRandom(seed);
            long[] singles = new long[8];
            for (int i = 0; i < 8; i++) singles[i] = one.randint(10);
            assertArrayEquals(tens[s], singles, "randint(10), seed " + seed);
            assertArrayEquals(shifted[s], new NumpyRandom(seed).randint(-5, 1000, 5), "randint(-5, 1000), seed " + seed);
            assertArrayEquals(wide[s], new NumpyRandom(seed).randint(0, (1L << 40) + 3, 3), "randint(0, 2**40+3), seed " + seed);
        }
    }

    @Test
    void interleavedCallsShareTheCachedGaussianAsNumpyDoes() {
        // r.randn(3); r.random_sample(); r.randn(2); r.permutation(5); r.randn()
        NumpyRandom r = new NumpyRandom(0);
        assertArrayEquals(new double[] {1.764052345967664, 0.4001572083672233, 0.9787379841057392}, r.randn(3), 0.0);
        assertEquals(0.4236547993389047, r.randomSample(), 0.0);
        // the first value is the one cached by the third randn() above, untouched by random_sample()
        assertArrayEquals(new double[] {2.240893199201458, -0.8427240538292873}, r.randn(2), 0.0);
        assertArrayEquals(new int[] {1, 2, 3, 4, 0}, r.permutation(5));
        assertEquals(1.9699244478698945, r.randn(), 0.0);
    }

    @Test
    void normalsDifferFromNumpysOnlyRarelyAndInTheLastBits() throws Exception {
        // RandomState(7).randn(2000) saved by numpy on glibc, whose log misrounds about 1 call in 1,000
        double[] expected = readF8Npy("/dev/nabla/random/randn-seed7-2000.npy");
        double[] got = new NumpyRandom(7).randn(expected.length);
        int exact = 0;
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 4 * Math.ulp(expected[i]), "value " + i);
            if (expected[i] == got[i]) exact++;
        }
        assertTrue(exact >= got.length - 10, exact + " of " + got.length + " values bit-identical");
    }

    @Test
    void manyNormalsStayInStepWithNumpy() {
        // math.fsum of RandomState(seed).randn(300000) and of its squares, and the last value: a single
        // rejected pair drawn differently would change all three beyond these tolerances
        checkMoments(7, -1.92313641356406, 299091.7835045263, -0.7577263842223134);
        checkMoments(2024, 793.9280091693716, 301886.8861011281, -0.05658978878882317);
    }

    private static void checkMoments(long seed, double sum, double sumSquares, double last) {
        double[] x = new NumpyRandom(seed).randn(300_000);
        BigDecimal s = BigDecimal.ZERO;
        BigDecimal s2 = BigDecimal.ZERO;
        for (double v : x) {
            s = s.add(new BigDecimal(v));
            s2 = s2.add(new BigDecimal(v * v));
        }
        assertEquals(sum, s.doubleValue(), 1e-9, "sum, seed " + seed);
        assertEquals(sumSquares, s2.doubleValue(), 1e-7, "sum of squares, seed " + seed);
        assertEquals(last, x[x.length - 1], 4 * Math.ulp(last), "last value, seed " + seed);
    }

    /** The data of a 1-d little-endian float64 .npy file (version 1.0), read without the io package. */
    private static double[] readF8Npy(String resource) throws Exception {
        byte[] all;
        try (InputStream in = NumpyRandomTest.class.getResourceAsStream(resource)) {
            all = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int start = 10 + (b.getShort(8) & 0xffff);
        double[] out = new double[(all.length - start) / 8];
        b.position(start);
        b.slice().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        return out;
    }

    @Test
    void permutationOfMnistSizeMatchesNumpy() throws Exception {
        // sha256 of RandomState(seed).permutation(60000).astype('<i4').tobytes()
        int[] p7 = new NumpyRandom(7).permutation(60_000);
        assertArrayEquals(new int[] {25170, 10935, 43596, 13970, 24883}, Arrays.copyOf(p7, 5));
        assertEquals("c0eb875b596f1efbbd24a3ae21bdf197b81c34366369eb518d1a441a21ee5549", sha256(p7));
        int[] p2024 = new NumpyRandom(2024).permutation(60_000);
        assertArrayEquals(new int[] {50820, 673, 43267, 8330, 59464}, Arrays.copyOf(p2024, 5));
        assertEquals("f7668e2e7e625d50e6c5b3077d41e64a4223682bf7038551ce4126f683760d8c", sha256(p2024));
    }

    @Test
    void shuffleOfLongsMakesTheSameSwapsAsShuffleOfInts() {
        long[] a = new long[100];
        for (int i = 0; i < a.length; i++) a[i] = i;
        new NumpyRandom(3).shuffle(a);
        int[] p = new NumpyRandom(3).permutation(100);
        for (int i = 0; i < a.length; i++) assertEquals(p[i], a[i]);
    }

    @Test
    void rejectsSeedsOutsideTheUnsigned32BitRange() {
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(-1));
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(1L << 32));
    }

    @Test
    void randintRejectsAnEmptyRange() {
        NumpyRandom r = new NumpyRandom(0);
        assertThrows(IllegalArgumentException.class, () -> r.randint(0));
        assertThrows(IllegalArgumentException.class, () -> r.randint(5, 5));
    }

    private static String sha256(double[] v) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(v);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    }

    private static String sha256(int[] v) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    }
}
