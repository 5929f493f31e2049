package dev.nabla.kernel.simd;

import dev.nabla.kernel.Kernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the JDK's Vector API with the CPU's widest vectors, 256 or 512 bits ({@link Width}). This package is the only one that
 * imports {@code jdk.incubator.vector}; {@link dev.nabla.kernel.KernelProvider} loads this class reflectively.
 *
 * <p>Elementwise kernels do, lane by lane, exactly the float operations of {@link dev.nabla.kernel.ScalarKernels}
 * (no fused multiply-add), so add, mul, scale, axpy, relu and sigmoidBackward give bit-identical results at either
 * width. exp and sigmoid use their own polynomial exp, the same bits at either width, a few ulps from the scalar
 * kernels' Math.exp. The GEMM's fma chains are the same at either width (see {@link Gemm}). Reductions (dot, sum)
 * sum in an order that depends on the width; nothing in training calls them.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = Width.S;
    private static final int L = Width.L;

    /**
     * Fails (while {@link Width} loads) when the CPU's vectors are narrower than 256 bits: the Vector API would
     * emulate them, slower than scalar code, and {@code KernelProvider} then keeps the scalar kernels.
     */
    public VectorKernels() {
    }

    /** {@code "simd-256"} or {@code "simd-512"}. */
    @Override
    public String name() {
        return "simd-" + S.vectorBitSize();
    }

    @Override
    public String description() {
        return name() + " (" + S.vectorBitSize() + "-bit vectors, " + L + " floats; GEMM register tile " + Gemm.MR
                + "x" + Gemm.NR + ")";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Gemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void gemmAllColumns(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
        Gemm.gemmAllColumns(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
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
            FloatVector e = exp(FloatVector.fromArray(S, x, xOff + i).neg());
            one.div(one.add(e)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = 1f / (1f + exp(-x[xOff + i]));
    }

    @Override
    public void sigmoidBackward(int n, float[] g, int gOff, float[] s, int sOff, float[] out, int outOff) {
        int i = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector sv = FloatVector.fromArray(S, s, sOff + i);
            FloatVector.fromArray(S, g, gOff + i).mul(sv).mul(one.sub(sv)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float si = s[sOff + i];
            out[outOff + i] = g[gOff + i] * si * (1f - si);
        }
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
    public void reluBackward(int n, float[] g, int gOff, float[] x, int xOff, float[] out, int outOff) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, g, gOff + i), positive).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = x[xOff + i] > 0 ? g[gOff + i] : 0f;
    }

    @Override
    public void shortProduct(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc) {
        ShortProducts.shortProduct(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public void rowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        RowDots.rowDots(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public void convDirect(int b0, int b1, int c, int hp, int wp, float[] xp, int kh, int kw, int dh, int dw,
                           int o, float[] w, int wOff, float[] bias, int biasOff, float[] y) {
        DirectConv.forward(b0, b1, c, hp, wp, xp, kh, kw, dh, dw, o, w, wOff, bias, biasOff, y);
    }

    @Override
    public void convDirectWeightGrad(int n, int c, int hp, int wp, float[] xp, int kh, int kw, int dh, int dw,
                                     int o, float[] g, int gOff, int t0, int t1, float[] gw, int gwOff) {
        DirectConv.weightGrad(n, c, hp, wp, xp, kh, kw, dh, dw, o, g, gOff, t0, t1, gw, gwOff);
    }

    @Override
    public void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     double beta1, double beta2, double eps, double l2, double shrink, double lr, double c1, double c2) {
        AdamUpdate.adam(n, w, wOff, g, gOff, m, mOff, v, vOff, beta1, beta2, eps, l2, shrink, lr, c1, c2);
    }

    @Override
    public void addTapPlane(float[] col, int c0, int ld, int oh, int ow, int kh, int kw, int dh, int dw, int ph,
                            int pw, float[] x, int xOff, int h, int w, int end) {
        TapRows.addPlane(col, c0, ld, oh, ow, kh, kw, dh, dw, ph, pw, x, xOff, h, w, end);
    }

    @Override
    public void copyTapPlane(float[] x, int xOff, int h, int w, int kh, int kw, int dh, int dw, int ph, int pw,
                             float[] col, int c0, int ld, int oh, int ow) {
        TapRows.copyPlane(x, xOff, h, w, kh, kw, dh, dw, ph, pw, col, c0, ld, oh, ow);
    }

    @Override
    public void addTapRows(float[] col, int d, int rows, int ow, float[] x, int s, int xs, int lo, int hi, int end) {
        TapRows.add(col, d, rows, ow, x, s, xs, lo, hi, end);
    }

    @Override
    public void maxPool2x2(float[] x, int xo, int h, int w, int c0, int c1, float[] y, int[] arg) {
        PoolKernels.maxPool2x2(x, xo, h, w, c0, c1, y, arg);
    }

    @Override
    public void exp(int n, float[] x, int xOff, float[] out, int outOff) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            exp(FloatVector.fromArray(S, x, xOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = exp(x[xOff + i]);
    }

    // e^x = 2^t e^r with t = round(x log2 e) and r = x - t ln 2 in [-ln2/2, ln2/2] (ln 2 split in two so that
    // t ln2_hi is exact), e^r by its Taylor polynomial of degree 7 (error < 1e-8 relative), 2^t applied as
    // 2^(t >> 1) 2^(t - (t >> 1)) so that both factors are normal floats and overflow/underflow round once.
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693145751953125f,
            LN2_LO = 1.42860682030941723212e-6f, ROUND = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    private static final float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    /**
     * e^x lane by lane from float adds, multiplies, FMAs and bit operations only. Why not
     * {@code VectorOperators.EXP}: it runs Math.exp lane by lane until the JIT compiles the caller and a native
     * vector library afterwards, which differ in the last bits, so training results depended on when
     * compilation happened. These operations give the same bits interpreted and compiled, and
     * {@link #exp(float)} repeats them exactly for the tail. Inputs are clamped to [-104, 89], beyond which
     * e^x is 0 or +inf in float anyway; NaN stays NaN.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-104f).min(89f);
        FloatVector t = xc.mul(LOG2E).add(ROUND).sub(ROUND);
        FloatVector r = t.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = t.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(C7, C6);
        p = p.fma(r, FloatVector.broadcast(S, C5));
        p = p.fma(r, FloatVector.broadcast(S, C4));
        p = p.fma(r, FloatVector.broadcast(S, C3));
        p = p.fma(r, FloatVector.broadcast(S, C2));
        FloatVector one = FloatVector.broadcast(S, 1f);
        p = p.fma(r, one);
        p = p.fma(r, one);
        IntVector k = (IntVector) t.convert(VectorOperators.F2I, 0);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1), k2 = k.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** One lane of {@link #exp(FloatVector)}: the same operations in the same order, so the same bits. */
    static float exp(float x) {
        float xc = Math.min(Math.max(x, -104f), 89f);
        float t = xc * LOG2E + ROUND - ROUND;
        float r = Math.fma(t, -LN2_HI, xc);
        r = Math.fma(t, -LN2_LO, r);
        float p = Math.fma(r, C7, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int k = (int) t, k1 = k >> 1, k2 = k - k1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }
}
