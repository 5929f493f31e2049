package dev.nabla.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
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
        // offset of each output's top-left tap in its plane; padded to whole vectors with 0 (a tap inside the
        // plane), so the gathers need no mask and only the last stores do
        int[] corner = new int[full + L];
        for (int oy = 0, q = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++, q++) corner[q] = 2 * oy * w + 2 * ox;
        }
        // the partial last vector goes through scratch rows: a masked store whose vector passes the end of the
        // array takes the Vector API's lane-by-lane bounds check, which C2 leaves as calls
        float[] lastY = new float[L];
        int[] lastArg = new int[L];
        for (int pl = c0; pl < c1; pl++) {
            int src = xo + pl * h * w, out = pl * p;
            for (int q = 0; q < full; q += L) {
                window(x, src, w, corner, q, y, arg, out + q);
            }
            if (full < p) {
                window(x, src, w, corner, full, lastY, lastArg, 0);
                System.arraycopy(lastY, 0, y, out + full, p - full);
                System.arraycopy(lastArg, 0, arg, out + full, p - full);
            }
        }
    }

    /** Outputs [q, q + L) of one plane, stored whole at {@code to} of y and arg. */
    private static void window(float[] x, int src, int w, int[] corner, int q, float[] y, int[] arg, int to) {
        IntVector first = IntVector.fromArray(I, corner, q), at = first;
        FloatVector best = FloatVector.fromArray(S, x, src, corner, q);
        for (int tap = 1; tap < 4; tap++) {
            int dt = (tap >> 1) * w + (tap & 1);  // (0, 1), (1, 0), (1, 1)
            FloatVector v = FloatVector.fromArray(S, x, src + dt, corner, q);
            VectorMask<Float> take = best.compare(VectorOperators.EQ, best)
                    .and(v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v)));
            best = best.blend(v, take);
            at = at.blend(first.add(dt), take.cast(I));
        }
        best.intoArray(y, to);
        at.intoArray(arg, to);
    }
}
