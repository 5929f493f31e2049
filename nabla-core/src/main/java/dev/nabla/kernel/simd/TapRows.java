package dev.nabla.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One tap's rows of im2col and col2im on vectors (see {@code Kernels.copyTapPlane} and {@code Kernels.addTapRows}).
 * A convolution's column rows are short (10 to 28 values), so a scalar loop per row costs mostly its pre- and
 * post-loops; here a row is one to four vectors. In col2im the row's last vector adds -0 in its lanes past the row (x + -0 is x, bit for bit, -0 and NaN included) and is
 * stored whole while it ends before {@code end}: masked stores are microcoded on AMD's Zen 1 to 3, one per several
 * cycles. Past {@code end}, where the pixels may be another image's, updated by another thread, the last vector is
 * stored with a mask; a row whose vectors would pass an array's end takes the scalar loop. Single additions in the
 * same order per pixel: the scalar kernel's bits.
 */
final class TapRows {
    private static final VectorSpecies<Float> S = Width.S;
    private static final VectorSpecies<Integer> I = S.vectorShape().withLanes(int.class);
    private static final int L = Width.L;
    private static final FloatVector MINUS_ZERO = FloatVector.broadcast(S, -0f);
    /** Lane l holds l. */
    private static final FloatVector IOTA = FloatVector.zero(S).addIndex(1);

    private TapRows() {}

    /**
     * {@code Kernels.copyTapPlane}, tap by tap: the rows of a tap that lie in the padding are zeroed, and each other
     * row copies its in-plane values [lo, hi) with whole vectors from lo, the last one ending at hi (overlapping the
     * one before it where the run is not a multiple of L), so nothing past the run is read or written; shorter runs
     * are copied value by value. A call per tap or per row cost more than the bytes: LeNet-5's second layer has
     * 150 taps of 10 rows of 10 values per image, and copying them row by row ({@code System.arraycopy}) took 4x
     * the time of the copies themselves.
     */
    static void copyPlane(float[] x, int xOff, int h, int w, int kh, int kw, int dh, int dw, int ph, int pw,
                          float[] col, int c0, int ld, int oh, int ow) {
        for (int i = 0; i < kh; i++) {
            int top = i * dh - ph;
            int oy0 = Math.min(oh, Math.max(0, -top)), oy1 = Math.max(oy0, Math.min(oh, h - top));
            for (int j = 0; j < kw; j++) {
                int shift = j * dw - pw, c = c0 + (i * kw + j) * ld;
                int lo = Math.min(ow, Math.max(0, -shift)), hi = Math.max(lo, Math.min(ow, w - shift));
                for (int v = c; v < c + oy0 * ow; v++) col[v] = 0f;
                for (int v = c + oy1 * ow; v < c + oh * ow; v++) col[v] = 0f;
                copyRows(x, xOff + (oy0 + top) * w + shift, w, oy1 - oy0, col, c + oy0 * ow, ow, lo, hi);
            }
        }
    }

    /**
     * {@code col[d + r ow + q] = x[s + r xs + q]} for q in [lo, hi), 0 for the row's other q; r in [0, rows). The
     * rows are the inner loop, one vector each: a loop over a row's one or two vectors ran at a third of the speed.
     */
    private static void copyRows(float[] x, int s, int xs, int rows, float[] col, int d, int ow, int lo, int hi) {
        if (lo > 0 || hi < ow) {
            for (int r = 0, c = d; r < rows; r++, c += ow) {
                for (int q = 0; q < lo; q++) col[c + q] = 0f;
                for (int q = hi; q < ow; q++) col[c + q] = 0f;
            }
        }
        if (hi - lo < L) {
            for (int r = 0, c = d, xr = s; r < rows; r++, c += ow, xr += xs) {
                for (int q = lo; q < hi; q++) col[c + q] = x[xr + q];
            }
            return;
        }
        for (int q = lo, last = hi - L; ; q = Math.min(q + L, last)) {
            for (int r = 0, c = d + q, xr = s + q; r < rows; r++, c += ow, xr += xs) {
                FloatVector.fromArray(S, x, xr).intoArray(col, c);
            }
            if (q == last) break;
        }
    }

