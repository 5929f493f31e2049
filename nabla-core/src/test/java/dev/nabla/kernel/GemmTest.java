package dev.nabla.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both GEMM implementations against a float64 reference, on sizes that are not multiples of any tile. */
class GemmTest {
    private static final int[] SIZES = {1, 7, 13, 17, 127, 257};

    static Stream<Kernels> kernels() {
        return Stream.of(KernelProvider.scalar(), KernelProvider.simd().orElseThrow());
    }

    /** One GEMM problem laid out in arrays with offsets and padded leading dimensions. */
    record Problem(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        static Problem random(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                              int pad, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
            int aOff = pad * 3, bOff = pad * 5, cOff = pad * 7;
            float[] a = fill(new float[aOff + aRows * lda + pad], rnd);
            float[] b = fill(new float[bOff + bRows * ldb + pad], rnd);
            float[] c = fill(new float[cOff + m * ldc + pad], rnd);
            return new Problem(transA, transB, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        private static float[] fill(float[] x, SplittableRandom rnd) {
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
            return x;
        }

        double opA(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        double opB(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /** Runs the kernel on a copy of C and returns that copy. */
        float[] run(Kernels kern) {
            float[] out = c.clone();
            kern.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /**
         * Checks {@code out} against the float64 result: inside C within {@code 1e-6 * (k + 1)} of the sum of
         * the absolute terms; outside the [m, n] window (offsets, padding) untouched.
         */
        void check(String who, float[] out) {
            boolean[] inside = new boolean[c.length];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, mag = 0;
                    for (int p = 0; p < k; p++) {
                        double t = opA(i, p) * opB(p, j);
                        sum += t;
                        mag += Math.abs(t);
                    }
                    int idx = cOff + i * ldc + j;
                    inside[idx] = true;
                    double old = beta == 0f ? 0 : beta * (double) c[idx];
                    double want = alpha * sum + old;
                    double scale = Math.abs(alpha) * mag + Math.abs(old);
                    double err = Math.abs(out[idx] - want);
                    if (!(err <= 1e-6 * (k + 1) * scale + 1e-30)) {
                        fail(String.format("%s %s C[%d,%d]: got %s, want %s (error %.3g, scale %.3g)",
                                who, this, i, j, out[idx], want, err, scale));
                    }
                }
            }
            for (int idx = 0; idx < c.length; idx++) {
                if (!inside[idx] && Float.floatToRawIntBits(out[idx]) != Float.floatToRawIntBits(c[idx])) {
                    fail(who + " " + this + ": wrote outside C at array index " + idx);
                }
            }
        }

        @Override
        public String toString() {
            return String.format("%s%s m=%d n=%d k=%d alpha=%s beta=%s lda=%d ldb=%d ldc=%d",
                    transA ? "T" : "N", transB ? "T" : "N", m, n, k, alpha, beta, lda, ldb, ldc);
        }
    }

    static Stream<Arguments> transposes() {
        List<Arguments> out = new ArrayList<>();
        for (Kernels kern : kernels().toList()) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) out.add(Arguments.of(kern, ta, tb));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("transposes")
    void matchesFloat64ReferenceOnOddSizesWithPaddedLeadingDims(Kernels kern, boolean ta, boolean tb) {
        long seed = 1;
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    Problem pr = Problem.random(ta, tb, m, n, k, 1.5f, 0.5f, (int) (seed % 5), seed++);
                    pr.check(kern.name(), pr.run(kern));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("transposes")
    void appliesAlphaAndBeta(Kernels kern, boolean ta, boolean tb) {
        float[][] alphaBeta = {{1, 0}, {1, 1}, {-2, 0}, {0.25f, -1}, {1, 3}, {0, 2}};
        long seed = 100;
        for (float[] ab : alphaBeta) {
            for (int[] mnk : new int[][] {{7, 17, 13}, {64, 10, 128}, {13, 257, 5}, {100, 33, 300}}) {
                Problem pr = Problem.random(ta, tb, mnk[0], mnk[1], mnk[2], ab[0], ab[1], 2, seed++);
                pr.check(kern.name(), pr.run(kern));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void betaZeroOverwritesNaN(Kernels kern) {
        for (int[] mnk : new int[][] {{6, 16, 4}, {13, 17, 7}, {1, 1, 1}, {70, 40, 300}}) {
            Problem pr = Problem.random(false, false, mnk[0], mnk[1], mnk[2], 2f, 0f, 1, 7);
            for (int i = 0; i < pr.m(); i++) {
                for (int j = 0; j < pr.n(); j++) pr.c()[pr.cOff() + i * pr.ldc() + j] = Float.NaN;
            }
            float[] out = pr.run(kern);
            pr.check(kern.name(), out);
            for (int i = 0; i < pr.m(); i++) {
                for (int j = 0; j < pr.n(); j++) {
                    assertTrue(Float.isFinite(out[pr.cOff() + i * pr.ldc() + j]), "NaN kept at " + i + "," + j);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void emptyInnerDimensionScalesC(Kernels kern) {
        float[] c = {1, 2, 3, 4, 5, 6};
        kern.gemm(false, false, 2, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 3, 0.5f, c, 0, 3);
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, 2.5f, 3}, c);
        float[] nan = {Float.NaN, Float.NaN};
        kern.gemm(false, false, 1, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, nan, 0, 2);
        assertArrayEquals(new float[] {0, 0}, nan);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void computesTheNetworkShapes(Kernels kern) {
        // forward x[64,784]*W1[784,128]; x^T*dH; h*W2 with W2 [128,10]; dY*W2^T; h^T*dY; W stored [out,in]
        int[][] shapes = {{64, 128, 784, 0, 0}, {784, 128, 64, 1, 0}, {64, 10, 128, 0, 0}, {64, 128, 10, 0, 1},
                {128, 10, 64, 1, 0}, {64, 128, 784, 0, 1}, {784, 128, 64, 1, 1}};
        long seed = 500;
        for (int[] s : shapes) {
            Problem pr = Problem.random(s[3] == 1, s[4] == 1, s[0], s[1], s[2], 1f, 0f, 0, seed++);
            pr.check(kern.name(), pr.run(kern));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void largeProblemSplitAcrossThreadsAndBlocksIsCorrect(Kernels kern) {
        // deeper than one k block, wider than one column panel of the blocked kernel (on one thread), rows over
        // several row blocks; then cut in parts
        Problem pr = Problem.random(true, false, 101, 2100, 300, 1f, 1f, 1, 9);
        for (int t : new int[] {1, 3}) {
            try (var ctx = ExecutionContext.with(kern, t)) {
                pr.check(kern.name() + " threads " + t, pr.run(kern));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void resultsAreBitIdenticalAcrossRunsAtFixedThreadCount(Kernels kern) {
        try (var ctx = ExecutionContext.with(kern, 2)) {
            runsAreBitIdentical(kern);
        }
    }

    private static void runsAreBitIdentical(Kernels kern) {
        for (int[] mnk : new int[][] {{64, 128, 784}, {784, 128, 64}, {300, 301, 302}}) {
            Problem pr = Problem.random(false, true, mnk[0], mnk[1], mnk[2], 1f, 0f, 0, 11);
            float[] first = pr.run(kern);
            for (int rep = 0; rep < 5; rep++) {
                float[] again = pr.run(kern);
                for (int i = 0; i < first.length; i++) {
                    assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(again[i]),
                            kern.name() + " " + pr + ": run " + rep + " differs at " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void resultsDoNotDependOnTheThreadCount(Kernels kern) {
        Problem pr = Problem.random(true, true, 250, 190, 600, 0.5f, 2f, 1, 13);
        float[] one;
        try (var ctx = ExecutionContext.with(kern, 1)) {
            one = pr.run(kern);
        }
        for (int t : new int[] {2, 3, 4}) {
            float[] many;
            try (var ctx = ExecutionContext.with(kern, t)) {
                many = pr.run(kern);
            }
            for (int i = 0; i < one.length; i++) {
                assertEquals(Float.floatToRawIntBits(one[i]), Float.floatToRawIntBits(many[i]),
                        kern.name() + " threads " + t + " differs from 1 thread at " + i);
            }
        }
    }
}
