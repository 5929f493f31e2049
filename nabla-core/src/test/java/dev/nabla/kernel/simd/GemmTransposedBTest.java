package dev.nabla.kernel.simd;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A B^T (B packed through in-register transposes of L x L blocks) gives the bits of A times the same B stored
 * transposed: packing only moves values. Depths that are and are not multiples of the vector length, whole,
 * partial and one-vector strips, one and two k blocks, offsets and a leading dimension wider than k, dense and
 * sparse A (whose zero columns go through the gathered packing). Runs at this JVM's vector width (with
 * {@code -Dnabla.simd.bits=256}, at 256 bits).
 */
class GemmTransposedBTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int m : new int[] {1, 8, 13, 64}) {
            for (int n : new int[] {5, 10, 16, 24, 32, 40, 50, 64, 128}) {
                for (int k : new int[] {1, 8, 15, 16, 17, 40, 300, 784}) {
                    for (boolean sparse : new boolean[] {false, true}) b.add(Arguments.of(m, n, k, sparse));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} sparse={3}")
    @MethodSource("cases")
    void packingBTransposedGivesTheBitsOfBStoredTransposed(int m, int n, int k, boolean sparse) {
        SplittableRandom rnd = new SplittableRandom(1000L * m + 10L * n + k + (sparse ? 7 : 0));
        int bOff = 2, ldb = k + 3;
        float[] a = new float[m * k], bt = new float[bOff + n * ldb], bn = new float[k * n], c = new float[m * n];
        boolean[] deadCol = new boolean[k];
        for (int p = 0; p < k; p++) deadCol[p] = sparse && rnd.nextDouble() < 0.4;
        for (int i = 0; i < a.length; i++) a[i] = deadCol[i % k] ? 0f : (float) (rnd.nextDouble() * 2 - 1);
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < ldb; p++) {
                // the padding beyond k must not be read: NaN there would show
                float v = p >= k ? Float.NaN : (float) (rnd.nextDouble() * 2 - 1);
                bt[bOff + j * ldb + p] = v;
                if (p < k) bn[p * n + j] = v;
            }
        }
        for (int i = 0; i < c.length; i++) c[i] = (float) (rnd.nextDouble() * 2 - 1);
        for (float[] ab : new float[][] {{1f, 0f}, {0.5f, 2f}}) {
            float[] want = c.clone(), got = c.clone();
            Gemm.gemm(false, false, m, n, k, ab[0], a, 0, k, bn, 0, n, ab[1], want, 0, n);
            Gemm.gemm(false, true, m, n, k, ab[0], a, 0, k, bt, bOff, ldb, ab[1], got, 0, n);
            for (int i = 0; i < want.length; i++) {
                if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                    fail("alpha " + ab[0] + " beta " + ab[1] + ": C[" + i + "] is " + got[i] + " with B^T, " + want[i]
                            + " with B");
                }
            }
        }
    }
}
