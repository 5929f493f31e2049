package dev.nabla.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = A Bᵀ} for long rows (see {@code Kernels.rowDots}): every C value is the dot product of a row of A and a
 * row of B, both contiguous, so nothing is packed. This is the shape of a convolution's weight gradient (output
 * channels x taps, summed over every pixel of the batch), where the GEMM would pack both operands, interleaving
 * their rows, to do a few multiply-adds per packed value.
 * <p>Tiles of 2 A rows x 4 B rows keep 8 vector accumulators in registers (16 registers at 256 bits; a 4 x 4 tile
 * was too big for the JIT's first tier, so the kernel ran interpreted-speed Vector API code for many steps) over a
 * block of columns small enough for both sets of rows to stay in cache; between blocks
 * the accumulators rest in a scratch array. Lane l of an accumulator sums the products of columns l, l + L, l + 2L,
 * ... in that order, and the lanes are added in lane order at the end, so every value's bits depend on the vector
 * width only, never on the tiling, the blocking or how the caller splits the rows. Edge tiles repeat their last row
 * and drop the copies.
 */
final class RowDots {
    private static final VectorSpecies<Float> S = Width.S;
    private static final int L = Width.L;
    private static final int TA = 2, TB = 4;
    /** Bytes of A and B rows per column block: half a typical L2; at least {@link #MIN_BLOCK} columns. */
    private static final int BLOCK_BYTES = 512 * 1024, MIN_BLOCK = 256;

    private RowDots() {}

    static void rowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        int tilesA = (m + TA - 1) / TA, tilesB = (n + TB - 1) / TB;
        float[] acc = new float[m * n * L];  // per value, its L lane sums
        int block = Math.max(MIN_BLOCK, BLOCK_BYTES / 4 / (m + n) / L * L);
        for (int p0 = 0; p0 < k; p0 += block) {
            int p1 = Math.min(k, p0 + block);
            // B's tiles outside: a tile's 4 rows stay in L1 while all of A's rows (few: a layer's output
            // channels) pass over them, rather than all of B's rows coming from L2 once per A tile (LeNet-5's
            // second layer, 16 x 150 over 6,400 columns: 27-35 -> 40-45 GFLOP/s on one Zen 3 core)
            for (int tj = 0; tj < tilesB; tj++) {
                for (int ti = 0; ti < tilesA; ti++) {
                    tile2x4(m, n, ti * TA, tj * TB, p0, p1, k, a, aOff, lda, b, bOff, ldb, acc);
                }
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                int at = (i * n + j) * L;
                for (int l = 0; l < L; l++) s += acc[at + l];
                c[cOff + i * ldc + j] = s;
            }
        }
    }

    /** The columns of [p, p + L) that exist: all but in the last, partial vector. */
    private static VectorMask<Float> live(int p, int k) {
        return S.indexInRange(p, k);
    }

    private static void tile2x4(int m, int n, int i0, int j0, int p0, int p1, int k, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb, float[] acc) {
        int i1 = Math.min(i0 + 1, m - 1);
        int j1 = Math.min(j0 + 1, n - 1), j2 = Math.min(j0 + 2, n - 1), j3 = Math.min(j0 + 3, n - 1);
        int ra0 = aOff + i0 * lda, ra1 = aOff + i1 * lda;
        int rb0 = bOff + j0 * ldb, rb1 = bOff + j1 * ldb, rb2 = bOff + j2 * ldb, rb3 = bOff + j3 * ldb;
        int[] at = {
                (i0 * n + j0) * L, (i0 * n + j1) * L, (i0 * n + j2) * L, (i0 * n + j3) * L,
                (i1 * n + j0) * L, (i1 * n + j1) * L, (i1 * n + j2) * L, (i1 * n + j3) * L};
        FloatVector c00 = FloatVector.fromArray(S, acc, at[0]), c01 = FloatVector.fromArray(S, acc, at[1]),
                c02 = FloatVector.fromArray(S, acc, at[2]), c03 = FloatVector.fromArray(S, acc, at[3]),
                c10 = FloatVector.fromArray(S, acc, at[4]), c11 = FloatVector.fromArray(S, acc, at[5]),
                c12 = FloatVector.fromArray(S, acc, at[6]), c13 = FloatVector.fromArray(S, acc, at[7]);
        int p = p0, whole = p0 + S.loopBound(p1 - p0);
        for (; p < whole; p += L) {
            FloatVector a0 = FloatVector.fromArray(S, a, ra0 + p), a1 = FloatVector.fromArray(S, a, ra1 + p);
            FloatVector b0 = FloatVector.fromArray(S, b, rb0 + p);
            c00 = a0.fma(b0, c00); c10 = a1.fma(b0, c10);
            FloatVector b1 = FloatVector.fromArray(S, b, rb1 + p);
            c01 = a0.fma(b1, c01); c11 = a1.fma(b1, c11);
            FloatVector b2 = FloatVector.fromArray(S, b, rb2 + p);
            c02 = a0.fma(b2, c02); c12 = a1.fma(b2, c12);
            FloatVector b3 = FloatVector.fromArray(S, b, rb3 + p);
            c03 = a0.fma(b3, c03); c13 = a1.fma(b3, c13);
        }
        c00.intoArray(acc, at[0]); c01.intoArray(acc, at[1]); c02.intoArray(acc, at[2]); c03.intoArray(acc, at[3]);
        c10.intoArray(acc, at[4]); c11.intoArray(acc, at[5]); c12.intoArray(acc, at[6]); c13.intoArray(acc, at[7]);
        if (p < p1) tail2x4(p, k, a, ra0, ra1, b, rb0, rb1, rb2, rb3, acc, at);
    }

    /**
     * The last, partial vector of a tile's columns, added to the accumulators tile2x4 stored (the same fma after
     * the same sums, so the same bits). Kept out of tile2x4, whose body is then the whole-vector loop alone: with
     * the tail inside it (even where no tail runs, as in LeNet-5's second layer), C2 compiled tile2x4 into code about
     * ten times slower in one JVM out of three or four (JFR samples), and LeNet-5's epoch took 4.4-5.2 s instead
     * of 2.2-3.1 s.
     */
    private static void tail2x4(int p, int k, float[] a, int ra0, int ra1, float[] b, int rb0, int rb1, int rb2,
                                int rb3, float[] acc, int[] at) {
        VectorMask<Float> m1 = live(p, k);
        FloatVector a0 = FloatVector.fromArray(S, a, ra0 + p, m1), a1 = FloatVector.fromArray(S, a, ra1 + p, m1);
        FloatVector b0 = FloatVector.fromArray(S, b, rb0 + p, m1), b1 = FloatVector.fromArray(S, b, rb1 + p, m1),
                b2 = FloatVector.fromArray(S, b, rb2 + p, m1), b3 = FloatVector.fromArray(S, b, rb3 + p, m1);
        // all loads before any store: clamped edge tiles repeat a row or column, so slots of at[] can coincide
        FloatVector c00 = FloatVector.fromArray(S, acc, at[0]), c01 = FloatVector.fromArray(S, acc, at[1]),
                c02 = FloatVector.fromArray(S, acc, at[2]), c03 = FloatVector.fromArray(S, acc, at[3]),
                c10 = FloatVector.fromArray(S, acc, at[4]), c11 = FloatVector.fromArray(S, acc, at[5]),
                c12 = FloatVector.fromArray(S, acc, at[6]), c13 = FloatVector.fromArray(S, acc, at[7]);
        a0.fma(b0, c00).intoArray(acc, at[0]); a0.fma(b1, c01).intoArray(acc, at[1]);
        a0.fma(b2, c02).intoArray(acc, at[2]); a0.fma(b3, c03).intoArray(acc, at[3]);
        a1.fma(b0, c10).intoArray(acc, at[4]); a1.fma(b1, c11).intoArray(acc, at[5]);
        a1.fma(b2, c12).intoArray(acc, at[6]); a1.fma(b3, c13).intoArray(acc, at[7]);
    }
}
