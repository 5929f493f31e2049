package dev.nabla.kernel.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam's update (see {@code Kernels.adam}) on vectors: half a vector of floats widened to a full vector of doubles,
 * the scalar kernel's double operations in its order (separate multiplies and adds, no fma; division and square
 * root are correctly rounded in both), then narrowed back. The bits equal the scalar kernel's at either width.
 */
final class AdamUpdate {
    private static final VectorSpecies<Double> D = Width.S.vectorBitSize() >= 512 ? DoubleVector.SPECIES_512 : DoubleVector.SPECIES_256;
    /** Floats per step: as many as D has doubles. */
    private static final VectorSpecies<Float> F = D.vectorBitSize() >= 512 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_128;
    private static final int N = D.length();

    private AdamUpdate() {}

    static void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     double beta1, double beta2, double eps, double l2, double shrink, double lr, double c1, double c2) {
        double oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2;
        int i = 0;
        for (int upper = n - N; i <= upper; i += N) {
            DoubleVector wi = widen(w, wOff + i);
            DoubleVector gi = widen(g, gOff + i).add(wi.mul(l2));
            DoubleVector mi = widen(m, mOff + i).mul(beta1).add(gi.mul(oneMinusBeta1));
            DoubleVector vi = widen(v, vOff + i).mul(beta2).add(gi.mul(oneMinusBeta2).mul(gi));
            narrow(mi).intoArray(m, mOff + i);
            narrow(vi).intoArray(v, vOff + i);
            DoubleVector step = mi.div(c1).mul(lr).div(vi.div(c2).lanewise(VectorOperators.SQRT).add(eps));
            narrow(wi.mul(shrink).sub(step)).intoArray(w, wOff + i);
        }
        for (; i < n; i++) {
            double wi = w[wOff + i], gi = g[gOff + i] + l2 * wi;
            double mi = beta1 * m[mOff + i] + oneMinusBeta1 * gi, vi = beta2 * v[vOff + i] + oneMinusBeta2 * gi * gi;
            m[mOff + i] = (float) mi;
            v[vOff + i] = (float) vi;
            w[wOff + i] = (float) (wi * shrink - lr * (mi / c1) / (Math.sqrt(vi / c2) + eps));
        }
    }

    private static DoubleVector widen(float[] a, int at) {
        return (DoubleVector) FloatVector.fromArray(F, a, at).convertShape(VectorOperators.F2D, D, 0);
    }

    private static FloatVector narrow(DoubleVector d) {
        return (FloatVector) d.convertShape(VectorOperators.D2F, F, 0);
    }
}
