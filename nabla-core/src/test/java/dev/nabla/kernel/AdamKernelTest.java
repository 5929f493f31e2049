package dev.nabla.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code Kernels.adam}: the SIMD update gives the scalar kernel's bits (coupled and decoupled decay, vector tails,
 * offsets, zero, tiny and large values), and the scalar kernel is the documented double-precision formula.
 */
class AdamKernelTest {
    private static float[] values(Random rng, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = switch (i % 9) {
                case 0 -> 0f;
                case 1 -> (float) (rng.nextGaussian() * 1e-20);
                case 2 -> (float) (rng.nextGaussian() * 1e6);
                default -> (float) rng.nextGaussian() * scale;
            };
        }
        return a;
    }

    @Test
    void simdGivesTheScalarBitsAndTheScalarKernelIsTheFormula() {
        Kernels scalar = KernelProvider.scalar(), simd = KernelProvider.simd().orElseThrow();
        Random rng = new Random(5);
        double[][] settings = {{0.9, 0.999, 1e-8, 0, 1, 1e-3}, {0.8, 0.99, 1e-6, 0.01, 1, 0.1}, {0.9, 0.999, 1e-8, 0, 1 - 1e-3 * 0.05, 1e-3}};
        for (int n : new int[] {1, 3, 7, 8, 15, 16, 17, 33, 100, 1001}) {
            for (double[] s : settings) {
                for (int t = 1; t <= 3; t++) {
                    double c1 = 1 - Math.pow(s[0], t), c2 = 1 - Math.pow(s[1], t);
                    float[] w = values(rng, n + 3, 1), g = values(rng, n + 1, 0.1f), m = values(rng, n + 3, 0.01f), v = values(rng, n, 1e-4f);
                    for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
                    float[] w2 = w.clone(), m2 = m.clone(), v2 = v.clone(), w0 = w.clone(), m0 = m.clone(), v0 = v.clone();
                    scalar.adam(n, w, 2, g, 1, m, 3, v, 0, s[0], s[1], s[2], s[3], s[4], s[5], c1, c2);
                    simd.adam(n, w2, 2, g, 1, m2, 3, v2, 0, s[0], s[1], s[2], s[3], s[4], s[5], c1, c2);
                    for (int i = 0; i < n; i++) {
                        double wi = w0[2 + i], gi = g[1 + i] + s[3] * wi;
                        double mi = s[0] * m0[3 + i] + (1 - s[0]) * gi, vi = s[1] * v0[i] + (1 - s[1]) * gi * gi;
                        float want = (float) (wi * s[4] - s[5] * (mi / c1) / (Math.sqrt(vi / c2) + s[2]));
                        String where = "n " + n + " step " + t + " at " + i;
                        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(w[2 + i]), "scalar " + where);
                        assertEquals(Float.floatToRawIntBits((float) mi), Float.floatToRawIntBits(m[3 + i]), "scalar m " + where);
                        assertEquals(Float.floatToRawIntBits(w[2 + i]), Float.floatToRawIntBits(w2[2 + i]), "simd w " + where);
                        assertEquals(Float.floatToRawIntBits(m[3 + i]), Float.floatToRawIntBits(m2[3 + i]), "simd m " + where);
                        assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(v2[i]), "simd v " + where);
                    }
                    assertEquals(Float.floatToRawIntBits(w0[0]), Float.floatToRawIntBits(w2[0]), "nothing written before w");
                    assertEquals(Float.floatToRawIntBits(w0[n + 2]), Float.floatToRawIntBits(w2[n + 2]), "nothing written after w");
                }
            }
        }
    }
}
