package dev.nabla.kernel.simd;

import dev.nabla.kernel.Kernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the JDK's Vector API with 256-bit vectors (8 floats). This package is the only one that
 * imports {@code jdk.incubator.vector}; {@link dev.nabla.kernel.KernelProvider} loads this class reflectively.
 *
 * <p>Elementwise kernels do, lane by lane, exactly the float operations of {@link dev.nabla.kernel.ScalarKernels}
 * (no fused multiply-add), so add, mul, scale, axpy and relu give bit-identical results. Reductions (dot, sum)
 * sum in a different order, exp and sigmoid use the vector exp: those agree to a few ulps.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = 8;

    /**
     * @throws UnsupportedOperationException when the CPU's vectors are narrower than 256 bits (the Vector API
     *     would emulate them, slower than scalar code)
     */
    public VectorKernels() {
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits < 256) {
            throw new UnsupportedOperationException("needs 256-bit vectors, this CPU has " + bits + "-bit ones");
        }
    }

    @Override
    public String name() {
        return "simd-256";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Gemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha)
                    .add(FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        // four independent accumulators hide the FMA latency
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int upper = n - 4 * L; i <= upper; i += 4 * L) {
            s0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), s0);
            s1 = FloatVector.fromArray(S, x, xOff + i + L).fma(FloatVector.fromArray(S, y, yOff + i + L), s1);
            s2 = FloatVector.fromArray(S, x, xOff + i + 2 * L).fma(FloatVector.fromArray(S, y, yOff + i + 2 * L), s2);
            s3 = FloatVector.fromArray(S, x, xOff + i + 3 * L).fma(FloatVector.fromArray(S, y, yOff + i + 3 * L), s3);
        }
        for (int upper = S.loopBound(n); i < upper; i += L) {
            s0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), s0);
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    @Override
    public float sum(int n, float[] x, int xOff) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int upper = n - 4 * L; i <= upper; i += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(S, x, xOff + i));
            s1 = s1.add(FloatVector.fromArray(S, x, xOff + i + L));
            s2 = s2.add(FloatVector.fromArray(S, x, xOff + i + 2 * L));
            s3 = s3.add(FloatVector.fromArray(S, x, xOff + i + 3 * L));
        }
        for (int upper = S.loopBound(n); i < upper; i += L) s0 = s0.add(FloatVector.fromArray(S, x, xOff + i));
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x[xOff + i];
        return s;
    }

    @Override
    public void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
    }

    @Override
    public void mul(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i];
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff, float[] out, int outOff) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = alpha * x[xOff + i];
    }

    @Override
    public void sigmoid(int n, float[] x, int xOff, float[] out, int outOff) {
        // 1 / (1 + e^-x): e^-x overflows to +inf for x < -88, giving the correct limit 0
        int i = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector e = FloatVector.fromArray(S, x, xOff + i).neg().lanewise(VectorOperators.EXP);
            one.div(one.add(e)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = (float) (1.0 / (1.0 + Math.exp(-x[xOff + i])));
    }

    @Override
    public void relu(int n, float[] x, int xOff, float[] out, int outOff) {
        // MAX has Math.max semantics: NaN stays NaN, as in the scalar kernel
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, x, xOff + i).lanewise(VectorOperators.MAX, 0f).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = Math.max(x[xOff + i], 0f);
    }

    @Override
    public void exp(int n, float[] x, int xOff, float[] out, int outOff) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, x, xOff + i).lanewise(VectorOperators.EXP).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = (float) Math.exp(x[xOff + i]);
    }
}
