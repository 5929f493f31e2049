package dev.nabla.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * One tap's rows of col2im on vectors (see {@code Kernels.addTapRows}). A convolution's column rows are short (10
 * to 28 values), so a scalar loop per row costs mostly its pre- and post-loops; here a row is one to four vectors.
 * The row's last vector adds -0 in its lanes past the row (x + -0 is x, bit for bit, -0 and NaN included) and is
 * stored whole while it ends before {@code end}: masked stores are microcoded on AMD's Zen 1 to 3, one per several
 * cycles. Past {@code end}, where the pixels may be another image's, updated by another thread, the last vector is
 * stored with a mask; a row whose vectors would pass an array's end takes the scalar loop. Single additions in the
 * same order per pixel: the scalar kernel's bits.
 */
final class TapRows {
    private static final VectorSpecies<Float> S = Width.S;
    private static final int L = Width.L;
    private static final FloatVector MINUS_ZERO = FloatVector.broadcast(S, -0f);

    private TapRows() {}

    static void add(float[] col, int d, int rows, int ow, float[] x, int s, int xs, int lo, int hi, int end) {
        if (hi <= lo) return;
        int lastQ = lo + (hi - lo - 1) / L * L, r = 0, limit = Math.min(end, x.length);
        VectorMask<Float> inside = S.indexInRange(0, hi - lastQ);
        for (; r < rows; r++) {
            int xr = s + r * xs, c = d + r * ow;
            if (xr + lastQ + L > limit || c + lastQ + L > col.length) break;
            for (int q = lo; q < lastQ; q += L) {
                FloatVector.fromArray(S, x, xr + q).add(FloatVector.fromArray(S, col, c + q)).intoArray(x, xr + q);
            }
            FloatVector tail = MINUS_ZERO.blend(FloatVector.fromArray(S, col, c + lastQ), inside);
            FloatVector.fromArray(S, x, xr + lastQ).add(tail).intoArray(x, xr + lastQ);
        }
        for (; r < rows; r++) {
            int xr = s + r * xs, c = d + r * ow;
            if (xr + lastQ + L > x.length || c + lastQ + L > col.length) break;
            for (int q = lo; q < lastQ; q += L) {
                FloatVector.fromArray(S, x, xr + q).add(FloatVector.fromArray(S, col, c + q)).intoArray(x, xr + q);
            }
            FloatVector.fromArray(S, x, xr + lastQ).add(FloatVector.fromArray(S, col, c + lastQ)).intoArray(x, xr + lastQ, inside);
        }
        for (; r < rows; r++) {
            int xr = s + r * xs, c = d + r * ow;
            for (int q = lo; q < hi; q++) x[xr + q] += col[c + q];
        }
    }
}
