package dev.nabla.kernel.simd;

import dev.nabla.kernel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked, register-tiled float32 GEMM on 256-bit vectors: {@code C = alpha * op(A) * op(B) + beta * C}.
 *
 * <p>The loop nest follows the usual five-loop blocking. Per [KC, NC] panel of op(B), B is packed into 16-wide
 * strips ([kc][16] each, zero-padded; gathered 8 rows at a time when B is used transposed), so that one strip
 * (16 KiB) stays in L1. The micro-kernel keeps a 6x16 tile of C in 12 vector registers and does 12 FMAs per
 * step of k for 2 vector loads and 6 broadcasts of op(A). Those come from A itself (its rows, or its columns
 * when transposed) for the narrow products of small networks, where packing A would cost more than it saves,
 * and from a packed [MC, KC] block (L2) when a part of C is wide. No transposed copy of a whole matrix is made.
 *
 * <p>Parallelism: C is cut into a grid of at most {@link Parallel#threads()} rectangles of whole tiles, chosen
 * from the sizes alone; a product under {@link #MIN_FLOPS_PER_PART} flops per part stays on the caller.
 *
 * <p>Determinism: every element of C is accumulated in the same order (k in blocks of a size that depends on k
 * only, each block summed by one lane of one accumulator, in order), whatever the tile or thread it falls in,
 * so results depend neither on timing nor on the thread count.
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
    static final long MIN_FLOPS_PER_PART = 1L << 22;
    /** Widest part (columns of C) for which A is read in place rather than packed. */
    static final int PACK_A_MIN_N = 256;

    /** Packing buffers of one thread, grown on demand and reused across calls. */
    private static final class Buffers {
        float[] a = new float[MC * KC];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];
        final int[] rows = new int[8];

        /** {0, ld, 2 ld, ..., 7 ld}: gather indices of 8 rows. */
        int[] rows(int ld) {
            if (rows[1] != ld) {
                for (int i = 0; i < 8; i++) rows[i] = i * ld;
            }
            return rows;
        }

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
        // parts are claimed by whichever thread is free: on a busy machine the caller does more of them
        Parallel.forEachTask(pm * pn, p -> {
            int pi = p / fpn, pj = p % fpn;
            int i0 = (int) ((long) tilesM * pi / fpm) * MR;
            int i1 = Math.min(m, (int) ((long) tilesM * (pi + 1) / fpm) * MR);
            int j0 = (int) ((long) tilesN * pj / fpn) * NR;
            int j1 = Math.min(n, (int) ((long) tilesN * (pj + 1) / fpn) * NR);
            block(transA, transB, i0, i1, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
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
        // Packing A pays only when its block is reused over many strips of B; for the narrow products of
        // small networks the micro-kernel reads A where it lies (rows of A, or columns of A when transposed).
        boolean packA = j1 - j0 > PACK_A_MIN_N;
        // A strip of B serves every 6-row panel of the part: packing it pays when there are many (B's rows, far
        // apart, are slower to stream than a packed strip), not for the few panels of a batch of 64.
        boolean directB = !transB && i1 - i0 <= MC;
        float[] ap = buf.a;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            float[] bp = buf.b(kcStep * ((nc + NR - 1) / NR) * NR);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                // B too is read in place by narrow products, when its rows hold op(B)'s 16-wide strips; only a
                // partial last strip is packed (zero-padded), at the start of the buffer
                int fullCols = nc / NR * NR;
                if (transB) packBT(b, bOff, ldb, pc, kc, jc, nc, bp, buf.rows(ldb));
                else if (!directB) packB(b, bOff, ldb, pc, kc, jc, nc, bp);
                else if (fullCols < nc) packB(b, bOff, ldb, pc, kc, jc + fullCols, nc - fullCols, bp);
                float betaEff = pc == 0 ? beta : 1f;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    // Row r of panel q of op(A) starts at aBase + q * panelStride + r * rowOff and one step of k
                    // moves it by kStep, in the packed layout of A or in A itself.
                    float[] aArr;
                    int aBase, panelStride, rowOff, kStep;
                    if (packA) {
                        if (transA) {
                            packAT(a, aOff, lda, ic, mc, pc, kc, ap);
                            rowOff = 1;
                            kStep = MR;
                        } else {
                            packA(a, aOff, lda, ic, mc, pc, kc, ap);
                            rowOff = kc;
                            kStep = 1;
                        }
                        aArr = ap;
                        aBase = 0;
                        panelStride = MR * kc;
                    } else if (transA) {
                        aArr = a;
                        aBase = aOff + pc * lda + ic;
                        panelStride = MR;
                        rowOff = 1;
                        kStep = lda;
                    } else {
                        aArr = a;
                        aBase = aOff + ic * lda + pc;
                        panelStride = MR * lda;
                        rowOff = lda;
                        kStep = 1;
                    }
                    // Packed A (L2) is swept once per strip of B (L1); A read in place is scattered over more
                    // cache lines, so then each panel of A stays in L1 while the strips of B go by.
                    int panels = (mc + MR - 1) / MR, strips = (nc + NR - 1) / NR;
                    for (int outer = 0, count = panels * strips; outer < count; outer++) {
                        int q = packA ? outer % panels : outer / strips, js = packA ? outer / panels : outer % strips;
                        int ir = q * MR, jr = js * NR;
                        int mr = Math.min(MR, mc - ir), nr = Math.min(NR, nc - jr);
                        // rows past the edge of A repeat its last row: always in bounds, never stored
                        int ci = cOff + (ic + ir) * ldc + jc + jr;
                        int ai = aBase + q * panelStride;
                        int o1 = rowOff * Math.min(1, mr - 1), o2 = rowOff * Math.min(2, mr - 1);
                        int o3 = rowOff * Math.min(3, mr - 1), o4 = rowOff * Math.min(4, mr - 1);
                        int o5 = rowOff * Math.min(5, mr - 1);
                        if (directB && nr == NR) {
                            kernelStridedB(kc, aArr, ai, kStep, o1, o2, o3, o4, o5, b, bOff + pc * ldb + jc + jr,
                                    ldb, c, ci, ldc, mr, alpha, betaEff, buf.tile);
                        } else {
                            kernel(kc, aArr, ai, kStep, o1, o2, o3, o4, o5, bp, directB ? 0 : jr * kc,
                                    c, ci, ldc, mr, nr, alpha, betaEff, buf.tile);
                        }
                        if (mr < MR || nr < NR) storeEdge(buf.tile, c, ci, ldc, mr, nr, alpha, betaEff);
                    }
                }
            }
        }
    }

    /**
     * The 6x16 micro-kernel: acc = op(A)[6 rows, kc] times the B strip [kc][16], then for a full tile
     * {@code C = alpha * acc + beta * C} (C overwritten when beta is 0); an edge tile goes to {@code tile}.
     * Row r of A at step p is {@code a[ai + p * ks + o_r]} (o_0 = 0), which covers a packed block and A read in
     * place, transposed or not.
     */
    private static void kernel(int kc, float[] a, int ai, int ks, int o1, int o2, int o3, int o4, int o5,
                               float[] bp, int bi, float[] c, int ci, int ldc, int mr, int nr,
                               float alpha, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        // The loop runs on the panel indices themselves: indexing by p * MR and p * NR instead halves the
        // speed on AMD Zen 3 (measured: 38 vs 89 GFLOP/s in L1).
        for (int ao = ai, bo = bi, end = bi + kc * NR; bo < end; ao += ks, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + 8);
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ao + o1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ao + o2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ao + o3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ao + o4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ao + o5]);
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
        // Edge tile: spill the accumulators; the caller writes the mr x nr corner that lies inside C (see
        // storeEdge: a loop here would let the JIT's failed guesses about it send the kernel back to slow code).
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
    }

    /**
     * {@link #kernel} for a tile whose 16-wide B strip is read in place: row p of the strip at {@code b[bi + p * ldb]}.
     * A copy rather than a stride parameter of kernel(): with the packed strip's constant stride the JIT's loop
     * is about 10% faster, and that is the loop of every large product.
     */
    private static void kernelStridedB(int kc, float[] a, int ai, int ks, int o1, int o2, int o3, int o4, int o5,
                                       float[] b, int bi, int ldb, float[] c, int ci, int ldc, int mr,
                                       float alpha, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int ao = ai, bo = bi, end = bi + kc * ldb; bo < end; ao += ks, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + 8);
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ao + o1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ao + o2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ao + o3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ao + o4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ao + o5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        if (mr == MR) {
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
    }

    /**
     * Writes the mr x nr corner of a spilled tile into C, with the same operations, in the same order, as
     * store(): results do not depend on where a tile falls.
     */
    private static void storeEdge(float[] tile, float[] c, int ci, int ldc, int mr, int nr, float alpha, float beta) {
        for (int r = 0; r < mr; r++) {
            int row = ci + r * ldc;
            for (int j = 0; j < nr; j++) {
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

    // ---- packing: op(B)[pc:pc+kc, jc:jc+nc] into 16-wide strips [kc][16], partial strips zero-padded;
    // op(A)[ic:ic+mc, pc:pc+kc] into contiguous rows or 6-row panels.

    /** B stored [k, n]: each row of a strip is 16 contiguous floats. */
    private static void packB(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), dst = jr * kc, src = bOff + pc * ldb + jc + jr;
            if (nr == NR) {
                // arraycopy rather than vectors: it is fast before the JIT's last tier too, and as fast after
                for (int p = 0; p < kc; p++, src += ldb, dst += NR) System.arraycopy(b, src, bp, dst, NR);
            } else {
                for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                    for (int j = 0; j < nr; j++) bp[dst + j] = b[src + j];
                    for (int j = nr; j < NR; j++) bp[dst + j] = 0f;
                }
            }
        }
    }

    /**
     * B stored [n, k] (used transposed): column j of op(B) is row j of B, contiguous in k. Full strips gather 8
     * rows at a time (one index vector per leading dimension, kept with the buffers); the edge strip goes scalar.
     */
    private static void packBT(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp, int[] rows) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), dst = jr * kc;
            int src = bOff + (jc + jr) * ldb + pc;
            if (nr == NR) {
                for (int d = dst, s = src, end = src + kc; s < end; s++, d += NR) {
                    FloatVector.fromArray(S, b, s, rows, 0).intoArray(bp, d);
                    FloatVector.fromArray(S, b, s + 8 * ldb, rows, 0).intoArray(bp, d + 8);
                }
                continue;
            }
            for (int j = 0; j < nr; j++) {
                for (int d = dst + j, s = src + j * ldb, end = s + kc; s < end; s++, d += NR) bp[d] = b[s];
            }
            for (int j = nr; j < NR; j++) {
                for (int d = dst + j, end = dst + kc * NR; d < end; d += NR) bp[d] = 0f;
            }
        }
    }

    /** A stored [m, k]: the block is copied row by row, [mc][kc], each row contiguous in k. */
    private static void packA(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int r = 0; r < mc; r++) System.arraycopy(a, aOff + (ic + r) * lda + pc, ap, r * kc, kc);
    }

    /** A stored [k, m] (used transposed): panels [kc][6], the 6 values of a panel at one k being contiguous. */
    private static void packAT(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir), dst = ir * kc;
            int src = aOff + pc * lda + ic + ir;
            for (int p = 0; p < kc; p++, src += lda, dst += MR) {
                for (int r = 0; r < mr; r++) ap[dst + r] = a[src + r];
            }
        }
    }
}
