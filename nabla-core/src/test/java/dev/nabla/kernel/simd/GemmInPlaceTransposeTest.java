package dev.nabla.kernel.simd;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A^T read where it is stored ({@code Gemm.kernelAT}) gives the bits of the packed A^T: whole and partial panels,
 * whole, partial and one-vector strips, one and two k blocks, offsets and leading dimensions wider than the matrix,
 * zero panels and NaNs, alpha and beta. Runs at this JVM's vector width (with {@code -Dnabla.simd.bits=256}, at
 * 256 bits).
 */
class GemmInPlaceTransposeTest {

    @AfterEach
    void restore() {
        Gemm.readATInPlace = true;
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        // m: under one panel, whole panels of both widths, partial last panels, over one A block (MC 100 or 160)
        // n: whole strips of both widths, partial, one-vector and wider than the in-place limit
        for (int m : new int[] {3, 8, 10, 13, 40, 64, 101, 170}) {
            for (int n : new int[] {5, 16, 32, 33, 50, 128, 300}) {
                for (int k : new int[] {1, 7, 64, 300}) b.add(Arguments.of(m, n, k));
            }
        }
        return b.build();
    }

    private static float[] run(boolean inPlace, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                               float[] b, float beta, float[] c0) {
        Gemm.readATInPlace = inPlace;
        float[] c = c0.clone();
        Gemm.gemm(true, false, m, n, k, alpha, a, aOff, lda, b, 0, n, beta, c, 0, n);
        return c;
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("cases")
    void readingATInPlaceGivesTheBitsOfPackingIt(int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(1000L * m + 10L * n + k);
        int aOff = 3, lda = m + 5;
        float[] a = new float[aOff + k * lda], b = new float[k * n], c = new float[m * n];
        // rows of op(A) (columns of the stored A) zero in whole panels, as dead pixels are
        boolean[] deadRow = new boolean[m];
        for (int i = 0; i < m; i++) deadRow[i] = (i / 8) % 3 == 1 || rnd.nextDouble() < 0.2;
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < lda; i++) {
                // the padding beyond m must not be read: NaN there would show
                a[aOff + p * lda + i] = i >= m ? Float.NaN : deadRow[i] ? 0f : (float) (rnd.nextDouble() * 2 - 1);
            }
        }
        for (int i = 0; i < b.length; i++) b[i] = (float) (rnd.nextDouble() * 2 - 1);
        for (int i = 0; i < c.length; i++) c[i] = (float) (rnd.nextDouble() * 2 - 1);
        for (float[] ab : new float[][] {{1f, 0f}, {0.5f, 2f}, {1f, 1f}}) {
            assertSameBits(run(false, m, n, k, ab[0], a, aOff, lda, b, ab[1], c),
                    run(true, m, n, k, ab[0], a, aOff, lda, b, ab[1], c), "alpha " + ab[0] + " beta " + ab[1]);
        }
        float[] nanA = a.clone();
        nanA[aOff + rnd.nextInt(k) * lda + rnd.nextInt(m)] = Float.NaN;
        assertSameBits(run(false, m, n, k, 1f, nanA, aOff, lda, b, 0f, c),
                run(true, m, n, k, 1f, nanA, aOff, lda, b, 0f, c), "NaN in A");
        float[] infB = b.clone();
        infB[rnd.nextInt(infB.length)] = Float.POSITIVE_INFINITY;
        assertSameBits(run(false, m, n, k, 1f, a, aOff, lda, infB, 0f, c),
                run(true, m, n, k, 1f, a, aOff, lda, infB, 0f, c), "infinity in B");
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                fail(what + ": C[" + i + "] is " + got[i] + " read in place, " + want[i] + " packed");
            }
        }
    }
}
