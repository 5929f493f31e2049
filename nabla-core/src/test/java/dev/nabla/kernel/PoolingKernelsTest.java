package dev.nabla.kernel;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The 2x2 stride-2 max pooling kernel: the SIMD one picks the scalar one's winners and values bit for bit (ties,
 * signed zeros and NaNs included, on plane sizes that leave partial vectors), and the scalar one follows its rule.
 */
class PoolingKernelsTest {
    private static final Kernels SCALAR = KernelProvider.scalar();
    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, Float.NaN, Float.intBitsToFloat(0xffc00001),
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

    /** Values from a few levels (so windows hold ties) with some special values mixed in. */
    private static float[] values(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextInt(10) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : rnd.nextInt(5) - 2;
        }
        return x;
    }

    @Test
    void simdMaxPoolPicksTheScalarWinnersBitForBit() {
        Kernels simd = KernelProvider.simd().orElseThrow();
        int[][] sizes = {{2, 2}, {4, 6}, {5, 7}, {10, 10}, {28, 28}, {14, 14}, {3, 34}, {9, 66}};
        for (int[] s : sizes) {
            int h = s[0], w = s[1], planes = 5, p = (h / 2) * (w / 2), xo = 3;
            float[] x = values(xo + planes * h * w + 2, h * 131L + w);
            float[] want = new float[planes * p + 1], got = new float[planes * p + 1];
            int[] wantArg = new int[planes * p + 1], gotArg = new int[planes * p + 1];
            got[planes * p] = 7f;
            gotArg[planes * p] = 7;
            want[planes * p] = 7f;
            wantArg[planes * p] = 7;
            SCALAR.maxPool2x2(x, xo, h, w, 1, planes, want, wantArg);
            simd.maxPool2x2(x, xo, h, w, 1, planes, got, gotArg);
            assertArrayEquals(wantArg, gotArg, h + "x" + w + " winners");
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), h + "x" + w + " value " + i);
            }
        }
    }

    @Test
    void theFirstOfEqualValuesAndTheFirstNanWin() {
        float nan2 = Float.intBitsToFloat(0x7fc00002);
        // a 2 x 4 plane, two windows: left taps -0, 0 / 3, 3 and right taps 5, NaN / NaN (other bits), 3
        float[] x = {-0f, 0f, 5f, Float.NaN,
                     3f, 3f, nan2, 3f};
        for (Kernels k : new Kernels[] {SCALAR, KernelProvider.simd().orElseThrow()}) {
            float[] y = new float[2];
            int[] arg = new int[2];
            k.maxPool2x2(x, 0, 2, 4, 0, 1, y, arg);
            assertEquals(4, arg[0], k.name() + ": 3 at (1, 0) beats the zeros, the tie at (1, 1) loses");
            assertEquals(3, arg[1], k.name() + ": the first NaN (0, 1) wins over the later one");
            assertEquals(Float.floatToRawIntBits(Float.NaN), Float.floatToRawIntBits(y[1]));
        }
    }
}
