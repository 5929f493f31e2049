package dev.nabla.kernel.simd;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Leaving out products with a zero factor of A must not change a single bit of C: on sparse operands shaped like
 * MNIST batches (whole columns or rows of zeros, signed zeros), with NaN and infinities placed where a skipped
 * product would have met them, for every transpose combination and for beta 0 and 1.
 */
class GemmZeroSkipTest {

    @AfterEach
    void restore() {
        Gemm.skipZeros = true;
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        int[][] shapes = {{64, 128, 784}, {784, 128, 64}, {64, 10, 784}, {784, 10, 64}, {17, 13, 257}, {3, 40, 9},
                {40, 48, 300}, {40, 50, 300}, {37, 21, 70}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) b.add(Arguments.of(s[0], s[1], s[2], ta, tb));
            }
        }
        return b.build();
    }

    /**
     * op(A) [m, k] with about 80% zeros, whole columns (dead "pixels", for A) and whole rows (for A^T) zero, some
     * of them -0.
     */
    private static float[] sparseA(int m, int k, boolean transA, SplittableRandom rnd) {
        float[] a = new float[m * k];
        boolean[] deadCol = new boolean[k], deadRow = new boolean[m];
        for (int p = 0; p < k; p++) deadCol[p] = rnd.nextDouble() < 0.4;
        for (int i = 0; i < m; i++) deadRow[i] = rnd.nextDouble() < 0.3;
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float v = deadCol[p] || deadRow[i] || rnd.nextDouble() < 0.6 ? 0f : (float) (rnd.nextDouble() * 2 - 1);
                if (v == 0f && rnd.nextDouble() < 0.1) v = -0f;
                a[transA ? p * m + i : i * k + p] = v;
            }
        }
        return a;
    }

    private static float[] run(boolean skip, boolean ta, boolean tb, int m, int n, int k, float[] a, float[] b,
                               float[] c0, float beta) {
        Gemm.skipZeros = skip;
        float[] c = c0.clone();
        Gemm.gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, c, 0, n);
        return c;
    }

    /** Values uniform in [-1, 1). */
    private static float[] uniform(int size, SplittableRandom rnd) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    /** A C given to the product: uniform values, a fifth of them -0. */
    private static float[] oldC(int size, SplittableRandom rnd) {
        float[] c = new float[size];
        for (int i = 0; i < size; i++) c[i] = rnd.nextDouble() < 0.2 ? -0f : (float) (rnd.nextDouble() * 2 - 1);
        return c;
    }

    /** A copy of B (k x n, stored transposed with {@code tb}) with a NaN, a +inf and a -inf at random places. */
    private static float[] withNonFinite(float[] b, int k, int n, boolean tb, SplittableRandom rnd) {
        float[] bad = b.clone();
        for (int t = 0; t < 3; t++) {
            int p = rnd.nextInt(k), j = rnd.nextInt(n);
            bad[tb ? j * k + p : p * n + j] = t == 0 ? Float.NaN : t == 1 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        }
        return bad;
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                fail(what + ": C[" + i + "] is " + got[i] + " with zero products skipped, " + want[i] + " without");
            }
        }
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("cases")
    void skippingZeroProductsGivesTheSameBits(int m, int n, int k, boolean ta, boolean tb) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 7L * n + k + (ta ? 1 : 0) + (tb ? 2 : 0));
        float[] a = sparseA(m, k, ta, rnd);
        float[] b = uniform(k * n, rnd), c = oldC(m * n, rnd);
        for (float beta : new float[] {0f, 1f}) {
            assertSameBits(run(false, ta, tb, m, n, k, a, b, c, beta), run(true, ta, tb, m, n, k, a, b, c, beta),
                    "finite operands, beta " + beta);
        }

        // non-finite values of B where a skipped product would meet them: 0 * inf and 0 * NaN are NaN
        float[] bad = withNonFinite(b, k, n, tb, rnd);
        assertSameBits(run(false, ta, tb, m, n, k, a, bad, c, 0f), run(true, ta, tb, m, n, k, a, bad, c, 0f),
                "non-finite B");

        // a NaN in A keeps its column (and panel) in play
        float[] nanA = a.clone();
        nanA[rnd.nextInt(nanA.length)] = Float.NaN;
        assertSameBits(run(false, ta, tb, m, n, k, nanA, b, c, 0f), run(true, ta, tb, m, n, k, nanA, b, c, 0f), "NaN in A");
    }

    /**
     * B used transposed (x W^T, W [n, k]): a non-finite value of W in a column of x that is zero in every row keeps
     * that column, wherever it lies in W (first or last row, a depth inside a vector or in a k block's tail).
     */
    @ParameterizedTest(name = "value={0}")
    @MethodSource("nonFinite")
    void aNonFiniteWeightInAZeroColumnKeepsIt(float value) {
        int m = 64, n = 128, k = 784; // k blocks of 196: 12 vectors of 16 and a tail of 4
        SplittableRandom rnd = new SplittableRandom(11);
        float[] a = new float[m * k], w = new float[n * k], c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) a[i * k + p] = p % 3 == 0 ? 0f : (float) (rnd.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextDouble() * 2 - 1);
        for (int[] at : new int[][] {{0, 0}, {n - 1, 195}, {37, 196 + 48}, {n - 1, 3 * 196 + 195}}) {
            float[] bad = w.clone();
            bad[at[0] * k + at[1]] = value;
            assertSameBits(run(false, false, true, m, n, k, a, bad, c, 0f), run(true, false, true, m, n, k, a, bad, c, 0f),
                    "non-finite W[" + at[0] + ", " + at[1] + "]");
        }
    }

    /**
     * Live columns in runs, as an MNIST batch has them (a dead border around 28 x 28 images, runs of every length
     * from 1 to past two vectors, one ending at the last column of A): packed run by run, the same bits as without
     * skipping, for x W^T and x W, over several row counts (one to several panels, a partial one).
     */
    @ParameterizedTest(name = "transB={0}")
    @MethodSource("transposes")
    void liveColumnsInRunsGiveTheSameBits(boolean tb) {
        int n = 128, k = 784;
        SplittableRandom rnd = new SplittableRandom(13);
        boolean[] dead = new boolean[k];
        for (int p = 0; p < k; p++) {
            int r = p / 28, col = p % 28;
            dead[p] = r < 3 || (r > 24 && r < 27) || col < 2 + r % 5 || col > 25 - r % 7;
        }
        dead[k - 1] = false; // a run that ends at the very end of A
        checkRuns(tb, n, k, dead, rnd);
        // one k block of 256 with 254 live columns: the last run's last vector would reach past the row's KC floats
        boolean[] few = new boolean[256];
        few[1] = few[100] = true;
        checkRuns(tb, n, 256, few, rnd);
    }

    private static void checkRuns(boolean tb, int n, int k, boolean[] dead, SplittableRandom rnd) {
        for (int m : new int[] {1, 7, 64}) {
            float[] a = new float[m * k], w = new float[n * k], c = new float[m * n];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) a[i * k + p] = dead[p] ? 0f : (float) (rnd.nextDouble() * 2 - 1);
            }
            for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextDouble() * 2 - 1);
            for (float beta : new float[] {0f, 1f}) {
                assertSameBits(run(false, false, tb, m, n, k, a, w, c, beta), run(true, false, tb, m, n, k, a, w, c, beta),
                        "k=" + k + " m=" + m + " beta " + beta);
            }
        }
    }

    /**
     * A^T B with whole zero strips of B (a weight gradient g^T x: the border pixels of a batch of images), with and
     * without a non-finite value of A (which makes the zero strips' products NaN): the same bits as without
     * skipping, for B used as stored and transposed, over one and several k blocks.
     */
    @ParameterizedTest(name = "transB={0}")
    @MethodSource("transposes")
    void zeroStripsOfBGiveTheSameBits(boolean tb) {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int[] s : new int[][] {{128, 784, 64}, {37, 300, 600}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = new float[k * m], b = new float[k * n], c = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = rnd.nextDouble() < 0.1 ? 0f : (float) (rnd.nextDouble() * 2 - 1);
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    boolean dead = j < 90 || j >= n - 70 || j % 28 < 4;
                    float v = dead || rnd.nextDouble() < 0.5 ? 0f : (float) rnd.nextDouble();
                    b[tb ? j * k + p : p * n + j] = v == 0f && rnd.nextDouble() < 0.05 ? -0f : v;
                }
            }
            for (int i = 0; i < c.length; i++) c[i] = (float) (rnd.nextDouble() * 2 - 1);
            for (float bad : new float[] {1f, Float.NaN, Float.NEGATIVE_INFINITY}) {
                float[] a2 = a.clone();
                if (bad != 1f) a2[rnd.nextInt(a2.length)] = bad;
                for (float beta : new float[] {0f, 1f}) {
                    assertSameBits(run(false, true, tb, m, n, k, a2, b, c, beta), run(true, true, tb, m, n, k, a2, b, c, beta),
                            "m=" + m + " k=" + k + " A holds " + bad + ", beta " + beta);
                }
            }
        }
    }

    static Stream<Float> nonFinite() {
        return Stream.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
    }

    @ParameterizedTest(name = "transA={0}")
    @MethodSource("transposes")
    void anAllZeroOperandGivesBetaTimesC(boolean ta) {
        // 19 columns: one strip, no live columns sought; 70: every column of A found dead, none left to pack
        for (int n : new int[] {19, 70}) {
            for (boolean tb : new boolean[] {false, true}) {
                int m = 23, k = 300;
                float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
                SplittableRandom rnd = new SplittableRandom(5);
                for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextDouble();
                for (int i = 0; i < c.length; i++) c[i] = (float) rnd.nextDouble();
                String what = "n=" + n + " transB=" + tb + " beta ";
                assertSameBits(run(false, ta, tb, m, n, k, a, b, c, 1f), run(true, ta, tb, m, n, k, a, b, c, 1f), what + 1);
                assertSameBits(run(false, ta, tb, m, n, k, a, b, c, 0f), run(true, ta, tb, m, n, k, a, b, c, 0f), what + 0);
            }
        }
    }

    /**
     * {@link Gemm#gemmAllColumns} (no zero columns or panels sought) against {@link Gemm#gemm} with them left out:
     * the same bits on sparse operands, with non-finite values of B where a left-out product would meet them, on
     * every transpose combination and on the cnn model's second-layer shapes.
     */
    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("allColumnsCases")
    void allColumnsGivesTheSameBitsAsSkipping(int m, int n, int k, boolean ta, boolean tb) {
        SplittableRandom rnd = new SplittableRandom(17L * m + 5L * n + k + (ta ? 1 : 0) + (tb ? 2 : 0));
        float[] a = sparseA(m, k, ta, rnd);
        float[] b = uniform(k * n, rnd), c0 = oldC(m * n, rnd);
        float[] bad = withNonFinite(b, k, n, tb, rnd);
        for (float[] bb : new float[][] {b, bad}) {
            for (float beta : new float[] {0f, 1f}) {
                float[] want = run(true, ta, tb, m, n, k, a, bb, c0, beta), got = c0.clone();
                Gemm.gemmAllColumns(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, bb, 0, tb ? k : n, beta, got, 0, n);
                assertSameBits(want, got, (bb == b ? "finite" : "non-finite") + " B, beta " + beta);
            }
        }
    }

    static Stream<Arguments> allColumnsCases() {
        Stream.Builder<Arguments> b = Stream.builder();
        // the cnn model's second layer (one image's forward, four images' input gradient, a weight gradient over
        // 8 images' pixels), a dense shape, an odd one
        int[][] shapes = {{64, 196, 288}, {288, 784, 64}, {64, 288, 1568}, {64, 128, 784}, {37, 21, 70}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) b.add(Arguments.of(s[0], s[1], s[2], ta, tb));
            }
        }
        return b.build();
    }

    static Stream<Boolean> transposes() {
        return Stream.of(false, true);
    }
}