    static void add(float[] col, int d, int rows, int ow, float[] x, int s, int xs, int lo, int hi, int end) {
        if (hi <= lo) return;
        int lastQ = lo + (hi - lo - 1) / L * L, r = 0, limit = Math.min(end, x.length);
        VectorMask<Float> inside = S.indexInRange(0, hi - lastQ);
        for (; r < rows; r++) {
            int xr = s + r * xs, c = d + r * ow;
            if (xr + lastQ + L > x.length || c + lastQ + L > col.length) break;
            for (int q = lo; q < lastQ; q += L) {
                FloatVector.fromArray(S, x, xr + q).add(FloatVector.fromArray(S, col, c + q)).intoArray(x, xr + q);
            }
            FloatVector tail = MINUS_ZERO.blend(FloatVector.fromArray(S, col, c + lastQ), inside);
            FloatVector sum = FloatVector.fromArray(S, x, xr + lastQ).add(tail);
            if (xr + lastQ + L <= limit) sum.intoArray(x, xr + lastQ);
            else sum.intoArray(x, xr + lastQ, inside);
        }
        for (; r < rows; r++) {
            int xr = s + r * xs, c = d + r * ow;
            for (int q = lo; q < hi; q++) x[xr + q] += col[c + q];
        }
    }

    /**
     * {@code Kernels.addTapPlane}: pixel row by pixel row, each vector of the row loaded once, every tap's values
     * added to it in tap order (a vector of the tap's column row, shifted to the pixels it adds to, -0 in the
     * lanes it does not reach) and stored once. Adding one tap's rows at a time instead stores each pixel kh kw
     * times, and the next tap's loads, one pixel over, wait on those stores (a load that overlaps an earlier store
     * only in part is not forwarded from it). Rows whose vectors would pass {@code end} or an array's end are done
     * pixel by pixel in the same order.
     */
    static void addPlane(float[] col, int c0, int ld, int oh, int ow, int kh, int kw, int dh, int dw, int ph, int pw,
                         float[] x, int xOff, int h, int w, int end) {
        int nv = (w + L - 1) / L, limit = Math.min(end, x.length);
        // per vector v of a row and tap column j, the bits that keep the lanes the tap reaches and those that make
        // the others -0: the same for every row (masks built in the loop cost more than the additions here)
        int[] keep = new int[nv * kw * L], sign = new int[nv * kw * L];
        for (int v = 0; v < nv; v++) {
            for (int j = 0; j < kw; j++) {
                int shift = j * dw - pw, lo = shift - v * L, hi = Math.min(ow + shift, w) - v * L;
                for (int l = 0; l < L; l++) {
                    boolean in = l >= lo && l < hi;
                    keep[(v * kw + j) * L + l] = in ? -1 : 0;
                    sign[(v * kw + j) * L + l] = in ? 0 : 0x80000000;
                }
            }
        }
        for (int iy = 0; iy < h; iy++) {
            int xr = xOff + iy * w;
            if (xr + nv * L > limit) {
                addRowScalar(col, c0, ld, oh, ow, kh, kw, dh, dw, ph, pw, x, xr, iy, w);
                continue;
            }
            for (int v = 0; v < nv; v++) {
                int px = v * L;
                FloatVector acc = FloatVector.fromArray(S, x, xr + px);
                for (int i = 0; i < kh; i++) {
                    int oy = iy + ph - i * dh;
                    if (oy < 0 || oy >= oh) continue;
                    for (int j = 0; j < kw; j++) {
                        // lane l is pixel px + l, column q = px + l - shift of the tap's row oy
                        int shift = j * dw - pw, at = c0 + (i * kw + j) * ld + oy * ow + px - shift, bits = (v * kw + j) * L;
                        if (at >= 0 && at + L <= col.length) {
                            IntVector add = FloatVector.fromArray(S, col, at).reinterpretAsInts()
                                    .and(IntVector.fromArray(I, keep, bits)).or(IntVector.fromArray(I, sign, bits));
                            acc = acc.add(add.reinterpretAsFloats());
                        } else {
                            int lo = shift - px, hi = Math.min(ow + shift, w) - px;
                            VectorMask<Float> m = IOTA.compare(VectorOperators.GE, lo).and(IOTA.compare(VectorOperators.LT, hi));
                            acc = acc.add(MINUS_ZERO.blend(FloatVector.fromArray(S, col, at, m), m));
                        }
                    }
                }
                acc.intoArray(x, xr + px);
            }
        }
    }

    /** One pixel row of {@link #addPlane}, pixel by pixel, the taps in the same order. */
    private static void addRowScalar(float[] col, int c0, int ld, int oh, int ow, int kh, int kw, int dh, int dw,
                                     int ph, int pw, float[] x, int xr, int iy, int w) {
        for (int ix = 0; ix < w; ix++) {
            float s = x[xr + ix];
            for (int i = 0; i < kh; i++) {
                int oy = iy + ph - i * dh;
                if (oy < 0 || oy >= oh) continue;
                for (int j = 0; j < kw; j++) {
                    int q = ix + pw - j * dw;
                    if (q >= 0 && q < ow) s += col[c0 + (i * kw + j) * ld + oy * ow + q];
                }
            }
            x[xr + ix] = s;
        }
    }
}
