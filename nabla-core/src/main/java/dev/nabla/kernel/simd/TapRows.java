package dev.nabla.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * One tap's rows of col2im on vectors (see {@code Kernels.addTapRows}). A convolution's column rows are short (10
 * to 28 values), so a scalar loop per row costs mostly its pre- and post-loops; here a row is one or two vectors.
 * A row's last vector is stored with a mask, as the pixels after the row may be another image's, updated by
 * another thread; a row whose vectors would pass an array's end takes the scalar loop. Single additions in the
 * same order per pixel: the scalar kernel's bits.
 */
final class TapRows {
    private static final VectorSpecies<Float> S = Width.S;
    private static final int L = Width.L;

    private TapRows() {}

    static void add(float[] col, int d, int rows, int ow, float[] x, int s, int xs, int lo, int hi) {
        if (hi <= lo) return;
        int lastQ = lo + (hi - lo - 1) / L * L, r = 0;
        VectorMask<Float> inside = S.indexInRange(0, hi - lastQ);
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
