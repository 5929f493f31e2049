package dev.nabla.kernel;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Kernels.rowDots} (C = A Bᵀ over long rows, the convolution's weight gradient): both implementations agree
 * with a float64 reference on shapes with edge tiles, column tails and leading dimensions, and the SIMD one gives
 * the same bits however the B rows are split (as the threads split them).
 */
class RowDotsTest {
    private static final int[][] SHAPES = {{6, 25, 50176 / 16}, {16, 150, 700}, {1, 1, 5}, {5, 3, 17}, {7, 9, 1000},
            {32, 9, 333}, {3, 13, 16}};

    private static float[] random(int n, long seed) {
        return RandomFloats.uniform(n, seed, 1);
    }

    @Test
    void bothImplementationsMatchFloat64() {
        for (Kernels kern : new Kernels[] {KernelProvider.scalar(), KernelProvider.simd().orElseThrow()}) {
            for (int[] s : SHAPES) {
                int m = s[0], n = s[1], k = s[2], lda = k + 3, ldb = k + 1, ldc = n + 2;
                float[] a = random(2 + m * lda, m * 7L + k), b = random(1 + n * ldb, n * 11L + k);
                float[] c = new float[4 + m * ldc];
                kern.rowDots(m, n, k, a, 2, lda, b, 1, ldb, c, 4, ldc);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double want = 0, scale = 0;
                        for (int p = 0; p < k; p++) {
                            double prod = (double) a[2 + i * lda + p] * b[1 + j * ldb + p];
                            want += prod;
                            scale += Math.abs(prod);
                        }
                        float got = c[4 + i * ldc + j];
                        assertTrue(Math.abs(got - want) <= 1e-5 * scale + 1e-30, kern.name() + " " + m + "x" + n + "x" + k
                                + " at " + i + "," + j + ": " + got + " vs " + want);
                    }
                }
                assertEquals(0f, c[3], "nothing written before C");
            }
        }
    }

    @Test
    void simdBitsDoNotDependOnHowTheBRowsAreSplit() {
        Kernels simd = KernelProvider.simd().orElseThrow();
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(m * k, m + 3L * k), b = random(n * k, n + 5L * k);
            float[] whole = new float[m * n], pieces = new float[m * n];
            simd.rowDots(m, n, k, a, 0, k, b, 0, k, whole, 0, n);
            for (int lo = 0, step = 1; lo < n; lo += step, step = step % 5 + 2) {
                int hi = Math.min(n, lo + step);
                simd.rowDots(m, hi - lo, k, a, 0, k, b, lo * k, k, pieces, lo, n);
            }
            for (int i = 0; i < whole.length; i++) {
                assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(pieces[i]),
                        m + "x" + n + "x" + k + " value " + i);
            }
        }
    }
}
