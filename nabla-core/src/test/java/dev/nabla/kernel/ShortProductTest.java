package dev.nabla.kernel;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Kernels.shortProduct} (C = A B over a short inner dimension, the convolution's forward product with few
 * taps): the scalar kernel is the promised fma chain and agrees with float64; the SIMD one gives the scalar bits on
 * shapes with edge tiles, column tails and leading dimensions, and for any split of the columns.
 */
class ShortProductTest {
    private static final int[][] SHAPES = {{6, 784 * 3, 25}, {32, 500, 9}, {1, 1, 1}, {7, 33, 5}, {13, 17, 32}, {5, 2, 3}};

    private static float[] random(int n, long seed) {
        return RandomFloats.uniform(n, seed, 1);
    }

    @Test
    void simdGivesTheScalarFmaChainBitForBitForAnySplitOfTheColumns() {
        Kernels scalar = KernelProvider.scalar(), simd = KernelProvider.simd().orElseThrow();
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2], lda = k + 2, ldb = n + 3, ldc = n + 1;
            float[] a = random(1 + m * lda, m * 3L + n), b = random(2 + k * ldb, k * 5L + n);
            float[] want = new float[3 + m * ldc], got = new float[3 + m * ldc], split = new float[3 + m * ldc];
            scalar.shortProduct(m, n, k, a, 1, lda, b, 2, ldb, want, 3, ldc);
            simd.shortProduct(m, n, k, a, 1, lda, b, 2, ldb, got, 3, ldc);
            for (int lo = 0, step = 1; lo < n; lo += step, step = step * 3 % 97 + 1) {
                int hi = Math.min(n, lo + step);
                simd.shortProduct(m, hi - lo, k, a, 1, lda, b, 2 + lo, ldb, split, 3 + lo, ldc);
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = 3 + i * ldc + j;
                    float chain = 0f;
                    double exact = 0, scale = 0;
                    for (int p = 0; p < k; p++) {
                        chain = Math.fma(a[1 + i * lda + p], b[2 + p * ldb + j], chain);
                        exact += (double) a[1 + i * lda + p] * b[2 + p * ldb + j];
                        scale += Math.abs((double) a[1 + i * lda + p] * b[2 + p * ldb + j]);
                    }
                    String where = m + "x" + n + "x" + k + " at " + i + "," + j;
                    assertEquals(Float.floatToRawIntBits(chain), Float.floatToRawIntBits(want[at]), "scalar " + where);
                    assertTrue(Math.abs(want[at] - exact) <= 1e-6 * scale + 1e-30, "float64 " + where);
                    assertEquals(Float.floatToRawIntBits(want[at]), Float.floatToRawIntBits(got[at]), "simd " + where);
                    assertEquals(Float.floatToRawIntBits(want[at]), Float.floatToRawIntBits(split[at]), "split " + where);
                }
            }
            assertEquals(0f, got[2], "nothing written before C");
        }
    }
}
