package dev.nabla.kernel.simd;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A narrow A^T B (n below one strip) computed as (B^T A)^T must write the very bits of the direct product: for
 * the weight-gradient shapes of the course's models, odd sizes, alpha and beta, several k blocks, and NaN in C.
 */
class GemmTransposedProductTest {

    @AfterEach
    void restore() {
        Gemm.transposeNarrow = true;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(784, 10, 64, 1f, 0f),   // softmax regression: x^T g
                Arguments.of(128, 10, 64, 1f, 0f),   // two-layer net, second layer: h^T g
                Arguments.of(784, 10, 1000, 1f, 0f), // several k blocks
                Arguments.of(97, 3, 41, 0.5f, 0.75f),
                Arguments.of(65, 15, 256, -2f, 1f),
                Arguments.of(200, 1, 7, 1f, 0f));
    }

    private static float[] random(int n, SplittableRandom rnd, double zeros) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextDouble() < zeros ? 0f : (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    private static float[] run(boolean transposed, int m, int n, int k, float alpha, float beta, float[] a, int lda,
                               float[] b, int ldb, float[] c0, int ldc) {
        Gemm.transposeNarrow = transposed;
        float[] c = c0.clone();
        Gemm.gemm(true, false, m, n, k, alpha, a, 3, lda, b, 5, ldb, beta, c, 2, ldc);
        return c;
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} alpha={3} beta={4}")
    @MethodSource("cases")
    void narrowTransposedProductWritesTheBitsOfTheDirectOne(int m, int n, int k, float alpha, float beta) {
        SplittableRandom rnd = new SplittableRandom(17L * m + n + 3L * k);
        int lda = m + 1, ldb = n + 2, ldc = n + 3;
        float[] a = random(3 + k * lda, rnd, 0.6), b = random(5 + k * ldb, rnd, 0);
        float[] c = random(2 + m * ldc + 4, rnd, 0.1);
        c[2 + ldc + 1] = Float.NaN; // overwritten when beta is 0, propagated otherwise
        float[] want = run(false, m, n, k, alpha, beta, a, lda, b, ldb, c, ldc);
        float[] got = run(true, m, n, k, alpha, beta, a, lda, b, ldb, c, ldc);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                fail("C[" + i + "]: transposed product " + got[i] + ", direct " + want[i]);
            }
        }
    }
}
