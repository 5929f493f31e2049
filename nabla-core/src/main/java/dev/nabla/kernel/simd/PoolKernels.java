package dev.nabla.kernel.simd;

import dev.nabla.kernel.ScalarKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling over 2x2 windows with stride 2 on vectors (see {@code Kernels.maxPool2x2}). Scalar code loses most of
 * its time here to mispredicted branches (which tap wins is random on real activations, and the JIT compiles the
 * float selects as branches); here the four taps of {@code L} outputs are gathered and compared with masks. The
 * comparisons run in the scalar loop's order with its rule (a tap wins when the best so far is not NaN and the tap
 * is greater or NaN), so the winners and values are the scalar kernel's, bit for bit.
 */
final class PoolKernels {
    private static final VectorSpecies<Float> S = Width.S;
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final int L = Width.L;

    private PoolKernels() {}

    static void maxPool2x2(float[] x, int xo, int h, int w, int c0, int c1, float[] y, int[] arg) {
        int oh = h / 2, ow = w / 2, p = oh * ow, full = S.loopBound(p);
        if (ow > L / 4) {
            byRows(x, xo, h, w, c0, c1, y, arg);
            return;
        }
        // offset of each output's top-left tap in its plane; padded to whole vectors with 0 (a tap inside the
        // plane), so the gathers need no mask and only the last stores do
        int[] corner = new int[full + L];
        for (int oy = 0, q = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++, q++) corner[q] = 2 * oy * w + 2 * ox;
        }
        // the partial last vector is stored with a mask, or through scratch rows where its vector passes the end
        // of the arrays: there a masked store takes the Vector API's lane-by-lane bounds check, left as calls
        VectorMask<Float> tail = S.indexInRange(full, p);
        float[] lastY = new float[L];
        int[] lastArg = new int[L];
        for (int pl = c0; pl < c1; pl++) {
            int src = xo + pl * h * w, out = pl * p;
            for (int q = 0; q < full; q += L) {
                window(x, src, w, corner, q, y, arg, out + q, null);
            }
            if (full == p) continue;
            if (out + full + L <= Math.min(y.length, arg.length)) {
                window(x, src, w, corner, full, y, arg, out + full, tail);
            } else {
                window(x, src, w, corner, full, lastY, lastArg, 0, null);
                System.arraycopy(lastY, 0, y, out + full, p - full);
                System.arraycopy(lastArg, 0, arg, out + full, p - full);
            }
        }
    }

    /** Outputs [q, q + L) of one plane, stored at {@code to} of y and arg: whole, or the lanes of {@code live}. */
    private static void window(float[] x, int src, int w, int[] corner, int q, float[] y, int[] arg, int to,
                               VectorMask<Float> live) {
        IntVector first = IntVector.fromArray(I, corner, q), at = first;
        FloatVector best = FloatVector.fromArray(S, x, src, corner, q);
        for (int tap = 1; tap < 4; tap++) {
            int dt = (tap >> 1) * w + (tap & 1);  // (0, 1), (1, 0), (1, 1)
            FloatVector v = FloatVector.fromArray(S, x, src + dt, corner, q);
            VectorMask<Float> take = wins(best, v);
            best = best.blend(v, take);
            at = at.blend(first.add(dt), take.cast(I));
        }
        if (live == null) {
            best.intoArray(y, to);
            at.intoArray(arg, to);
        } else {
            best.intoArray(y, to, live);
            at.intoArray(arg, to, live.cast(I));
        }
    }

    /** The even and odd values of two vectors side by side: lanes of the first, then (negative) of the second. */
    private static final VectorShuffle<Float> EVEN = halves(0), ODD = halves(1);
    private static final IntVector TWICE_LANE = IntVector.zero(I).addIndex(2);

    private static VectorShuffle<Float> halves(int first) {
        int[] a = new int[L];
        for (int i = 0; i < L; i++) a[i] = 2 * i + first < L ? 2 * i + first : 2 * i + first - 2 * L;
        return VectorShuffle.fromArray(S, a, 0);
    }

    /**
     * {@link #maxPool2x2} by rows, without gathers: an output row's taps are the even and odd values of its two
     * input rows, read as whole vectors and split by two-vector rearranges.
     * A row's vector may spill into the plane's next output rows, which overwrite it; where it would leave the
     * plane it goes through scratch rows and only its live lanes are copied; a window that would read past the end
     * of x takes the scalar rule.
     */
    private static void byRows(float[] x, int xo, int h, int w, int c0, int c1, float[] y, int[] arg) {
        int oh = h / 2, ow = w / 2, p = oh * ow;
        float[] lastY = new float[L];
        int[] lastArg = new int[L];
        for (int pl = c0; pl < c1; pl++) {
            int src = xo + pl * h * w, out = pl * p;
            for (int oy = 0; oy < oh; oy++) {
                int top = 2 * oy * w;
                for (int ox = 0; ox < ow; ox += L) {
                    int at = out + oy * ow + ox, live = Math.min(L, ow - ox), from = src + top + 2 * ox;
                    if (from + w + 2 * L > x.length) {
                        ScalarKernels.maxPool2x2Row(x, src, w, oy, ox, ox + live, y, arg, at);
                        continue;
                    }
                    FloatVector a0 = FloatVector.fromArray(S, x, from), a1 = FloatVector.fromArray(S, x, from + L);
                    FloatVector b0 = FloatVector.fromArray(S, x, from + w), b1 = FloatVector.fromArray(S, x, from + w + L);
                    IntVector first = TWICE_LANE.add(top + 2 * ox), win = first;
                    // the three later taps written out (a loop over them would merge the rearranged vectors)
                    FloatVector best = a0.rearrange(EVEN, a1), v = a0.rearrange(ODD, a1);
                    VectorMask<Float> take = wins(best, v);
                    best = best.blend(v, take);
                    win = win.blend(first.add(1), take.cast(I));
                    v = b0.rearrange(EVEN, b1);
                    take = wins(best, v);
                    best = best.blend(v, take);
                    win = win.blend(first.add(w), take.cast(I));
                    v = b0.rearrange(ODD, b1);
                    take = wins(best, v);
                    best = best.blend(v, take);
                    win = win.blend(first.add(w + 1), take.cast(I));
                    if (at + L <= out + p) {
                        best.intoArray(y, at);
                        win.intoArray(arg, at);
                    } else {
                        best.intoArray(lastY, 0);
                        win.intoArray(lastArg, 0);
                        System.arraycopy(lastY, 0, y, at, live);
                        System.arraycopy(lastArg, 0, arg, at, live);
                    }
                }
            }
        }
    }

    /** The lanes where tap v wins over the best so far: the best is not NaN and v is greater or NaN. */
    private static VectorMask<Float> wins(FloatVector best, FloatVector v) {
        return best.compare(VectorOperators.EQ, best).and(v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v)));
    }

}
