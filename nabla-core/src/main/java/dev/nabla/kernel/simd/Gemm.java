package dev.nabla.kernel.simd;

import dev.nabla.kernel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked, register-tiled float32 GEMM on 256-bit vectors: {@code C = alpha * op(A) * op(B) + beta * C}.
 *
 * <p>The loop nest follows the usual five-loop blocking. Per [KC, NC] panel of op(B), B is packed into 16-wide
 * strips ([kc][16] each, zero-padded), so one strip (16 KiB) stays in L1 while the [MC, KC] block of op(A),
 * packed into 6-row micro-panels ([kc][6] each, zero-padded), streams from L2. The micro-kernel keeps a 6x16
 * tile of C in 12 vector registers and does 12 FMAs per step of k for 8 loads. Packing reads A and B through
 * their transposes directly, so no transposed copy of a whole matrix is ever made.
 *
 * <p>Determinism: every element of C is accumulated in the same order (k in blocks of a size that depends on k
 * only, each block summed by one lane of one accumulator, in order), whatever the tile or thread it falls in,
 * so results do not depend on the partition, let alone on timing.
 */
final class Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final int MR = 6;
    static final int NR = 16;
    /** Maximum depth of a packed block: a [KC, 16] strip of B is 16 KiB (L1). */
    static final int KC = 256;
    /** Rows of op(A) packed at once: [96, 256] is 96 KiB (L2). */
    static final int MC = 96;
    /** Columns of op(B) packed at once: [256, 2048] is 2 MiB (L3). */
    static final int NC = 2048;
    /**
     * Work (in flops) below which another thread does not pay for its dispatch; measured on a 2-core machine,
     * where waking a pool thread costs tens of microseconds.
     */
    static final long MIN_FLOPS_PER_PART = 1L << 21;

    /** Packing buffers of one thread, grown on demand and reused across calls. */
    private static final class Buffers {
        float[] a = new float[MC * KC];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] b(int size) {
            if (b.length < size) b = new float[size];
            return b;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private Gemm() {}

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        int tilesM = (m + MR - 1) / MR, tilesN = (n + NR - 1) / NR;
        long flops = 2L * m * n * k;
        int parts = (int) Math.min(Math.min(Parallel.threads(), (long) tilesM * tilesN),
                Math.max(1, flops / MIN_FLOPS_PER_PART));
        // Grid pm x pn of parts: the one whose largest part costs least (compute plus the packing each part
        // repeats: a part packs all of its rows of A and columns of B).
        int pm = 1, pn = 1;
        long best = Long.MAX_VALUE;
        for (int i = 1; i <= parts && i <= tilesM; i++) {
            int j = Math.min(parts / i, tilesN);
            long rows = (long) ((tilesM + i - 1) / i) * MR, cols = (long) ((tilesN + j - 1) / j) * NR;
            long cost = rows * cols + 16 * (rows + cols);
            if (cost < best) {
                best = cost;
                pm = i;
                pn = j;
            }
        }
        if (pm * pn == 1) {
            block(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int fpm = pm, fpn = pn;
        Parallel.forRange(pm * pn, 1, (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int pi = p / fpn, pj = p % fpn;
                int i0 = (int) ((long) tilesM * pi / fpm) * MR, i1 = Math.min(m, (int) ((long) tilesM * (pi + 1) / fpm) * MR);
                int j0 = (int) ((long) tilesN * pj / fpn) * NR, j1 = Math.min(n, (int) ((long) tilesN * (pj + 1) / fpn) * NR);
                block(transA, transB, i0, i1, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
        });
    }

    /** C[i0:i1, j0:j1] on the calling thread. */
    private static void block(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                              float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        Buffers buf = BUFFERS.get();
        // Equal k blocks no deeper than KC: 784 = 4 x 196 rather than 3 x 256 + 16.
        int kBlocks = (k + KC - 1) / KC;
        int kcStep = (k + kBlocks - 1) / kBlocks;
        float[] ap = buf.a;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            float[] bp = buf.b(kcStep * ((nc + NR - 1) / NR) * NR);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                if (transB) packBT(b, bOff, ldb, pc, kc, jc, nc, bp);
                else packB(b, bOff, ldb, pc, kc, jc, nc, bp);
                float betaEff = pc == 0 ? beta : 1f;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    if (transA) packAT(a, aOff, lda, ic, mc, pc, kc, ap);
                    else packA(a, aOff, lda, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            kernel(kc, ap, ir * kc, bp, jr * kc, c, cOff + (ic + ir) * ldc + jc + jr, ldc,
                                    mr, nr, alpha, betaEff, buf.tile);
                        }
                    }
                }
            }
        }
    }

    /**
     * The 6x16 micro-kernel: acc = A-panel [kc][6] times B-strip [kc][16], then
     * {@code C[0:mr, 0:nr] = alpha * acc + beta * C} (C overwritten when beta is 0).
     */
    private static void kernel(int kc, float[] ap, int ai, float[] bp, int bi,
                               float[] c, int ci, int ldc, int mr, int nr, float alpha, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * MR, bo = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + 8);
            FloatVector av = FloatVector.broadcast(S, ap[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        if (mr == MR && nr == NR) {
            store(c00, c, ci, alpha, beta);
            store(c01, c, ci + 8, alpha, beta);
            store(c10, c, ci + ldc, alpha, beta);
            store(c11, c, ci + ldc + 8, alpha, beta);
            store(c20, c, ci + 2 * ldc, alpha, beta);
            store(c21, c, ci + 2 * ldc + 8, alpha, beta);
            store(c30, c, ci + 3 * ldc, alpha, beta);
            store(c31, c, ci + 3 * ldc + 8, alpha, beta);
            store(c40, c, ci + 4 * ldc, alpha, beta);
            store(c41, c, ci + 4 * ldc + 8, alpha, beta);
            store(c50, c, ci + 5 * ldc, alpha, beta);
            store(c51, c, ci + 5 * ldc + 8, alpha, beta);
            return;
        }
        // Edge tile: spill the accumulators, write only the mr x nr corner that lies inside C.
        c00.intoArray(tile, 0);
        c01.intoArray(tile, 8);
        c10.intoArray(tile, 16);
        c11.intoArray(tile, 24);
        c20.intoArray(tile, 32);
        c21.intoArray(tile, 40);
        c30.intoArray(tile, 48);
        c31.intoArray(tile, 56);
        c40.intoArray(tile, 64);
        c41.intoArray(tile, 72);
        c50.intoArray(tile, 80);
        c51.intoArray(tile, 88);
        for (int r = 0; r < mr; r++) {
            int row = ci + r * ldc;
            for (int j = 0; j < nr; j++) {
                // same operations, in the same order, as store(): results do not depend on the tile's position
                float t = tile[r * NR + j];
                float v = alpha == 1f ? t : alpha * t;
                if (beta != 0f) v = beta == 1f ? v + c[row + j] : v + beta * c[row + j];
                c[row + j] = v;
            }
        }
    }

    private static void store(FloatVector acc, float[] c, int idx, float alpha, float beta) {
        FloatVector v = alpha == 1f ? acc : acc.mul(alpha);
        if (beta != 0f) {
            FloatVector old = FloatVector.fromArray(S, c, idx);
            v = beta == 1f ? v.add(old) : v.add(old.mul(beta));
        }
        v.intoArray(c, idx);
    }

    /** C = beta * C (zeros when beta is 0), for k == 0. */
    private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? 0f : beta * c[row + j];
        }
    }

    // ---- packing: op(B)[pc:pc+kc, jc:jc+nc] into 16-wide strips [kc][16]; op(A)[ic:ic+mc, pc:pc+kc] into
    // 6-row panels [kc][6]; partial strips and panels are zero-padded so the micro-kernel never branches.

    /** B stored [k, n]: each row of a strip is 16 contiguous floats. */
    private static void packB(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), dst = jr * kc, src = bOff + pc * ldb + jc + jr;
            if (nr == NR) {
                for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                    FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src + 8).intoArray(bp, dst + 8);
                }
            } else {
                for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                    for (int j = 0; j < nr; j++) bp[dst + j] = b[src + j];
                    for (int j = nr; j < NR; j++) bp[dst + j] = 0f;
                }
            }
        }
    }

    /** B stored [n, k] (used transposed): column j of op(B) is row j of B, contiguous in k. */
    private static void packBT(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), dst = jr * kc;
            for (int j = 0; j < nr; j++) {
                int src = bOff + (jc + jr + j) * ldb + pc;
                for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = b[src + p];
            }
            for (int j = nr; j < NR; j++) {
                for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = 0f;
            }
        }
    }

    /** A stored [m, k]: row i of op(A) is contiguous in k. */
    private static void packA(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir), dst = ir * kc;
            for (int r = 0; r < mr; r++) {
                int src = aOff + (ic + ir + r) * lda + pc;
                for (int p = 0; p < kc; p++) ap[dst + p * MR + r] = a[src + p];
            }
            for (int r = mr; r < MR; r++) {
                for (int p = 0; p < kc; p++) ap[dst + p * MR + r] = 0f;
            }
        }
    }

    /** A stored [k, m] (used transposed): the 6 values of a panel at one k are contiguous. */
    private static void packAT(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir), dst = ir * kc;
            int src = aOff + pc * lda + ic + ir;
            for (int p = 0; p < kc; p++, src += lda, dst += MR) {
                for (int r = 0; r < mr; r++) ap[dst + r] = a[src + r];
                for (int r = mr; r < MR; r++) ap[dst + r] = 0f;
            }
        }
    }
}
