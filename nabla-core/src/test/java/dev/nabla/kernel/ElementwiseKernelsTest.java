package dev.nabla.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The elementwise kernels and reductions of both implementations, on lengths around the vector width (tails),
 * with offsets, against float64 references; the SIMD ones also bit for bit against the scalar ones where they
 * promise to do the same float operations.
 */
class ElementwiseKernelsTest {
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 127, 257, 1000};
    private static final Kernels SCALAR = KernelProvider.scalar();

    static Stream<Kernels> kernels() {
        return Stream.of(SCALAR, KernelProvider.simd().orElseThrow());
    }

    private static float[] random(int n, long seed, double range) {
        return RandomFloats.uniform(n, seed, range);
    }

    /** Values where kernels are easy to get wrong: signed zeros, infinities, NaN, tiny and huge numbers. */
    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
            1e-30f, -1e-30f, 88f, -88f, 89f, -89f, 100f, -100f, 0.5f};

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                fail(what + ": index " + i + " got " + got[i] + ", want " + want[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void addMulScaleAxpyReluDoExactlyTheScalarFloatOperations(Kernels kern) {
        for (int n : LENGTHS) {
            int off = n % 3;
            float[] a = random(n + off, n, 10), b = random(n + 2, n + 1, 10);
            float[] want = new float[n + 4], got = new float[n + 4];
            for (int i = 0; i < n; i++) want[1 + i] = a[off + i] + b[2 + i];
            kern.add(n, a, off, b, 2, got, 1);
            assertSameBits(want, got, kern.name() + " add n=" + n);

            for (int i = 0; i < n; i++) want[1 + i] = a[off + i] * b[2 + i];
            kern.mul(n, a, off, b, 2, got, 1);
            assertSameBits(want, got, kern.name() + " mul n=" + n);

            for (int i = 0; i < n; i++) want[1 + i] = -0.75f * a[off + i];
            kern.scale(n, -0.75f, a, off, got, 1);
            assertSameBits(want, got, kern.name() + " scale n=" + n);

            float[] y = random(n + 4, 7 * n, 3), y2 = y.clone();
            for (int i = 0; i < n; i++) y[3 + i] += 0.3f * a[off + i];
            kern.axpy(n, 0.3f, a, off, y2, 3);
            assertSameBits(y, y2, kern.name() + " axpy n=" + n);

            for (int i = 0; i < n; i++) want[1 + i] = Math.max(a[off + i], 0f);
            kern.relu(n, a, off, got, 1);
            assertSameBits(want, got, kern.name() + " relu n=" + n);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void sigmoidBackwardIsGradTimesSTimesOneMinusSBitForBit(Kernels kern) {
        for (int n : LENGTHS) {
            int off = n % 3;
            float[] g = random(n + off, 5 * n, 4), s = random(n + 2, 5 * n + 1, 1);
            float[] want = new float[n + 4], got = new float[n + 4];
            for (int i = 0; i < n; i++) want[1 + i] = g[off + i] * s[2 + i] * (1f - s[2 + i]);
            kern.sigmoidBackward(n, g, off, s, 2, got, 1);
            assertSameBits(want, got, kern.name() + " sigmoidBackward n=" + n);
        }
        float[] x = new float[SPECIAL.length * 3], y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = SPECIAL[i % SPECIAL.length];
            y[i] = SPECIAL[(i * 7 + 3) % SPECIAL.length];
        }
        float[] want = new float[x.length], got = new float[x.length];
        SCALAR.sigmoidBackward(x.length, x, 0, y, 0, want, 0);
        kern.sigmoidBackward(x.length, x, 0, y, 0, got, 0);
        assertSameBits(want, got, kern.name() + " sigmoidBackward on special values");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void reluBackwardPassesTheGradientExactlyWhereTheInputIsPositive(Kernels kern) {
        for (int n : LENGTHS) {
            int off = n % 3;
            float[] g = random(n + off, 9 * n, 4), x = random(n + 2, 9 * n + 1, 2);
            float[] want = new float[n + 4], got = new float[n + 4];
            for (int i = 0; i < n; i++) want[1 + i] = x[2 + i] > 0 ? g[off + i] : 0f;
            kern.reluBackward(n, g, off, x, 2, got, 1);
            assertSameBits(want, got, kern.name() + " reluBackward n=" + n);
        }
        // NaN, -0 and infinities as the input (never positive except +inf) and as the gradient
        float[] x = new float[SPECIAL.length * 3], g = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = SPECIAL[i % SPECIAL.length];
            g[i] = SPECIAL[(i * 7 + 3) % SPECIAL.length];
        }
        float[] want = new float[x.length], got = new float[x.length];
        for (int i = 0; i < x.length; i++) want[i] = x[i] > 0 ? g[i] : 0f;
        kern.reluBackward(x.length, g, 0, x, 0, got, 0);
        assertSameBits(want, got, kern.name() + " reluBackward on special values");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void reluAndArithmeticAgreeWithScalarOnSpecialValues(Kernels kern) {
        // repeated to fill full vectors as well as the scalar tail
        float[] x = new float[SPECIAL.length * 3];
        for (int i = 0; i < x.length; i++) x[i] = SPECIAL[i % SPECIAL.length];
        float[] y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = SPECIAL[(i * 7 + 3) % SPECIAL.length];
        int n = x.length;
        float[] want = new float[n], got = new float[n];
        SCALAR.relu(n, x, 0, want, 0);
        kern.relu(n, x, 0, got, 0);
        assertSameBits(want, got, kern.name() + " relu");
        SCALAR.add(n, x, 0, y, 0, want, 0);
        kern.add(n, x, 0, y, 0, got, 0);
        assertSameBits(want, got, kern.name() + " add");
        SCALAR.mul(n, x, 0, y, 0, want, 0);
        kern.mul(n, x, 0, y, 0, got, 0);
        assertSameBits(want, got, kern.name() + " mul");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void dotAndSumMatchFloat64(Kernels kern) {
        for (int n : LENGTHS) {
            float[] x = random(n + 5, 3 * n, 2), y = random(n + 5, 3 * n + 1, 2);
            double dot = 0, dotMag = 0, sum = 0, sumMag = 0;
            for (int i = 0; i < n; i++) {
                double t = (double) x[1 + i] * y[4 + i];
                dot += t;
                dotMag += Math.abs(t);
                sum += x[1 + i];
                sumMag += Math.abs(x[1 + i]);
            }
            assertEquals(dot, kern.dot(n, x, 1, y, 4), 1e-6 * (n + 1) * dotMag + 1e-30, kern.name() + " dot n=" + n);
            assertEquals(sum, kern.sum(n, x, 1), 1e-6 * (n + 1) * sumMag + 1e-30, kern.name() + " sum n=" + n);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void expAndSigmoidAreWithinARelativeMillionth(Kernels kern) {
        for (int n : LENGTHS) {
            float[] x = random(n + 2, 11 * n, 87);
            float[] e = new float[n + 2], s = new float[n + 2];
            kern.exp(n, x, 2 - 2, e, 1);
            kern.sigmoid(n, x, 0, s, 2);
            for (int i = 0; i < n; i++) {
                double wantE = Math.exp(x[i]), wantS = 1 / (1 + Math.exp(-x[i]));
                assertEquals(wantE, e[1 + i], 1e-6 * wantE, kern.name() + " exp(" + x[i] + ")");
                assertEquals(wantS, s[2 + i], 1e-6 * wantS + 1e-37, kern.name() + " sigmoid(" + x[i] + ")");
            }
        }
    }

    /**
     * The same input gives the same bits whether it falls in a vector or in the scalar tail: the SIMD exp is
     * made of float operations that Java defines exactly (so it cannot change when the JIT compiles it), and
     * its tail repeats them.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void expAndSigmoidGiveTheSameBitsInVectorsAndInTheTail(Kernels kern) {
        float[] values = random(4000, 5, 95);
        System.arraycopy(SPECIAL, 0, values, 0, SPECIAL.length);
        // x = v0 v0 ... v0 (8 lanes) v0 : the 9th element is computed by the tail
        float[] x = new float[9], e = new float[9], s = new float[9];
        for (float v : values) {
            java.util.Arrays.fill(x, v);
            kern.exp(9, x, 0, e, 0);
            kern.sigmoid(9, x, 0, s, 0);
            for (int i = 0; i < 8; i++) {
                if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(e[8])
                        || Float.floatToRawIntBits(s[i]) != Float.floatToRawIntBits(s[8])) {
                    fail(kern.name() + " at " + v + ": lane " + i + " gives exp " + e[i] + ", sigmoid " + s[i]
                            + "; the tail gives " + e[8] + ", " + s[8]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void expAndSigmoidHandleSpecialValues(Kernels kern) {
        float[] x = new float[SPECIAL.length * 2];
        for (int i = 0; i < x.length; i++) x[i] = SPECIAL[i % SPECIAL.length];
        float[] e = new float[x.length], s = new float[x.length];
        kern.exp(x.length, x, 0, e, 0);
        kern.sigmoid(x.length, x, 0, s, 0);
        for (int i = 0; i < x.length; i++) {
            double wantE = Math.exp(x[i]), wantS = 1 / (1 + Math.exp(-x[i]));
            String at = kern.name() + " at " + x[i];
            if (Double.isNaN(wantE)) {
                assertEquals(Float.NaN, e[i], at);
                assertEquals(Float.NaN, s[i], at);
                continue;
            }
            // below e^-87 results are subnormal or zero in float: compare absolutely there
            assertEquals((float) wantE, e[i], 1e-6 * wantE + 1e-37, "exp " + at);
            assertEquals((float) wantS, s[i], 1e-6 * wantS + 1e-37, "sigmoid " + at);
        }
    }
}
