package dev.nabla.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = A B} for a short inner dimension k (see {@code Kernels.shortProduct}): B's rows are read where they
 * lie, nothing is packed. A convolution's forward product with few taps (LeNet-5's first layer: 6 x 25 times
 * 25 x 50,176) is this shape; there the GEMM packs all of B to do a handful of multiply-adds per value.
 * <p>Tiles of 6 C rows x 2 vectors keep 12 accumulators in registers (fits 16 registers at 256 bits) over a block of
 * columns whose B rows stay in cache while all the tiles of rows pass over it. Each value is the fused
 * multiply-add chain {@code fma(a[k-1], b[k-1], ... fma(a[0], b[0], 0))}, exactly {@code Math.fma} in order, so
 * these bits equal the scalar kernel's at any width and any split of the columns. Edge tiles repeat their last row.
 */
final class ShortProducts {
    private static final VectorSpecies<Float> S = Width.S;
    private static final int L = Width.L;
    /** Bytes of B per column block. */
    private static final int BLOCK_BYTES = 128 * 1024;

    private ShortProducts() {}

    static void shortProduct(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        int block = Math.max(2 * L, BLOCK_BYTES / 4 / Math.max(1, k) / (2 * L) * (2 * L));
        for (int j0 = 0; j0 < n; j0 += block) {
            int j1 = Math.min(n, j0 + block);
            for (int i0 = 0; i0 < m; i0 += 6) {
                int[] rows = new int[6];
                for (int r = 0; r < 6; r++) rows[r] = Math.min(i0 + r, m - 1);
                for (int j = j0; j < j1; j += 2 * L) {
                    tile(rows, j, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
                }
            }
        }
    }

    /** Rows {@code rows} (6, repeats allowed) of C, columns [j, j + 2L) clipped to n. */
    private static void tile(int[] rows, int j, int n, int k, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        int a0 = aOff + rows[0] * lda, a1 = aOff + rows[1] * lda, a2 = aOff + rows[2] * lda,
                a3 = aOff + rows[3] * lda, a4 = aOff + rows[4] * lda, a5 = aOff + rows[5] * lda;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        boolean whole = j + 2 * L <= n;
        VectorMask<Float> m0 = whole ? null : S.indexInRange(j, n), m1 = whole ? null : S.indexInRange(j + L, n);
        for (int p = 0, br = bOff + j; p < k; p++, br += ldb) {
            FloatVector b0, b1;
            if (whole) {
                b0 = FloatVector.fromArray(S, b, br);
                b1 = FloatVector.fromArray(S, b, br + L);
            } else {
                b0 = FloatVector.fromArray(S, b, br, m0);
                b1 = FloatVector.fromArray(S, b, br + L, m1);
            }
            FloatVector v = FloatVector.broadcast(S, a[a0 + p]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, a[a1 + p]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, a[a2 + p]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, a[a3 + p]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, a[a4 + p]);
            c40 = v.fma(b0, c40); c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, a[a5 + p]);
            c50 = v.fma(b0, c50); c51 = v.fma(b1, c51);
        }
        // a repeated last row stores the same values again
        store(c00, c01, c, cOff + rows[0] * ldc + j, m0, m1);
        store(c10, c11, c, cOff + rows[1] * ldc + j, m0, m1);
        store(c20, c21, c, cOff + rows[2] * ldc + j, m0, m1);
        store(c30, c31, c, cOff + rows[3] * ldc + j, m0, m1);
        store(c40, c41, c, cOff + rows[4] * ldc + j, m0, m1);
        store(c50, c51, c, cOff + rows[5] * ldc + j, m0, m1);
    }

    private static void store(FloatVector v0, FloatVector v1, float[] c, int at, VectorMask<Float> m0, VectorMask<Float> m1) {
        if (m0 == null) {
            v0.intoArray(c, at);
            v1.intoArray(c, at + L);
        } else {
            v0.intoArray(c, at, m0);
            v1.intoArray(c, at + L, m1);
        }
    }
}
