package dev.nabla.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution with stride 1 for layers with few taps (see {@code Kernels.convDirect}): the taps are read
 * from the zero-padded image itself, vectorized along the output row, so no im2col columns are written and read
 * back (LeNet-5's first layer: 25 taps x 50,176 columns, 5 MB a step, twice).
 * <ul>
 *   <li>Forward: tiles of 6 output channels x 2 vectors of one output row keep 12 accumulators in registers; each
 *       value is the chain {@code fma(w[t], x[t], s)} over the taps in order, the bits of {@link ShortProducts}.</li>
 *   <li>Weight gradient: the bits of {@link RowDots} on the channel-major gradient and the columns. There, lane l
 *       of an accumulator sums the batch's columns l, l + L, l + 2L, ... in order; here each output row is loaded
 *       at the vectors of that global column grid, masked to the row's own columns, so every lane sums the same
 *       products in the same order (a masked lane adds 0 x 0, which can only turn a -0 lane into +0, and the lanes'
 *       final sum starts from +0 either way). Tiles of 2 channels x 3 or 4 taps, accumulators resting in a scratch
 *       array between blocks of images.</li>
 * </ul>
 * A forward tile that passes its row's end stores whole vectors all the same, the lanes past the row landing in
 * the next row of the plane, which is computed and stored after it; only a plane's last row goes through a scratch
 * array (with 28-pixel rows, half the tiles did, and JFR put a quarter of the forward pass's samples there).
 * Edge tiles repeat their last channel or tap and store the same values twice. Loads are whole vectors (masked
 * ones ran several times slower here): the caller's padded batch ends with at least 2L floats of slack.
 */
final class DirectConv {
    private static final VectorSpecies<Float> S = Width.S;
    private static final int L = Width.L;
    private static final FloatVector ZERO = FloatVector.zero(S);
    /** Lane l holds l. */
    private static final FloatVector IOTA = FloatVector.zero(S).addIndex(1);
    /** Bytes of gradient and padded images per block of images in the weight gradient. */
    private static final int BLOCK_BYTES = 256 * 1024;

    private DirectConv() {}

    /** The offset of each tap (ch, i, j) from its output pixel's top-left input pixel in a padded image. */
    private static int[] tapOffsets(int c, int hp, int wp, int kh, int kw, int dh, int dw) {
        int[] off = new int[c * kh * kw];
        for (int ch = 0, t = 0; ch < c; ch++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) off[t++] = (ch * hp + i * dh) * wp + j * dw;
            }
        }
        return off;
    }

    static void forward(int b0, int b1, int c, int hp, int wp, float[] xp, int kh, int kw, int dh, int dw,
                        int o, float[] w, int wOff, float[] bias, int biasOff, float[] y) {
        int oh = hp - (kh - 1) * dh, ow = wp - (kw - 1) * dw, taps = c * kh * kw;
        int[] tap = tapOffsets(c, hp, wp, kh, kw, dh, dw);
        int[] rows = new int[6];
        float[] scratch = new float[2 * L], acc = new float[12 * L];
        for (int b = b0; b < b1; b++) {
            int img = b * c * hp * wp;
            for (int o0 = 0; o0 < o; o0 += 6) {
                for (int r = 0; r < 6; r++) rows[r] = Math.min(o0 + r, o - 1);
                for (int oy = 0; oy < oh; oy++) {
                    // a row's last tile may store its lanes past the row into the next row of the plane, which this
                    // loop writes afterwards, so whole vectors serve every row but a plane's last
                    boolean spill = oy < oh - 1;
                    for (int ox = 0; ox < ow; ox += 2 * L) {
                        int live = Math.min(2 * L, ow - ox);
                        tile(rows, b, o, oy, ox, oh, ow, taps, tap, img + oy * wp + ox, xp, w, wOff, bias, biasOff, y,
                                spill && 2 * L - live <= ow ? 2 * L : live, scratch, acc);
                    }
                }
            }
        }
    }

    /**
     * Output channels {@code rows} (6, repeats allowed), pixels [ox, ox + 2L) of row oy; the first {@code stored} of
     * the 2L values are stored (the row's, or all 2L where the lanes past the row may go to the next row).
     */
    private static void tile(int[] rows, int b, int o, int oy, int ox, int oh, int ow, int taps, int[] tap, int x0,
                             float[] xp, float[] w, int wOff, float[] bias, int biasOff, float[] y, int stored,
                             float[] scratch, float[] acc) {
        int a0 = wOff + rows[0] * taps, a1 = wOff + rows[1] * taps, a2 = wOff + rows[2] * taps,
                a3 = wOff + rows[3] * taps, a4 = wOff + rows[4] * taps, a5 = wOff + rows[5] * taps;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int t = 0; t < taps; t++) {
            // past the row's end the lanes hold the next row's pixels (or the batch's slack): computed, not stored
            int s = x0 + tap[t];
            FloatVector x0v = FloatVector.fromArray(S, xp, s), x1v = FloatVector.fromArray(S, xp, s + L);
            FloatVector v = FloatVector.broadcast(S, w[a0 + t]);
            c00 = v.fma(x0v, c00); c01 = v.fma(x1v, c01);
            v = FloatVector.broadcast(S, w[a1 + t]);
            c10 = v.fma(x0v, c10); c11 = v.fma(x1v, c11);
            v = FloatVector.broadcast(S, w[a2 + t]);
            c20 = v.fma(x0v, c20); c21 = v.fma(x1v, c21);
            v = FloatVector.broadcast(S, w[a3 + t]);
            c30 = v.fma(x0v, c30); c31 = v.fma(x1v, c31);
            v = FloatVector.broadcast(S, w[a4 + t]);
            c40 = v.fma(x0v, c40); c41 = v.fma(x1v, c41);
            v = FloatVector.broadcast(S, w[a5 + t]);
            c50 = v.fma(x0v, c50); c51 = v.fma(x1v, c51);
        }
        // The sums go out through acc, not as arguments: a vector passed to a method the JIT does not inline is
        // boxed, and C2 then boxed one accumulator on every pass of the loop above (an allocation per tap).
        c00.intoArray(acc, 0); c01.intoArray(acc, L); c10.intoArray(acc, 2 * L); c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L); c21.intoArray(acc, 5 * L); c30.intoArray(acc, 6 * L); c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L); c41.intoArray(acc, 9 * L); c50.intoArray(acc, 10 * L); c51.intoArray(acc, 11 * L);
        int pix = oy * ow + ox, plane = oh * ow;
        for (int r = 0; r < 6; r++) store(acc, 2 * r * L, rows[r], b, o, plane, pix, stored, bias, biasOff, y, scratch);
    }

    /** Stores the first {@code live} of the 2L values at {@code acc[at]} (a row's tail through {@code scratch}). */
    private static void store(float[] acc, int at, int oc, int b, int o, int plane, int pix, int live,
                              float[] bias, int biasOff, float[] y, float[] scratch) {
        FloatVector v0 = FloatVector.fromArray(S, acc, at), v1 = FloatVector.fromArray(S, acc, at + L);
        if (bias != null) {
            float bv = bias[biasOff + oc];
            v0 = v0.add(bv);
            v1 = v1.add(bv);
        }
        int d = (b * o + oc) * plane + pix;
        if (live == 2 * L) {
            v0.intoArray(y, d);
            v1.intoArray(y, d + L);
        } else {
            v0.intoArray(scratch, 0);
            v1.intoArray(scratch, L);
            System.arraycopy(scratch, 0, y, d, live);
        }
    }

    static void weightGrad(int n, int c, int hp, int wp, float[] xp, int kh, int kw, int dh, int dw,
                           int o, float[] g, int gOff, int t0, int t1, float[] gw, int gwOff) {
        int oh = hp - (kh - 1) * dh, ow = wp - (kw - 1) * dw, taps = c * kh * kw, nt = t1 - t0;
        if (o == 0 || nt <= 0) return;
        int[] tap = tapOffsets(c, hp, wp, kh, kw, dh, dw);
        float[] acc = new float[o * nt * L];  // per value, its L lane sums
        int perImage = 4 * (o * oh * ow + c * hp * wp);
        int block = Math.max(1, BLOCK_BYTES / perImage);
        for (int b0 = 0; b0 < n; b0 += block) {
            int b1 = Math.min(n, b0 + block);
            for (int i0 = 0; i0 < o; i0 += 2) {
                if (ow >= L && oh * ow % L == 0) {
                    for (int j0 = t0; j0 < t1; j0 += 3) gridTile2x3(i0, j0, b0, b1, o, t0, t1, nt, c, hp, wp, oh, ow, tap, xp, g, gOff, acc);
                } else {
                    for (int j0 = t0; j0 < t1; j0 += 4) tile2x4(i0, j0, b0, b1, o, t0, t1, nt, c, hp, wp, oh, ow, tap, xp, g, gOff, acc);
                }
            }
        }
        for (int i = 0; i < o; i++) {
            for (int t = t0; t < t1; t++) {
                float s = 0f;
                int at = (i * nt + t - t0) * L;
                for (int l = 0; l < L; l++) s += acc[at + l];
                gw[gwOff + i * taps + t] = s;
            }
        }
    }

    /**
     * {@link #tile2x4}, with 3 taps instead of 4, where each image's columns fill whole vectors ({@code oh ow} a
     * multiple of L) and a vector spans at most two output rows ({@code ow >= L}): a vector that crosses a row's
     * end blends the two rows' loads, so every lane is a real column and none is wasted. Three taps, not four: with
     * eight accumulators beside the row crossing's mask and loads, C2 kept accumulators and indices on the stack,
     * and LeNet-5's first layer's gradient ran at 24 GFLOP/s on one Zen 3 core; with six, at 31-32.
     */
    private static void gridTile2x3(int i0, int j0, int b0, int b1, int o, int t0, int t1, int nt, int c, int hp, int wp,
                                    int oh, int ow, int[] tap, float[] xp, float[] g, int gOff, float[] acc) {
        int i1 = Math.min(i0 + 1, o - 1);
        int j1 = Math.min(j0 + 1, t1 - 1), j2 = Math.min(j0 + 2, t1 - 1);
        int x0 = tap[j0], x1 = tap[j1], x2 = tap[j2];
        int[] at = {
                (i0 * nt + j0 - t0) * L, (i0 * nt + j1 - t0) * L, (i0 * nt + j2 - t0) * L,
                (i1 * nt + j0 - t0) * L, (i1 * nt + j1 - t0) * L, (i1 * nt + j2 - t0) * L};
        FloatVector c00 = FloatVector.fromArray(S, acc, at[0]), c01 = FloatVector.fromArray(S, acc, at[1]),
                c02 = FloatVector.fromArray(S, acc, at[2]),
                c10 = FloatVector.fromArray(S, acc, at[3]), c11 = FloatVector.fromArray(S, acc, at[4]),
                c12 = FloatVector.fromArray(S, acc, at[5]);
        int plane = oh * ow;
        for (int b = b0; b < b1; b++) {
            int img = b * c * hp * wp;
            int g0 = gOff + (b * o + i0) * plane, g1 = gOff + (b * o + i1) * plane;
            for (int q = 0, oy = 0, ox = 0; q < plane; q += L) {
                FloatVector ga = FloatVector.fromArray(S, g, g0 + q), gb = FloatVector.fromArray(S, g, g1 + q);
                int xi = img + oy * wp + ox;
                FloatVector xa = FloatVector.fromArray(S, xp, xi + x0), xb = FloatVector.fromArray(S, xp, xi + x1),
                        xc = FloatVector.fromArray(S, xp, xi + x2);
                ox += L;
                if (ox >= ow) {
                    // lanes from ow - (ox - L) on are the next row's first pixels
                    ox -= ow;
                    oy++;
                    if (ox > 0) {
                        VectorMask<Float> next = IOTA.compare(VectorOperators.GE, L - ox);
                        int xn = img + oy * wp + ox - L;
                        xa = xa.blend(FloatVector.fromArray(S, xp, xn + x0), next);
                        xb = xb.blend(FloatVector.fromArray(S, xp, xn + x1), next);
                        xc = xc.blend(FloatVector.fromArray(S, xp, xn + x2), next);
                    }
                }
                c00 = ga.fma(xa, c00); c10 = gb.fma(xa, c10);
                c01 = ga.fma(xb, c01); c11 = gb.fma(xb, c11);
                c02 = ga.fma(xc, c02); c12 = gb.fma(xc, c12);
            }
        }
        c00.intoArray(acc, at[0]); c01.intoArray(acc, at[1]); c02.intoArray(acc, at[2]);
        c10.intoArray(acc, at[3]); c11.intoArray(acc, at[4]); c12.intoArray(acc, at[5]);
    }

    private static void tile2x4(int i0, int j0, int b0, int b1, int o, int t0, int t1, int nt, int c, int hp, int wp,
                                int oh, int ow, int[] tap, float[] xp, float[] g, int gOff, float[] acc) {
        int i1 = Math.min(i0 + 1, o - 1);
        int j1 = Math.min(j0 + 1, t1 - 1), j2 = Math.min(j0 + 2, t1 - 1), j3 = Math.min(j0 + 3, t1 - 1);
        int x0 = tap[j0], x1 = tap[j1], x2 = tap[j2], x3 = tap[j3];
        int[] at = {
                (i0 * nt + j0 - t0) * L, (i0 * nt + j1 - t0) * L, (i0 * nt + j2 - t0) * L, (i0 * nt + j3 - t0) * L,
                (i1 * nt + j0 - t0) * L, (i1 * nt + j1 - t0) * L, (i1 * nt + j2 - t0) * L, (i1 * nt + j3 - t0) * L};
        FloatVector c00 = FloatVector.fromArray(S, acc, at[0]), c01 = FloatVector.fromArray(S, acc, at[1]),
                c02 = FloatVector.fromArray(S, acc, at[2]), c03 = FloatVector.fromArray(S, acc, at[3]),
                c10 = FloatVector.fromArray(S, acc, at[4]), c11 = FloatVector.fromArray(S, acc, at[5]),
                c12 = FloatVector.fromArray(S, acc, at[6]), c13 = FloatVector.fromArray(S, acc, at[7]);
        int plane = oh * ow;
        for (int b = b0; b < b1; b++) {
            int img = b * c * hp * wp;
            int g0 = gOff + (b * o + i0) * plane, g1 = gOff + (b * o + i1) * plane;
            for (int oy = 0; oy < oh; oy++) {
                // the row's first column in the batch's column order, and the grid vector that holds it
                int col = b * plane + oy * ow;
                int xr = img + oy * wp, gr = oy * ow;
                for (int rel = -Math.floorMod(col, L); rel < ow; rel += L) {
                    int gi = g0 + gr + rel, gj = g1 + gr + rel, xi = xr + rel;
                    FloatVector ga, gb, xa, xb, xc, xd;
                    if (gi + L <= g.length && gj + L <= g.length) {
                        ga = FloatVector.fromArray(S, g, gi);
                        gb = FloatVector.fromArray(S, g, gj);
                    } else {  // the gradient's last row: no slack after it
                        VectorMask<Float> m = S.indexInRange(rel, ow);
                        ga = FloatVector.fromArray(S, g, gi, m);
                        gb = FloatVector.fromArray(S, g, gj, m);
                    }
                    xa = FloatVector.fromArray(S, xp, xi + x0);
                    xb = FloatVector.fromArray(S, xp, xi + x1);
                    xc = FloatVector.fromArray(S, xp, xi + x2);
                    xd = FloatVector.fromArray(S, xp, xi + x3);
                    if (rel < 0 || rel + L > ow) {
                        // lanes outside the row add 0 x 0, as the column grid's lanes of other rows do there
                        VectorMask<Float> m = IOTA.compare(VectorOperators.GE, -rel).and(IOTA.compare(VectorOperators.LT, ow - rel));
                        ga = ZERO.blend(ga, m); gb = ZERO.blend(gb, m);
                        xa = ZERO.blend(xa, m); xb = ZERO.blend(xb, m); xc = ZERO.blend(xc, m); xd = ZERO.blend(xd, m);
                    }
                    c00 = ga.fma(xa, c00); c10 = gb.fma(xa, c10);
                    c01 = ga.fma(xb, c01); c11 = gb.fma(xb, c11);
                    c02 = ga.fma(xc, c02); c12 = gb.fma(xc, c12);
                    c03 = ga.fma(xd, c03); c13 = gb.fma(xd, c13);
                }
            }
        }
        c00.intoArray(acc, at[0]); c01.intoArray(acc, at[1]); c02.intoArray(acc, at[2]); c03.intoArray(acc, at[3]);
        c10.intoArray(acc, at[4]); c11.intoArray(acc, at[5]); c12.intoArray(acc, at[6]); c13.intoArray(acc, at[7]);
    }
}
