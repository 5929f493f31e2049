package dev.nabla.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code Kernels.copyTapPlane}, {@code Kernels.addTapRows} and {@code Kernels.addTapPlane}: the SIMD kernel gives the scalar kernel's bits on every
 * value of the array, the pixels around the rows and outside [lo, hi) included (they must stay as they were, -0
 * included). Arrays end right after the last
 * value read or written, or a little later, so rows near an array's end take the fallback or the vectors.
 */
class TapRowsTest {
    private static float[] values(Random rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i % 7 == 0 ? -0f : (float) rng.nextGaussian();
        return a;
    }

    @Test
    void simdGivesTheScalarBits() {
        Kernels scalar = KernelProvider.scalar(), simd = KernelProvider.simd().orElseThrow();
        Random rng = new Random(11);
        for (int trial = 0; trial < 3000; trial++) {
            int ow = 1 + rng.nextInt(40), rows = 1 + rng.nextInt(12);
            int lo = rng.nextInt(4) == 0 ? 0 : rng.nextInt(Math.min(ow, 3) + 1);
            int hi = Math.max(lo - rng.nextInt(2), ow - (rng.nextInt(3) == 0 ? 0 : rng.nextInt(Math.min(ow, 3) + 1)));
            hi = Math.min(ow, Math.max(0, hi));
            int xs = Math.max(1, hi) + rng.nextInt(20), before = rng.nextInt(5), after = rng.nextInt(3) == 0 ? 0 : rng.nextInt(40);
            int s = before - lo;  // the first value read is x[before]
            int xLen = before + (rows - 1) * xs + Math.max(hi, lo) + after;
            int d = rng.nextInt(6), colLen = d + rows * ow + (rng.nextInt(2) == 0 ? 0 : rng.nextInt(40));
            float[] x = values(rng, xLen), col = values(rng, colLen);
            // x from end on is another thread's (NaNs here): the vectors stop before it, the masked stores and the
            // scalar loop take the rows that would pass it
            int lastWritten = before + (rows - 1) * xs + Math.max(hi, lo) - lo;
            int end = rng.nextInt(3) == 0 ? xLen : Math.min(xLen, lastWritten + rng.nextInt(12));
            for (int i = end; i < xLen; i++) x[i] = Float.intBitsToFloat(0x7fc01234 + i);
            float[] x1 = x.clone(), x2 = x.clone();
            String where = "ow " + ow + " rows " + rows + " lo " + lo + " hi " + hi + " xs " + xs + " end " + end;
            scalar.addTapRows(col, d, rows, ow, x1, s, xs, lo, hi, end);
            simd.addTapRows(col, d, rows, ow, x2, s, xs, lo, hi, end);
            assertArrayEquals(bits(x1), bits(x2), "addTapRows " + where);
        }
    }

    @Test
    void copiedPlaneIsTheScalarBitsAndNothingAroundItIsWritten() {
        Kernels scalar = KernelProvider.scalar(), simd = KernelProvider.simd().orElseThrow();
        Random rng = new Random(17);
        for (int trial = 0; trial < 2000; trial++) {
            int kh = 1 + rng.nextInt(5), kw = 1 + rng.nextInt(5), dh = 1 + rng.nextInt(2), dw = 1 + rng.nextInt(2);
            int ph = rng.nextInt(4), pw = rng.nextInt(4), h = 1 + rng.nextInt(20), w = 1 + rng.nextInt(30);
            int oh = h + 2 * ph - (kh - 1) * dh, ow = w + 2 * pw - (kw - 1) * dw;
            if (oh < 1 || ow < 1) continue;
            // x is the plane alone after a few values: a vector that passes the plane's end would throw
            int before = rng.nextInt(5), ld = oh * ow + rng.nextInt(30), c0 = rng.nextInt(6);
            int colLen = c0 + (kh * kw - 1) * ld + oh * ow + rng.nextInt(3) * rng.nextInt(20);
            float[] x = values(rng, before + h * w), col = values(rng, colLen);
            float[] c1 = col.clone(), c2 = col.clone();
            String where = "k " + kh + "x" + kw + " d " + dh + "," + dw + " p " + ph + "," + pw + " h " + h + " w " + w;
            scalar.copyTapPlane(x, before, h, w, kh, kw, dh, dw, ph, pw, c1, c0, ld, oh, ow);
            simd.copyTapPlane(x, before, h, w, kh, kw, dh, dw, ph, pw, c2, c0, ld, oh, ow);
            assertArrayEquals(bits(c1), bits(c2), "copyTapPlane " + where);
            // the scalar kernel's values where it writes, the old ones between the taps' rows
            for (int t = 0; t < kh * kw; t++) {
                int i = t / kw, j = t % kw, at = c0 + t * ld + (oh - 1) * ow + ow - 1;
                int iy = oh - 1 + i * dh - ph, ix = ow - 1 + j * dw - pw;
                float want = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[before + iy * w + ix] : 0f;
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(c2[at]), where + " tap " + t);
                if (t + 1 < kh * kw && ld > oh * ow) {
                    assertEquals(Float.floatToRawIntBits(col[at + 1]), Float.floatToRawIntBits(c2[at + 1]), where + " after tap " + t);
                }
            }
        }
    }

    @Test
    void simdPlaneGivesTheScalarBits() {
        Kernels scalar = KernelProvider.scalar(), simd = KernelProvider.simd().orElseThrow();
        Random rng = new Random(13);
        for (int trial = 0; trial < 2000; trial++) {
            int kh = 1 + rng.nextInt(5), kw = 1 + rng.nextInt(5), dh = 1 + rng.nextInt(2), dw = 1 + rng.nextInt(2);
            int ph = rng.nextInt(3), pw = rng.nextInt(3), h = 1 + rng.nextInt(20), w = 1 + rng.nextInt(30);
            int oh = h + 2 * ph - (kh - 1) * dh, ow = w + 2 * pw - (kw - 1) * dw;
            if (oh < 1 || ow < 1) continue;
            int before = rng.nextInt(5), ld = oh * ow + rng.nextInt(30), c0 = rng.nextInt(6);
            int colLen = c0 + (kh * kw - 1) * ld + oh * ow + (rng.nextInt(2) == 0 ? 0 : rng.nextInt(40));
            // x: the plane, then other planes of the image (up to end), then another thread's (NaNs)
            int end = before + h * w + (rng.nextInt(3) == 0 ? 0 : rng.nextInt(40));
            int xLen = end + (rng.nextInt(2) == 0 ? 0 : rng.nextInt(40));
            float[] x = values(rng, xLen), col = values(rng, colLen);
            for (int i = end; i < xLen; i++) x[i] = Float.intBitsToFloat(0x7fc01234 + i);
            float[] x1 = x.clone(), x2 = x.clone();
            String where = "k " + kh + "x" + kw + " d " + dh + "," + dw + " p " + ph + "," + pw + " h " + h + " w " + w + " end " + end;
            scalar.addTapPlane(col, c0, ld, oh, ow, kh, kw, dh, dw, ph, pw, x1, before, h, w, end);
            simd.addTapPlane(col, c0, ld, oh, ow, kh, kw, dh, dw, ph, pw, x2, before, h, w, end);
            assertArrayEquals(bits(x1), bits(x2), "addTapPlane " + where);
        }
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }
}
