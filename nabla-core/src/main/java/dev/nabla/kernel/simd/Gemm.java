package dev.nabla.kernel.simd;

import dev.nabla.kernel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked, register-tiled float32 GEMM on 256- or 512-bit vectors ({@link Width}):
 * {@code C = alpha * op(A) * op(B) + beta * C}.
 *
 * <p>The loop nest follows the usual five-loop blocking. Per [KC, NC] panel of op(B), B is packed into strips of
 * two vectors ([kc][NR] each, NR = 16 or 32, zero-padded; gathered one vector's rows at a time when B is used
 * transposed), so that one strip (16 or 32 KiB) stays in L1. Per [MC, KC] block of op(A), A is packed row by
 * row, KC floats apart whatever the block's depth, so that the rows of an MR-row panel lie at constant offsets
 * (zero rows pad the last panel); the block stays in L2. Packing reads A and B through their transposes, so no
 * transposed copy of a whole matrix is ever made. The micro-kernel keeps an MR x NR tile of C in registers:
 * 5x16 (10 of the 16 registers) with 256-bit vectors, 8x32 (16 of the 32) with 512-bit ones.
 *
 * <p>Why 5x16 and always packed: C2 must keep the accumulators in registers. A 6x16 tile needs 15 of the 16,
 * and as soon as the loop needs one more (a variable stride, an index kept for a bounds check) C2 spills an
 * accumulator, which puts a store and a load on its dependency chain and halves the speed. With both operands
 * packed, the loop has constant strides and offsets only, and 5x16 leaves registers to spare: it runs at 95% or
 * more of the FMA peak in L1 (measured on AMD Zen 3), whatever the JIT learned from earlier calls. AVX-512's 32
 * registers leave the same margin at 8x32, which halves the broadcasts per FMA.
 *
 * <p>Parallelism: C is cut into a grid of at most {@link Parallel#threads()} rectangles of whole tiles, chosen
 * from the sizes alone (and, for products that only just pay for a second thread, from whether the workers have
 * kept up: {@link #MIN_FLOPS_PER_PART_ON_TIME}); a product under {@link #MIN_FLOPS_PER_PART} flops per part
 * stays on the caller. The grid never changes a result.
 *
 * <p>Determinism: every element of C is accumulated in the same order (k in blocks of a size that depends on k
 * only, each block summed by one lane of one accumulator, in order), whatever the tile or thread it falls in,
 * so results depend neither on timing nor on the thread count.
 */
final class Gemm {
    private static final VectorSpecies<Float> S = Width.S;
    private static final int L = Width.L;
    /** Rows of the register tile: 5 with 16 vector registers (256-bit), 8 with 32 (AVX-512). */
    static final int MR = L == 16 ? 8 : 5;
    /** Columns of the register tile and width of a packed strip of B: two vectors. */
    static final int NR = 2 * L;
    /**
     * With 512-bit vectors, the last strip of a panel holds its (at most L) remaining columns in one vector
     * ({@link #kernel8Half}) rather than two: the output layer's 10 columns fill 10 lanes of 16, not of 32.
     */
    static final boolean HALF_STRIPS = MR == 8;
    /** Maximum depth of a packed block: a [KC, NR] strip of B is 16 or 32 KiB (L1). */
    static final int KC = 256;
    /**
     * Rows of op(A) packed at once: [200, 256] or [320, 256], 200 or 320 KiB (L2), so that each strip of B, brought
     * into L1 from L3, serves 40 panels. 2048^3 on 1 thread, AMD Zen 3 (512 KiB of L2): with 20 panels (100 rows)
     * 44-65 GFLOP/s, with 40 51-69, with 60 no better (medians of 4 alternating JVMs, bench/RESULTS.md).
     */
    static final int MC = 40 * MR;
    /** Columns of op(B) packed at once: [256, 2048] is 2 MiB (L3). */
    static final int NC = 2048;
    /**
     * Work (in flops) below which another thread does not pay for its dispatch, its own packing and the cache
     * lines of A, B and C that then travel between the cores, whatever the workers' punctuality.
     */
    static final long MIN_FLOPS_PER_PART = 1L << 23;
    /**
     * The same while the workers keep up ({@link Parallel#workersOnTime}): the 12.8 Mflop products of a training
     * step of the course's network (batch 64, 784-128-10) then go to two threads. On a quiet AMD Zen 3 (AVX2) that
     * took its epoch from 0.36-0.41 to 0.29-0.30 s; on a busy machine, where a preempted worker holds the caller,
     * the same split without the condition made it slower (0.43-0.85 s) (bench/RESULTS.md, "Ideas tried").
     */
    static final long MIN_FLOPS_PER_PART_ON_TIME = 1L << 22;
    /** Widest panel of op(B) for which A^T is read in place rather than packed (see {@link #block}). */
    static final int IN_PLACE_MAX_COLUMNS = 256;

    /** Packing buffers of one thread, grown on demand and reused across calls. */
    private static final class Buffers {
        final float[] a = new float[MC * KC];
        // Sized for [KC, 256] panels at once: when a buffer first grows, the JIT, which never saw that branch
        // taken, throws away the compiled GEMM; with this size that cannot happen in the middle of training (the
        // first validation pass packs wider panels than the training steps before it).
        float[] b = new float[KC * 256];
        final float[] tile = new float[MR * NR];
        /** L rows of L depths of the edge strip of B^T, zero-padded (see {@link #packBT}). */
        final float[] edgeRows = new float[L * L];
        /** Live columns of the current k block (see {@link #liveColumns}) and their running maxima of |a|. */
        final int[] live = new int[KC];
        /** The live columns as runs of consecutive columns (see {@link #liveRuns}). */
        final int[] runs = new int[2 * KC];
        final float[] colMax = new float[KC];
        /** Per depth of the current k block of B^T: NaN where a value is not finite (see {@link #liveColumns}). */
        final float[] colNonFinite = new float[KC];
        /** Per L depths of the current k block: which are live, as lane bits (see {@link #liveChunks}). */
        final long[] liveBits = new long[KC / 8];
        /** Per 5-row panel of the packed A block: all its values are zero. */
        final boolean[] zeroPanel = new boolean[(MC + MR - 1) / MR];
        /** Per MR-row panel of the packed A block: all its values are finite. */
        final boolean[] finitePanel = new boolean[(MC + MR - 1) / MR];
        /** Per strip of the packed panel of B: all its values are zero (see {@link #scanStrips}). */
        final boolean[] zeroStrip = new boolean[NC / L + 1];

        float[] b(int size) {
            if (b.length < size) b = new float[size];
            return b;
        }

        /** The transposed result of {@link #transposedProduct}. */
        float[] t = new float[0];

        float[] t(int size) {
            if (t.length < size) t = new float[size];
            return t;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /**
     * Whether products with a zero factor of A are left out (see {@link #block}); only tests switch it off, to
     * check that the results are the same bits either way.
     */
    static volatile boolean skipZeros = true;

    /** Whether narrow products A^T B go through {@link #transposedProduct}; only tests switch it off. */
    static volatile boolean transposeNarrow = true;

    /** Whether A^T is read where it is stored ({@link #kernelAT}) rather than packed; only tests switch it off. */
    static volatile boolean readATInPlace = true;

    private Gemm() {}

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, true);
    }

    /**
     * {@link #gemm} that never looks for zero columns of A to leave out (see {@link #block}): for products whose
     * A seldom has one, where the search (a pass over each k block of A, and with B transposed, where any column
     * is zero, one over B as well) costs more than the columns it finds save. The cnn model's second-layer weight
     * gradient (A the output gradient, 64 x 12,544, a sixth of its columns zero): 8.4-8.8 -> 7.2-7.6 ms on one
     * thread (bench/RESULTS.md). The same bits as {@link #gemm}: a skipped term only ever added an exact zero.
     */
    static void gemmAllColumns(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
        gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, false);
    }

    private static void gemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, boolean findZeros) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        if (transposeNarrow && transA && !transB && n < NR && m >= 4 * NR && (k <= KC || (alpha == 1f && beta == 0f))) {
            transposedProduct(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int tilesM = (m + MR - 1) / MR, tilesN = (n + NR - 1) / NR;
        long flops = 2L * m * n * k;
        long minPart = flops >= 2 * MIN_FLOPS_PER_PART_ON_TIME && flops < 2 * MIN_FLOPS_PER_PART
                && Parallel.workersOnTime() ? MIN_FLOPS_PER_PART_ON_TIME : MIN_FLOPS_PER_PART;
        int parts = (int) Math.min(Math.min(Parallel.threads(), (long) tilesM * tilesN),
                Math.max(1, flops / minPart));
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
            block(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, findZeros);
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
            block(transA, transB, i0, i1, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, findZeros);
        });
    }

    /**
     * C = alpha * A^T B + beta * C for A stored [k, m] with m large and B [k, n] with n narrower than a strip
     * (a weight gradient x^T g with few outputs): computed as T = B^T A ([n, m], then stored transposed into C),
     * which packs A with vector copies instead of a strided transpose and wastes no lanes on padding n.
     * Every element is the same fma chain over k in the same order (a b = b a), the k blocks depend on k only,
     * and T holds the bare sums (alpha 1, beta 0: acc * 1 + 0 is acc, which is never -0); with one k block, or
     * alpha 1 and beta 0, C then gets exactly the bits the direct product writes.
     */
    private static void transposedProduct(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                          float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        float[] t = BUFFERS.get().t(m * n);
        gemm(true, false, n, m, k, 1f, b, bOff, ldb, a, aOff, lda, 0f, t, 0, m);
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                // the kernel's store: acc * alpha + (beta != 0 ? old : 0) * beta
                float old = beta != 0f ? c[row + j] : 0f;
                c[row + j] = t[j * m + i] * alpha + old * beta;
            }
        }
    }

    /** C[i0:i1, j0:j1] on the calling thread. */
    private static void block(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                              float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc, boolean findZeros) {
        Buffers buf = BUFFERS.get();
        // Equal k blocks no deeper than KC: 784 = 4 x 196 rather than 3 x 256 + 16.
        int kBlocks = (k + KC - 1) / KC;
        int kcStep = (k + kBlocks - 1) / kBlocks;
        // Zero products: a term a * b with a == 0 and b finite adds an exact zero to the accumulator, which starts
        // at +0 and so is never -0 (a sum is -0 only when both addends are); adding such a zero changes no bit. So
        // within each k block, columns of A that are zero in every row of this part (and whose row of B is finite)
        // are left out of the packing, and a panel of A^T that is all zero gets an empty k loop, as does a strip of B
        // that is all zero against a finite panel of A^T (C = g^T x: the columns of x dead in the whole batch). The
        // order of the remaining terms and the k blocks stay as they are: the results are the same bits. (MNIST
        // batches have about a third of their pixels zero in every image.)
        boolean skip = skipZeros && findZeros, inPlaceAllowed = transA && readATInPlace;
        float[] ap = buf.a, tile = buf.tile;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            // A stored [k, m]: the MR values of a panel at one k are contiguous, so the kernel can read them where
            // they are. Over few strips of B, packing (a strided transpose) costs more than it saves (784x64x128
            // A^T B, 512-bit, 1 thread: 125 -> 170 GFLOP/s); over many, the packed panel's locality wins (2048^3:
            // 161 packed, 122 in place). The last, partial panel is still packed; a one-vector strip has no such
            // kernel.
            boolean inPlace = inPlaceAllowed && nc <= IN_PLACE_MAX_COLUMNS && stripWidth(nc - (nc - 1) / NR * NR) == NR;
            float[] bp = buf.b(kcStep * ((nc + NR - 1) / NR) * NR);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                int[] live = null;
                int chunks = 0;
                // (a single strip of B does too little work per column of A to repay finding the live ones)
                if (skip && !transA && nc > NR) {
                    int kl = liveColumns(a, aOff, lda, i0, i1, pc, kc, b, bOff, ldb, transB, jc, jc + nc, buf);
                    if (kl < kc) {
                        live = buf.live;
                        kc = kl;
                        // lane bits only where a packing takes them: B^T's, and A's with 512-bit vectors
                        if (transB || L == 16) chunks = liveChunks(live, kc, buf.liveBits);
                    }
                }
                if (transB) packBT(b, bOff, ldb, pc, kc, live, buf.liveBits, chunks, jc, nc, bp, buf.edgeRows);
                else packB(b, bOff, ldb, pc, kc, live, jc, nc, bp);
                // (for A^T B: B's all-zero strips, as a batch of images has at its border, and whether B is finite,
                // in one pass over the packed panel)
                boolean bFinite = skip && transA && scanStrips(bp, kc, nc, buf.zeroStrip);
                float betaEff = pc == 0 ? beta : 1f;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    int whole = mc / MR * MR;
                    if (inPlace) {
                        if (whole < mc) packAT(a, aOff, lda, ic + whole, mc - whole, pc, kc, ap);
                        if (skip) markZeroPanelsAT(a, aOff, lda, ic, mc, pc, kc, buf.colMax, buf.zeroPanel, buf.finitePanel);
                    } else if (transA) {
                        packAT(a, aOff, lda, ic, mc, pc, kc, ap);
                        if (skip) markZeroPanels(ap, mc, kc, buf.zeroPanel, buf.finitePanel);
                    } else {
                        packA(a, aOff, lda, ic, mc, pc, kc, live, buf.liveBits, chunks, buf.runs, ap);
                    }
                    // one strip of B (L1) against every panel of the A block (L2)
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        boolean zeroStrip = skip && transA && buf.zeroStrip[jr / NR];
                        if (stripWidth(nr) != NR) {
                            halfStrip(kc, ap, mc, bp, jr * kc, nr, bFinite ? buf.zeroPanel : null, tile,
                                    c, cOff + ic * ldc + jc + jr, ldc, alpha, betaEff);
                            continue;
                        }
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int ci = cOff + (ic + ir) * ldc + jc + jr;
                            // a zero panel of A against a finite strip, or a zero strip against a finite panel: every
                            // product is an exact zero, and the tile's sums stay +0 (see above)
                            int q = ir / MR;
                            int kk = bFinite && buf.zeroPanel[q] || zeroStrip && buf.finitePanel[q] ? 0 : kc;
                            if (inPlace && mr == MR) {
                                int ai = aOff + pc * lda + ic + ir;
                                if (nr == NR) {
                                    touchTile(c, ci, ldc);
                                    kernelAT(kk, a, ai, lda, bp, jr * kc, c, ci, ldc, alpha, betaEff);
                                } else {
                                    kernelAT(kk, a, ai, lda, bp, jr * kc, tile, 0, NR, 1f, 0f);
                                    storeEdge(tile, c, ci, ldc, mr, nr, alpha, betaEff);
                                }
                            } else if (inPlace) {
                                // the partial panel, packed alone at the start of the buffer
                                kernel(kk, ap, 0, bp, jr * kc, tile, 0, NR, 1f, 0f);
                                storeEdge(tile, c, ci, ldc, mr, nr, alpha, betaEff);
                            } else if (mr == MR && nr == NR) {
                                touchTile(c, ci, ldc);
                                kernel(kk, ap, ir * KC, bp, jr * kc, c, ci, ldc, alpha, betaEff);
                            } else {
                                // an edge tile goes to the tile buffer; its corner inside C is written from there
                                kernel(kk, ap, ir * KC, bp, jr * kc, tile, 0, NR, 1f, 0f);
                                storeEdge(tile, c, ci, ldc, mr, nr, alpha, betaEff);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Columns of the packed strip that holds the last nr (at most NR) columns of a panel: L or NR. */
    static int stripWidth(int nr) {
        return HALF_STRIPS && nr <= L ? L : NR;
    }

    /** Floats per k of a packed panel of nc columns: whole strips of NR, the last one possibly of L. */
    private static int packedWidth(int nc) {
        int full = nc / NR * NR;
        return full == nc ? nc : full + stripWidth(nc - full);
    }

    /**
     * A one-vector strip of B (nr columns, at most L) against every panel of a packed A block of mc rows: the
     * loop of {@link #block} for the strips {@link #stripWidth} makes L wide.
     */
    private static void halfStrip(int kc, float[] ap, int mc, float[] bp, int bi, int nr, boolean[] zeroPanel,
                                  float[] tile, float[] c, int ci, int ldc, float alpha, float beta) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int kk = zeroPanel != null && zeroPanel[ir / MR] ? 0 : kc;
            if (mr == MR && nr == L) {
                kernel8Half(kk, ap, ir * KC, bp, bi, c, ci + ir * ldc, ldc, alpha, beta);
            } else {
                kernel8Half(kk, ap, ir * KC, bp, bi, tile, 0, NR, 1f, 0f);
                storeEdge(tile, c, ci + ir * ldc, ldc, mr, nr, alpha, beta);
            }
        }
    }

    /**
     * The columns p of the k block [pc, pc + kc) of A (stored [m, k]) that a product may not leave out: non-zero
     * (or NaN) in some row of [i0, i1), or with a non-finite value in row pc + p of op(B) within columns [j0, j1).
     * Writes their offsets from pc, in order, to {@code buf.live}; returns how many there are.
     */
    private static int liveColumns(float[] a, int aOff, int lda, int i0, int i1, int pc, int kc,
                                   float[] b, int bOff, int ldb, boolean transB, int j0, int j1, Buffers buf) {
        float[] mx = buf.colMax;
        int upper = S.loopBound(kc), q = 0, base = aOff + pc;
        // L columns at a time down all the rows, the maximum kept in a register (MAX keeps a NaN, so a NaN column
        // stays live)
        for (; q < upper; q += L) {
            FloatVector m = FloatVector.zero(S);
            for (int i = i0, at = base + i0 * lda + q; i < i1; i++, at += lda) {
                m = m.max(FloatVector.fromArray(S, a, at).abs());
            }
            m.intoArray(mx, q);
        }
        for (; q < kc; q++) {
            float m = 0f;
            for (int i = i0, at = base + i0 * lda + q; i < i1; i++, at += lda) m = Math.max(m, Math.abs(a[at]));
            mx[q] = m;
        }
        int[] live = buf.live;
        int n = 0;
        if (transB) {
            // B stored [n, k]: row p of op(B) is a column of B, so its values lie ldb apart. L depths at a time
            // down the rows j of B find the non-finite ones of L columns at once, where checking each zero column
            // of A alone read B down its columns one value at a time.
            float[] nonFinite = nonFiniteColumnsBT(b, bOff, ldb, pc, kc, j0, j1, mx, buf.colNonFinite);
            for (int p = 0; p < kc; p++) {
                if (mx[p] != 0f || nonFinite != null && nonFinite[p] != 0f) live[n++] = p;
            }
            return n;
        }
        for (int p = 0; p < kc; p++) {
            if (mx[p] != 0f || !finiteRow(b, bOff, ldb, pc + p, j0, j1)) live[n++] = p;
        }
        return n;
    }

    /**
     * For B stored [n, k] (used transposed): {@code out[p]} is a sum of {@code v * 0} over the values v of B at
     * depth pc + p in rows [j0, j1): +-0 when they are all finite, NaN otherwise (v * 0 is NaN for an infinite or
     * NaN v, and a NaN stays in the sum). Null, with nothing read, when no column of A is zero ({@code mx} has no
     * zero): then every column is live anyway.
     */
    private static float[] nonFiniteColumnsBT(float[] b, int bOff, int ldb, int pc, int kc, int j0, int j1,
                                              float[] mx, float[] out) {
        boolean anyZero = false;
        for (int p = 0; p < kc && !anyZero; p++) anyZero = mx[p] == 0f;
        if (!anyZero) return null;
        // L depths at a time down the rows, the sum kept in a register; depths where no column of A is zero are
        // not read (their out stays 0: they are live anyway)
        int upper = S.loopBound(kc), p = 0, base = bOff + pc;
        for (; p < upper; p += L) {
            FloatVector sum = FloatVector.zero(S);
            if (FloatVector.fromArray(S, mx, p).compare(VectorOperators.EQ, 0f).anyTrue()) {
                for (int j = j0, at = base + j0 * ldb + p; j < j1; j++, at += ldb) {
                    sum = sum.add(FloatVector.fromArray(S, b, at).mul(0f));
                }
            }
            sum.intoArray(out, p);
        }
        for (; p < kc; p++) {
            float sum = 0f;
            if (mx[p] == 0f) {
                for (int j = j0, at = base + j0 * ldb + p; j < j1; j++, at += ldb) sum += b[at] * 0f;
            }
            out[p] = sum;
        }
        return out;
    }

    /** Whether row p of B (stored [k, n]) is finite in columns [j0, j1). */
    private static boolean finiteRow(float[] b, int bOff, int ldb, int p, int j0, int j1) {
        // v * 0 is +-0 for finite v and NaN otherwise, and a NaN stays in the sum
        int row = bOff + p * ldb, j = j0;
        FloatVector acc = FloatVector.zero(S);
        for (int upper = j0 + S.loopBound(j1 - j0); j < upper; j += L) {
            acc = acc.add(FloatVector.fromArray(S, b, row + j).mul(0f));
        }
        float t = acc.reduceLanes(VectorOperators.ADD);
        for (; j < j1; j++) t += b[row + j] * 0f;
        return t == 0f;
    }

    /**
     * For each strip of a packed panel of B (nc columns, depth kc): whether all its values are zero
     * ({@code zeroStrip}); returns whether all the panel's values are finite. One maximum of |b| per strip
     * (MAX keeps a NaN): zero for a zero strip, at most {@link Float#MAX_VALUE} for a finite one.
     */
    private static boolean scanStrips(float[] bp, int kc, int nc, boolean[] zeroStrip) {
        boolean finite = true;
        for (int jr = 0, st = 0; jr < nc; jr += NR, st++) {
            int base = jr * kc, end = base + kc * stripWidth(Math.min(NR, nc - jr));
            FloatVector mx = FloatVector.zero(S);
            for (int i = base; i < end; i += L) mx = mx.max(FloatVector.fromArray(S, bp, i).abs());
            float m = mx.reduceLanes(VectorOperators.MAX);
            zeroStrip[st] = m == 0f;
            finite &= m <= Float.MAX_VALUE; // false for infinities and NaN
        }
        return finite;
    }

    /**
     * For each MR-row panel of a packed A block of mc rows and depth kc: whether all its values are zero, and
     * whether all are finite.
     */
    private static void markZeroPanels(float[] ap, int mc, int kc, boolean[] zeroPanel, boolean[] finitePanel) {
        int upper = S.loopBound(kc);
        for (int ir = 0, q = 0; ir < mc; ir += MR, q++) {
            FloatVector mx = FloatVector.zero(S);
            float tail = 0f;
            for (int r = 0; r < MR; r++) {
                int base = (ir + r) * KC, p = 0;
                for (; p < upper; p += L) mx = mx.max(FloatVector.fromArray(S, ap, base + p).abs());
                for (; p < kc; p++) tail = Math.max(tail, Math.abs(ap[base + p]));
            }
            float m = Math.max(mx.reduceLanes(VectorOperators.MAX), tail);
            zeroPanel[q] = m == 0f; // NaN == 0 is false: a NaN panel is computed
            finitePanel[q] = m <= Float.MAX_VALUE;
        }
    }

    /**
     * {@link #markZeroPanels} for a block of A^T read in place: rows [ic, ic + mc) of op(A) at depths
     * [pc, pc + kc) of A stored [k, m]; {@code mx} gets each row's maximum of |a| (NaN kept).
     */
    private static void markZeroPanelsAT(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] mx,
                                         boolean[] zeroPanel, boolean[] finitePanel) {
        java.util.Arrays.fill(mx, 0, mc, 0f);
        int upper = S.loopBound(mc);
        for (int p = 0; p < kc; p++) {
            int row = aOff + (pc + p) * lda + ic, i = 0;
            for (; i < upper; i += L) {
                FloatVector.fromArray(S, mx, i).max(FloatVector.fromArray(S, a, row + i).abs()).intoArray(mx, i);
            }
            for (; i < mc; i++) mx[i] = Math.max(mx[i], Math.abs(a[row + i]));
        }
        for (int ir = 0, q = 0; ir < mc; ir += MR, q++) {
            float m = 0f;
            for (int r = ir, end = Math.min(mc, ir + MR); r < end; r++) m = Math.max(m, mx[r]);
            zeroPanel[q] = m == 0f; // NaN == 0 is false: a NaN panel is computed
            finitePanel[q] = m <= Float.MAX_VALUE;
        }
    }

    /**
     * The micro-kernel: acc = A panel [MR][kc] (rows KC apart) times B strip [kc][NR], then
     * {@code C = alpha * acc + beta * C} for the MR x NR tile at {@code c[ci]} (row stride ldc; C overwritten when
     * beta is 0). Each element of the tile is one fma chain over k in order, whatever the width: 256- and 512-bit
     * kernels give the same bits. There is no branch (MR is a constant, so only one body is compiled): a branch
     * the JIT has never seen taken becomes a trap, and code recompiled after traps may be slower.
     */
    private static void kernel(int kc, float[] ap, int ai, float[] bp, int bi,
                               float[] c, int ci, int ldc, float alpha, float beta) {
        if (MR == 8) kernel8(kc, ap, ai, bp, bi, c, ci, ldc, alpha, beta);
        else kernel5(kc, ap, ai, bp, bi, c, ci, ldc, alpha, beta);
    }

    /**
     * {@link #kernel} for a whole panel of A^T read where it is stored: row r of the panel at depth p is
     * {@code a[ai + p * lda + r]}. The same fma chains in the same order as on a packed panel: the same bits.
     */
    private static void kernelAT(int kc, float[] a, int ai, int lda, float[] bp, int bi,
                                 float[] c, int ci, int ldc, float alpha, float beta) {
        if (MR == 8) kernel8AT(kc, a, ai, lda, bp, bi, c, ci, ldc, alpha, beta);
        else kernel5AT(kc, a, ai, lda, bp, bi, c, ci, ldc, alpha, beta);
    }

    /** Written only if the bits {@link #touchTile} reads happen to OR to one NaN pattern, so they are loaded. */
    private static int touchSink;

    /**
     * Reads the first and last value of each row of the MR x NR tile of C at {@code c[ci]}, so that its cache lines
     * are on their way while the kernel's k loop runs (Java has no prefetch instruction). A large C (2048^2: the
     * rows of a block are 800 KiB, past L2) otherwise misses on every tile's load at the kernel's end, after the
     * loop, where nothing hides the wait. The branch keeps the loads from being removed; the processor predicts
     * it and runs on without waiting for them. 2048^3 on 1 thread, AMD Zen 3: 40-51 -> 42-59 GFLOP/s (medians of
     * 4 alternating JVMs, bench/RESULTS.md).
     */
    private static void touchTile(float[] c, int ci, int ldc) {
        int bits = 0;
        for (int r = 0, row = ci; r < MR; r++, row += ldc) {
            bits |= Float.floatToRawIntBits(c[row]) | Float.floatToRawIntBits(c[row + NR - 1]);
        }
        if (bits == 0x7fc0_1357) touchSink = bits;
    }

    /** The 5 x 2-vector tile of 256-bit vectors: 10 accumulators of the 16 registers. */
    private static void kernel5(int kc, float[] ap, int ai, float[] bp, int bi,
                                float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00;
        // The loop runs on the panel indices themselves: indexing by p * MR and p * NR instead was half as fast
        // on AMD Zen 3.
        for (int ao = ai, bo = bi, end = ai + kc; ao < end; ao++, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector av = FloatVector.broadcast(S, ap[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ao + KC]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ao + 2 * KC]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ao + 3 * KC]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ao + 4 * KC]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
        }
        // C = alpha * acc + beta * old, where old is C if beta != 0 and zero otherwise (so that beta 0 overwrites
        // NaNs): a blend rather than a branch. Written out, not in a helper: a helper the JIT compiled on its own
        // first may then not be inlined, and every vector passed to it is boxed.
        VectorMask<Float> keep = FloatVector.broadcast(S, beta).compare(VectorOperators.NE, 0f);
        FloatVector z = FloatVector.zero(S);
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc;
        c00.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, ci), keep).mul(beta)).intoArray(c, ci);
        c01.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, ci + L), keep).mul(beta)).intoArray(c, ci + L);
        c10.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r1), keep).mul(beta)).intoArray(c, r1);
        c11.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r1 + L), keep).mul(beta)).intoArray(c, r1 + L);
        c20.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r2), keep).mul(beta)).intoArray(c, r2);
        c21.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r2 + L), keep).mul(beta)).intoArray(c, r2 + L);
        c30.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r3), keep).mul(beta)).intoArray(c, r3);
        c31.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r3 + L), keep).mul(beta)).intoArray(c, r3 + L);
        c40.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r4), keep).mul(beta)).intoArray(c, r4);
        c41.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r4 + L), keep).mul(beta)).intoArray(c, r4 + L);
    }

    /**
     * The 8 x 2-vector tile of 512-bit vectors: 16 accumulators of AVX-512's 32 registers, 16 FMAs per 2 loads
     * and 8 broadcasts, and a batch of 64 rows is 8 whole panels.
     */
    private static void kernel8(int kc, float[] ap, int ai, float[] bp, int bi,
                                float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int ao = ai, bo = bi, end = ai + kc; ao < end; ao++, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector av = FloatVector.broadcast(S, ap[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ao + KC]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ao + 2 * KC]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ao + 3 * KC]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ao + 4 * KC]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ao + 5 * KC]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, ap[ao + 6 * KC]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, ap[ao + 7 * KC]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        // the store of kernel5, written out for the same reason
        VectorMask<Float> keep = FloatVector.broadcast(S, beta).compare(VectorOperators.NE, 0f);
        FloatVector z = FloatVector.zero(S);
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        c00.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, ci), keep).mul(beta)).intoArray(c, ci);
        c01.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, ci + L), keep).mul(beta)).intoArray(c, ci + L);
        c10.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r1), keep).mul(beta)).intoArray(c, r1);
        c11.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r1 + L), keep).mul(beta)).intoArray(c, r1 + L);
        c20.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r2), keep).mul(beta)).intoArray(c, r2);
        c21.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r2 + L), keep).mul(beta)).intoArray(c, r2 + L);
        c30.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r3), keep).mul(beta)).intoArray(c, r3);
        c31.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r3 + L), keep).mul(beta)).intoArray(c, r3 + L);
        c40.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r4), keep).mul(beta)).intoArray(c, r4);
        c41.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r4 + L), keep).mul(beta)).intoArray(c, r4 + L);
        c50.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r5), keep).mul(beta)).intoArray(c, r5);
        c51.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r5 + L), keep).mul(beta)).intoArray(c, r5 + L);
        c60.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r6), keep).mul(beta)).intoArray(c, r6);
        c61.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r6 + L), keep).mul(beta)).intoArray(c, r6 + L);
        c70.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r7), keep).mul(beta)).intoArray(c, r7);
        c71.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r7 + L), keep).mul(beta)).intoArray(c, r7 + L);
    }

    /**
     * The 8 x 1-vector tile of 512-bit vectors, for a strip packed L wide: 8 accumulators, so that 8 independent
     * fma chains still cover the FMA units' latency. Each element is the fma chain of {@link #kernel8} over the
     * same k in the same order, stored with the same operations: the same bits.
     */
    private static void kernel8Half(int kc, float[] ap, int ai, float[] bp, int bi,
                                    float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int ao = ai, bo = bi, end = ai + kc; ao < end; ao++, bo += L) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            c0 = FloatVector.broadcast(S, ap[ao]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, ap[ao + KC]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, ap[ao + 2 * KC]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, ap[ao + 3 * KC]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, ap[ao + 4 * KC]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, ap[ao + 5 * KC]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, ap[ao + 6 * KC]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, ap[ao + 7 * KC]).fma(b0, c7);
        }
        // the store of kernel5, written out for the same reason
        VectorMask<Float> keep = FloatVector.broadcast(S, beta).compare(VectorOperators.NE, 0f);
        FloatVector z = FloatVector.zero(S);
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        c0.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, ci), keep).mul(beta)).intoArray(c, ci);
        c1.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r1), keep).mul(beta)).intoArray(c, r1);
        c2.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r2), keep).mul(beta)).intoArray(c, r2);
        c3.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r3), keep).mul(beta)).intoArray(c, r3);
        c4.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r4), keep).mul(beta)).intoArray(c, r4);
        c5.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r5), keep).mul(beta)).intoArray(c, r5);
        c6.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r6), keep).mul(beta)).intoArray(c, r6);
        c7.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r7), keep).mul(beta)).intoArray(c, r7);
    }

    /**
     * {@link #kernel8} on A^T where it is stored: a near copy kept on purpose. One kernel for both, with the row
     * stride as a parameter, ran the packed products slower (64x784x128, 512-bit: 121-153 against 143-159
     * GFLOP/s): the packed kernel's constant offsets are what keep its loop tight.
     */
    private static void kernel8AT(int kc, float[] a, int ai, int lda, float[] bp, int bi,
                                  float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0, ao = ai, bo = bi; p < kc; p++, ao += lda, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ao + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ao + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ao + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ao + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ao + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[ao + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[ao + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        VectorMask<Float> keep = FloatVector.broadcast(S, beta).compare(VectorOperators.NE, 0f);
        FloatVector z = FloatVector.zero(S);
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        c00.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, ci), keep).mul(beta)).intoArray(c, ci);
        c01.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, ci + L), keep).mul(beta)).intoArray(c, ci + L);
        c10.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r1), keep).mul(beta)).intoArray(c, r1);
        c11.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r1 + L), keep).mul(beta)).intoArray(c, r1 + L);
        c20.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r2), keep).mul(beta)).intoArray(c, r2);
        c21.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r2 + L), keep).mul(beta)).intoArray(c, r2 + L);
        c30.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r3), keep).mul(beta)).intoArray(c, r3);
        c31.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r3 + L), keep).mul(beta)).intoArray(c, r3 + L);
        c40.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r4), keep).mul(beta)).intoArray(c, r4);
        c41.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r4 + L), keep).mul(beta)).intoArray(c, r4 + L);
        c50.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r5), keep).mul(beta)).intoArray(c, r5);
        c51.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r5 + L), keep).mul(beta)).intoArray(c, r5 + L);
        c60.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r6), keep).mul(beta)).intoArray(c, r6);
        c61.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r6 + L), keep).mul(beta)).intoArray(c, r6 + L);
        c70.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r7), keep).mul(beta)).intoArray(c, r7);
        c71.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r7 + L), keep).mul(beta)).intoArray(c, r7 + L);
    }

    /**
     * {@link #kernel5} on A^T where it is stored: a near copy kept on purpose. One kernel for both, with the row
     * stride as a parameter, ran the packed products slower (64x784x128, 512-bit: 121-153 against 143-159
     * GFLOP/s): the packed kernel's constant offsets are what keep its loop tight.
     */
    private static void kernel5AT(int kc, float[] a, int ai, int lda, float[] bp, int bi,
                                  float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00;
        for (int p = 0, ao = ai, bo = bi; p < kc; p++, ao += lda, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ao + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ao + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ao + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ao + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
        }
        VectorMask<Float> keep = FloatVector.broadcast(S, beta).compare(VectorOperators.NE, 0f);
        FloatVector z = FloatVector.zero(S);
        int r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc;
        c00.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, ci), keep).mul(beta)).intoArray(c, ci);
        c01.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, ci + L), keep).mul(beta)).intoArray(c, ci + L);
        c10.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r1), keep).mul(beta)).intoArray(c, r1);
        c11.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r1 + L), keep).mul(beta)).intoArray(c, r1 + L);
        c20.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r2), keep).mul(beta)).intoArray(c, r2);
        c21.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r2 + L), keep).mul(beta)).intoArray(c, r2 + L);
        c30.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r3), keep).mul(beta)).intoArray(c, r3);
        c31.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r3 + L), keep).mul(beta)).intoArray(c, r3 + L);
        c40.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r4), keep).mul(beta)).intoArray(c, r4);
        c41.mul(alpha).add(z.blend(FloatVector.fromArray(S, c, r4 + L), keep).mul(beta)).intoArray(c, r4 + L);
    }

    /**
     * Writes the mr x nr corner of a tile spilled by the kernel into C, with the same operations as the kernel
     * (on {@code acc + 0}, exact but for the sign of a zero): results do not depend on where a tile falls.
     */
    private static void storeEdge(float[] tile, float[] c, int ci, int ldc, int mr, int nr, float alpha, float beta) {
        for (int r = 0; r < mr; r++) {
            int row = ci + r * ldc;
            for (int j = 0; j < nr; j++) {
                float old = beta != 0f ? c[row + j] : 0f;
                c[row + j] = alpha * tile[r * NR + j] + beta * old;
            }
        }
    }

    /** C = beta * C (zeros when beta is 0), for k == 0. */
    private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? 0f : beta * c[row + j];
        }
    }

    // ---- packing: op(B)[pc:pc+kc, jc:jc+nc] into strips [kc][NR] (the last one [kc][L] where stripWidth says
    // so); op(A)[ic:ic+mc, pc:pc+kc] into rows KC apart (MR-row panels [MR][KC]); partial strips and panels are
    // zero-padded.

    /**
     * B stored [k, n]: each row of a strip is NR (or L) contiguous floats. With {@code live} (not null), row p of the
     * strips is row pc + live[p] of B, else pc + p.
     */
    private static void packB(float[] b, int bOff, int ldb, int pc, int kc, int[] live, int jc, int nc, float[] bp) {
        if (live != null) {
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr), w = stripWidth(nr), dst = jr * kc, col = bOff + pc * ldb + jc + jr;
                VectorMask<Float> first = S.indexInRange(0, nr), second = S.indexInRange(L, nr);
                for (int p = 0; p < kc; p++, dst += w) {
                    int src = col + live[p] * ldb;
                    if (nr == NR) {
                        FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                        FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                    } else {
                        FloatVector.fromArray(S, b, src, first).intoArray(bp, dst);
                        if (w == NR) FloatVector.fromArray(S, b, src + L, second).intoArray(bp, dst + L);
                    }
                }
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), dst = jr * kc, src = bOff + pc * ldb + jc + jr;
            if (nr == NR) {
                // two vector copies per row: a 16-float arraycopy call, or a scalar loop, costs several times more
                for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                    FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                }
            } else {
                // masked loads: the lanes past nr read nothing and come back zero, the strip's padding
                int w = stripWidth(nr);
                VectorMask<Float> first = S.indexInRange(0, nr), second = S.indexInRange(L, nr);
                for (int p = 0; p < kc; p++, src += ldb, dst += w) {
                    FloatVector.fromArray(S, b, src, first).intoArray(bp, dst);
                    if (w == NR) FloatVector.fromArray(S, b, src + L, second).intoArray(bp, dst + L);
                }
            }
        }
    }

    /**
     * The live depths {@code live[0..kc)} (ascending) as lane bits in {@code bits}, one long per L depths of the k
     * block; returns how many longs that takes.
     */
    private static int liveChunks(int[] live, int kc, long[] bits) {
        int chunks = kc == 0 ? 0 : live[kc - 1] / L + 1;
        java.util.Arrays.fill(bits, 0, chunks, 0L);
        int shift = Integer.numberOfTrailingZeros(L);
        for (int p = 0; p < kc; p++) bits[live[p] >> shift] |= 1L << (live[p] & (L - 1));
        return chunks;
    }

    /**
     * L rows of B stored [n, k] (from {@code src}, ldb apart) at the live depths {@code bits}: each L-depth chunk
     * with a live depth is transposed in registers into {@code block} and its live depths' vectors copied out, NR
     * apart from {@code bp[d]}; a chunk that would read past the end of B is copied value by value. The values a
     * gather per live depth would copy, where they would copy them.
     */
    private static void liveTransposed(float[] b, int src, int ldb, long[] bits, int chunks, float[] bp, int d,
                                       float[] block) {
        for (int c = 0; c < chunks; c++) {
            long m = bits[c];
            if (m == 0L) continue;
            int s = src + c * L;
            if (s + (L - 1) * ldb + L <= b.length) {
                RegisterTranspose.square(b, s, ldb, block, 0, L);
                for (; m != 0L; m &= m - 1, d += NR) {
                    FloatVector.fromArray(S, block, Long.numberOfTrailingZeros(m) * L).intoArray(bp, d);
                }
            } else {
                for (; m != 0L; m &= m - 1, d += NR) {
                    int q = Long.numberOfTrailingZeros(m);
                    for (int j = 0; j < L; j++) bp[d + j] = b[s + q + j * ldb];
                }
            }
        }
    }

    /**
     * B stored [n, k] (used transposed): column j of op(B) is row j of B, contiguous in k. Full strips are
     * transposed L x L in registers; so is the edge strip, through a zero-padded block. With {@code live} (not
     * null), row p of the strips is row pc + live[p] of op(B), else pc + p; {@code liveBits} holds the live depths
     * by L-depth chunk (see {@link #liveChunks}), of which there are {@code chunks}.
     */
    private static void packBT(float[] b, int bOff, int ldb, int pc, int kc, int[] live, long[] liveBits, int chunks,
                               int jc, int nc, float[] bp, float[] edge) {
        if (live != null) {
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr), w = stripWidth(nr), dst = jr * kc, src = bOff + (jc + jr) * ldb + pc;
                if (nr == NR) {
                    for (int half = 0; half < NR; half += L) {
                        liveTransposed(b, src + half * ldb, ldb, liveBits, chunks, bp, dst + half, edge);
                    }
                    continue;
                }
                // the edge strip: few rows, copied value by value with their zero padding
                for (int p = 0, d = dst; p < kc; p++, d += w) {
                    int s = src + live[p];
                    for (int j = 0; j < nr; j++) bp[d + j] = b[s + j * ldb];
                    for (int j = nr; j < w; j++) bp[d + j] = 0f;
                }
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), dst = jr * kc;
            int src = bOff + (jc + jr) * ldb + pc;
            if (nr == NR) {
                // L x L blocks (L rows of B, L depths) transposed in registers: a vector load per row and a vector
                // store per depth (64x784x128 A B^T, 512-bit, 1 thread: 116 -> 140 GFLOP/s per CPU second, against
                // copying 8 rows at a time with scalar loads and stores); the last kc % L depths scalar
                int p = 0;
                for (; p + L <= kc; p += L) {
                    for (int half = 0; half < NR; half += L) {
                        RegisterTranspose.square(b, src + half * ldb + p, ldb, bp, dst + p * NR + half, NR);
                    }
                }
                for (int j = 0; j < NR; j++) {
                    for (int q = p, s = src + j * ldb + p, d = dst + p * NR + j; q < kc; q++, s++, d += NR) {
                        bp[d] = b[s];
                    }
                }
                continue;
            }
            // the edge strip (the output layer's 10 columns): an L-row group with rows missing is copied, L depths at
            // a time, into a block with zero rows in their place, and transposed from there
            int w = stripWidth(nr), p = 0;
            for (; p + L <= kc; p += L) {
                for (int half = 0; half < w; half += L) {
                    int rowsHere = Math.min(L, nr - half), d = dst + p * w + half;
                    if (rowsHere <= 0) {
                        for (int q = 0; q < L; q++) FloatVector.zero(S).intoArray(bp, d + q * w);
                        continue;
                    }
                    if (rowsHere == L) {
                        RegisterTranspose.square(b, src + half * ldb + p, ldb, bp, d, w);
                        continue;
                    }
                    for (int j = 0; j < L; j++) {
                        FloatVector v = j < rowsHere ? FloatVector.fromArray(S, b, src + (half + j) * ldb + p)
                                : FloatVector.zero(S);
                        v.intoArray(edge, j * L);
                    }
                    RegisterTranspose.square(edge, 0, L, bp, d, w);
                }
            }
            for (int j = 0; j < w; j++) {
                for (int q = p, s = src + j * ldb + p, d = dst + p * w + j; q < kc; q++, s++, d += w) {
                    bp[d] = j < nr ? b[s] : 0f;
                }
            }
        }
    }

    /**
     * A stored [m, k]: row i of op(A) is contiguous in k, so the panel rows are plain copies; with {@code live}
     * (not null), column p of the block is column pc + live[p] of A.
     */
    private static void packA(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, int[] live,
                              long[] liveBits, int chunks, int[] runBuf, float[] ap) {
        int panels = (mc + MR - 1) / MR;
        if (live != null && L == 16) {
            packALive16(a, aOff, lda, ic, mc, pc, kc == 0 ? 0 : live[kc - 1] + 1, liveBits, chunks, ap);
            for (int r = mc; r < panels * MR; r++) java.util.Arrays.fill(ap, r * KC, r * KC + kc, 0f);
            return;
        }
        int runs = live == null ? 0 : liveRuns(live, kc, runBuf);
        for (int r = 0; r < panels * MR; r++) {
            // row r of the block is row r % MR of panel r / MR, at ir * KC + (r % MR) * KC = r * KC
            if (r >= mc) {
                java.util.Arrays.fill(ap, r * KC, r * KC + kc, 0f);
            } else if (live == null) {
                System.arraycopy(a, aOff + (ic + r) * lda + pc, ap, r * KC, kc);
            } else {
                packRowRuns(a, aOff + (ic + r) * lda + pc, runs, runBuf, ap, r * KC);
            }
        }
    }

    /**
     * The live depths {@code live[0..kc)} (ascending) as runs of consecutive depths, so that a run's values can be
     * copied with vector loads instead of a gather per L live depths: {@code runs[2q]} is run q's first depth and
     * {@code runs[2q + 1]} its length. Returns the number of runs. (An MNIST batch's live pixels lie in about one
     * run per image row.)
     */
    private static int liveRuns(int[] live, int kc, int[] runs) {
        int n = 0;
        for (int p = 0; p < kc; ) {
            int first = live[p], q = p + 1;
            while (q < kc && live[q] == first + (q - p)) q++;
            runs[2 * n] = first;
            runs[2 * n + 1] = q - p;
            n++;
            p = q;
        }
        return n;
    }

    /**
     * One row of a packed A block at the live depths, run by run (see {@link #liveRuns}): the values of
     * {@code a[src + start]}, ... of each run stored one after the other from {@code ap[dst]}, the same values in
     * the same places as a gather per live depth. A run's last vector is stored whole where it stays inside both
     * arrays: the values it copies past the run's end are overwritten by the next run's first vector, or, after
     * the last run, lie past the block's depth (or in the next row, written after this one), where nothing reads
     * them.
     */
    private static void packRowRuns(float[] a, int src, int runs, int[] start, float[] ap, int dst) {
        for (int q = 0; q < runs; q++) {
            int s = src + start[2 * q], len = start[2 * q + 1], e = 0;
            for (; e + L <= len; e += L) FloatVector.fromArray(S, a, s + e).intoArray(ap, dst + e);
            if (e < len) {
                if (s + e + L <= a.length && dst + e + L <= ap.length) {
                    FloatVector.fromArray(S, a, s + e).intoArray(ap, dst + e);
                } else {
                    for (; e < len; e++) ap[dst + e] = a[s + e];
                }
            }
            dst += len;
        }
    }

    /**
     * {@link #packA}'s live columns with 512-bit vectors: each row read 16 depths at a time, its live lanes moved
     * to the front ({@code compress}, one instruction on AVX-512) and stored, instead of a gather per 16 live
     * columns. The same values in the same order.
     */
    private static void packALive16(float[] a, int aOff, int lda, int ic, int mc, int pc, int depth, long[] liveBits,
                                    int chunks, float[] ap) {
        for (int r = 0; r < mc; r++) {
            int src = aOff + (ic + r) * lda + pc, dst = r * KC, rowEnd = dst + KC;
            for (int c = 0; c < chunks; c++) {
                long bits = liveBits[c];
                if (bits == 0L) continue;
                VectorMask<Float> m = VectorMask.fromLong(S, bits);
                // a chunk past the last live depth may reach beyond A: only its live lanes are read then
                FloatVector v = (c + 1) * L <= depth ? FloatVector.fromArray(S, a, src + c * L)
                        : FloatVector.fromArray(S, a, src + c * L, m);
                int count = Long.bitCount(bits);
                if (dst + L <= rowEnd) v.compress(m).intoArray(ap, dst);
                else v.compress(m).intoArray(ap, dst, S.indexInRange(0, count));
                dst += count;
            }
        }
    }

    /**
     * A stored [k, m] (used transposed): the MR values of a panel at one k are contiguous in A; panel by panel,
     * so that the copy writes MR rows at a time, each in order.
     */
    private static void packAT(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir), d0 = ir * KC;
            if (mr == MR) {
                for (int p = 0, src = aOff + pc * lda + ic + ir; p < kc; p++, src += lda) {
                    for (int r = 0; r < MR; r++) ap[d0 + r * KC + p] = a[src + r];
                }
            } else {
                for (int r = 0; r < MR; r++) {
                    int d = d0 + r * KC;
                    if (r >= mr) {
                        java.util.Arrays.fill(ap, d, d + kc, 0f);
                        continue;
                    }
                    for (int p = 0, src = aOff + pc * lda + ic + ir + r; p < kc; p++, src += lda) ap[d + p] = a[src];
                }
            }
        }
    }
}
