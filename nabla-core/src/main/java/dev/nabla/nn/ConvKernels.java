package dev.nabla.nn;

import dev.nabla.kernel.Kernels;
import dev.nabla.kernel.Parallel;

import java.util.Arrays;

/**
 * The loops behind {@link Conv2dFunction} and {@link Pool2dFunction}, on float32 or float64 storage (a
 * {@code float[]} or a {@code double[]}; the JIT hoists the type test out of each loop, so float32 runs tight):
 * im2col and col2im one image at a time, row by row of each tap, with the padding's bounds worked out once per row
 * rather than looked up per value; the channel-major transposes around the batched GEMM; and window pooling with
 * the max's winning index kept for its backward. Every routine handles a range of images (or planes) that the
 * caller picks from the sizes alone, and writes only that range's outputs, so any split over threads gives the
 * same bits.
 */
final class ConvKernels {
    private ConvKernels() {}

    /**
     * im2col of images [b0, b1) of x (offset {@code xo}, [N, C, H, W] contiguous) into {@code cols}, laid out as
     * [G, K, ld] with K = (C / G) kh kw; image b's P = outH outW columns start at {@code (b - base) P}.
     */
    static void im2col(Object x, int xo, int c, int h, int w, Window win, int groups, int b0, int b1, int base,
                       Object cols, int ld) {
        eachTap(x, xo, c, h, w, win, groups, b0, b1, base, cols, ld, false);
    }

    /**
     * col2im, the transpose of {@link #im2col}: adds each column value of images [b0, b1) back to the pixel it was
     * read from, into gx (offset {@code xo}, [N, C, H, W], zeroed by the caller).
     */
    static void col2im(Object cols, int ld, int base, int c, int h, int w, Window win, int groups, int b0, int b1,
                       Object gx, int xo) {
        eachTap(gx, xo, c, h, w, win, groups, b0, b1, base, cols, ld, true);
    }

    /** The loop nest of {@link #im2col} ({@code back} false) and {@link #col2im} (true): one tap's rows at a time. */
    private static void eachTap(Object x, int xo, int c, int h, int w, Window win, int groups, int b0, int b1, int base,
                                Object cols, int ld, boolean back) {
        int cg = c / groups, oh = win.outH(h), ow = win.outW(w), p = oh * ow, k = cg * win.kh() * win.kw();
        Kernels kernels = Kernels.get();
        for (int b = b0; b < b1; b++) {
            for (int g = 0; g < groups; g++) {
                for (int ch = 0; ch < cg; ch++) {
                    int plane = xo + ((b * c) + g * cg + ch) * h * w, imageEnd = xo + (b + 1) * c * h * w;
                    if (!back && x instanceof float[] xf && win.padding() == Window.Padding.ZEROS && win.sh() == 1
                            && win.sw() == 1 && ow != w) {
                        // the plane's taps in one call: rows shorter than the image's, one copy per row otherwise
                        int first = (g * k + ch * win.kh() * win.kw()) * ld + (b - base) * p;
                        kernels.copyTapPlane(xf, plane, h, w, win.kh(), win.kw(), win.dh(), win.dw(), win.ph(), win.pw(),
                                (float[]) cols, first, ld, oh, ow);
                        continue;
                    }
                    if (back && x instanceof float[] xf && win.padding() == Window.Padding.ZEROS && win.sh() == 1 && win.sw() == 1) {
                        // the plane's taps all at once: each pixel row loaded and stored once
                        int first = (g * k + ch * win.kh() * win.kw()) * ld + (b - base) * p;
                        kernels.addTapPlane((float[]) cols, first, ld, oh, ow, win.kh(), win.kw(), win.dh(), win.dw(),
                                win.ph(), win.pw(), xf, plane, h, w, imageEnd);
                        continue;
                    }
                    for (int i = 0; i < win.kh(); i++) {
                        for (int j = 0; j < win.kw(); j++) {
                            int row = g * k + (ch * win.kh() + i) * win.kw() + j;
                            int col = row * ld + (b - base) * p;
                            if (x instanceof float[] xf && win.padding() == Window.Padding.ZEROS) {
                                if (back) addTapRowsF32(kernels, (float[]) cols, col, oh, ow, xf, plane, imageEnd, h, w, win, i, j);
                                else tapRowsF32(xf, plane, h, w, win, i, j, (float[]) cols, col, oh, ow);
                                continue;
                            }
                            for (int oy = 0; oy < oh; oy++) {
                                copyTapRow(x, plane, h, w, win, i, j, oy, cols, col + oy * ow, ow, back);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The first q with {@code q sw + shift >= 0}, at most ow (zero padding's left edge for one tap). */
    private static int firstInside(int shift, int sw, int ow) {
        return shift >= 0 ? 0 : Math.min(ow, (-shift + sw - 1) / sw);
    }

    /** One past the last q with {@code q sw + shift < w}, at least lo (zero padding's right edge). */
    private static int endInside(int shift, int sw, int w, int ow, int lo) {
        return Math.max(lo, Math.min(ow, w - 1 - shift < 0 ? 0 : (w - 1 - shift) / sw + 1));
    }

    /**
     * {@link #copyTapRow} for all output rows of tap (i, j) on float32 with zero padding, the hot case: the
     * in-image range of q is the same for every row, so it is worked out once.
     */
    private static void tapRowsF32(float[] x, int plane, int h, int w, Window win, int i, int j, float[] col, int dst, int oh, int ow) {
        int shift = j * win.dw() - win.pw(), sw = win.sw(), sh = win.sh(), top = i * win.dh() - win.ph();
        int lo = firstInside(shift, sw, ow), hi = endInside(shift, sw, w, ow, lo);
        if (sw == 1 && sh == 1 && ow == w) {
            // Rows as long as the image's ("same" padding): the tap's in-image rows are one shifted run of the plane,
            // copied at once (a copy per 14-pixel row cost more in calls than in bytes), and then the lanes that
            // run took from a neighbouring row, or that lie in the padding, are set to zero.
            int oy0 = firstInside(top, 1, oh), oy1 = endInside(top, 1, h, oh, oy0);
            if (oy1 > oy0 && hi > lo) {
                int first = dst + oy0 * ow + lo;
                System.arraycopy(x, plane + (oy0 + top) * w + lo + shift, col, first, (oy1 - 1 - oy0) * ow + hi - lo);
            }
            Arrays.fill(col, dst, dst + oy0 * ow, 0f);
            Arrays.fill(col, dst + oy1 * ow, dst + oh * ow, 0f);
            for (int oy = oy0, d = dst + oy0 * ow; oy < oy1; oy++, d += ow) {
                for (int q = 0; q < lo; q++) col[d + q] = 0f;
                for (int q = hi; q < ow; q++) col[d + q] = 0f;
            }
            return;
        }
        for (int oy = 0; oy < oh; oy++) {
            int iy = oy * sh + top, d = dst + oy * ow;
            if (iy < 0 || iy >= h) {
                for (int q = 0; q < ow; q++) col[d + q] = 0f;
                continue;
            }
            for (int q = 0; q < lo; q++) col[d + q] = 0f;
            int s = plane + iy * w + lo * sw + shift;
            if (sw == 1) {
                if (hi > lo) System.arraycopy(x, s, col, d + lo, hi - lo);
            } else {
                for (int q = lo; q < hi; q++, s += sw) col[d + q] = x[s];
            }
            for (int q = hi; q < ow; q++) col[d + q] = 0f;
        }
    }

    /**
     * The transpose of {@link #tapRowsF32}: adds tap (i, j)'s column values back to their pixels; x from
     * {@code imageEnd} on is other images' (another thread's), x before it this image's.
     */
    private static void addTapRowsF32(Kernels kernels, float[] col, int src, int oh, int ow, float[] x, int plane, int imageEnd, int h, int w, Window win, int i, int j) {
        int shift = j * win.dw() - win.pw(), sw = win.sw(), sh = win.sh(), top = i * win.dh() - win.ph();
        int lo = firstInside(shift, sw, ow), hi = endInside(shift, sw, w, ow, lo);
        if (sw == 1) {
            int oy0 = firstInside(top, sh, oh), oy1 = endInside(top, sh, h, oh, oy0);
            kernels.addTapRows(col, src + oy0 * ow, oy1 - oy0, ow, x, plane + (oy0 * sh + top) * w + shift, sh * w, lo, hi, imageEnd);
            return;
        }
        for (int oy = 0; oy < oh; oy++) {
            int iy = oy * sh + top;
            if (iy < 0 || iy >= h) continue;
            int s = plane + iy * w + lo * sw + shift, d = src + oy * ow;
            if (sw == 1) {
                for (int q = lo; q < hi; q++) x[s + q - lo] += col[d + q];
            } else {
                for (int q = lo; q < hi; q++, s += sw) x[s] += col[d + q];
            }
        }
    }

    /**
     * One output row of one tap (i, j): {@code col[q] = x[tap of output (oy, q)]} (0 on zero padding), or with
     * {@code back} {@code x[tap] += col[q]} (padding dropped). Circular padding wraps each coordinate; zero padding
     * works out the in-image range of q once and copies it with the stride.
     */
    private static void copyTapRow(Object x, int plane, int h, int w, Window win, int i, int j, int oy,
                                   Object col, int d, int ow, boolean back) {
        int iy = oy * win.sh() - win.ph() + i * win.dh();
        int shift = j * win.dw() - win.pw(), sw = win.sw();
        if (win.padding() == Window.Padding.CIRCULAR) {
            int rowStart = plane + Math.floorMod(iy, h) * w;
            for (int q = 0; q < ow; q++) {
                int s = rowStart + Math.floorMod(q * sw + shift, w);
                if (x instanceof float[] xf) {
                    float[] cf = (float[]) col;
                    if (back) xf[s] += cf[d + q]; else cf[d + q] = xf[s];
                } else {
                    double[] xd = (double[]) x, cd = (double[]) col;
                    if (back) xd[s] += cd[d + q]; else cd[d + q] = xd[s];
                }
            }
            return;
        }
        int lo = 0, hi = 0;
        if (iy >= 0 && iy < h) {
            lo = firstInside(shift, sw, ow);
            hi = endInside(shift, sw, w, ow, lo);
        }
        int s = plane + iy * w + lo * sw + shift;
        if (x instanceof float[] xf) {
            float[] cf = (float[]) col;
            if (back) {
                for (int q = lo; q < hi; q++, s += sw) xf[s] += cf[d + q];
            } else {
                Arrays.fill(cf, d, d + lo, 0f);
                if (sw == 1) { if (hi > lo) System.arraycopy(xf, s, cf, d + lo, hi - lo); }
                else for (int q = lo; q < hi; q++, s += sw) cf[d + q] = xf[s];
                Arrays.fill(cf, d + hi, d + ow, 0f);
            }
        } else {
            double[] xd = (double[]) x, cd = (double[]) col;
            if (back) {
                for (int q = lo; q < hi; q++, s += sw) xd[s] += cd[d + q];
            } else {
                Arrays.fill(cd, d, d + lo, 0);
                if (sw == 1) { if (hi > lo) System.arraycopy(xd, s, cd, d + lo, hi - lo); }
                else for (int q = lo; q < hi; q++, s += sw) cd[d + q] = xd[s];
                Arrays.fill(cd, d + hi, d + ow, 0);
            }
        }
    }

    /**
     * Forward products (weights times columns) with at most this many taps use {@code Kernels.shortProduct} (the
     * columns read in place) instead of the GEMM, which packs them: LeNet-5's first layer (25 taps, 6 channels) and
     * the cnn model's (9 taps, 32 channels) ran faster that way in thread CPU time per step; the input gradients'
     * products over 16 or 64 output channels (op(A) transposed, hundreds of rows) ran slower, so they keep the GEMM.
     */
    static final int SHORT_K = 32;

    /**
     * {@code C = op(A) op(B)} (C overwritten), row-major with leading dimensions: on float32 the current kernels'
     * {@code shortProduct} for A and B untransposed and k up to {@link #SHORT_K} (split over threads by columns,
     * which changes no bits), else their SIMD GEMM; a plain loop on float64 (the gradient checks' type).
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, Object a, int ao, int lda,
                     Object b, int bo, int ldb, Object c, int co, int ldc) {
        if (a instanceof float[] af && !transA && !transB && k <= SHORT_K) {
            float[] bf = (float[]) b, cf = (float[]) c;
            Kernels kernels = Kernels.get();
            Parallel.forRange(n, 256, (lo, hi) -> kernels.shortProduct(m, hi - lo, k, af, ao, lda, bf, bo + lo, ldb, cf, co + lo, ldc));
            return;
        }
        if (a instanceof float[] af) {
            // (the weights and the output gradient seldom have a zero column: not looked for)
            Kernels.get().gemmAllColumns(transA, transB, m, n, k, 1f, af, ao, lda, (float[]) b, bo, ldb, 0f, (float[]) c, co, ldc);
            return;
        }
        double[] ad = (double[]) a, bd = (double[]) b, cd = (double[]) c;
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            Arrays.fill(cd, ci, ci + n, 0);
            for (int p = 0; p < k; p++) {
                double av = transA ? ad[ao + p * lda + i] : ad[ao + i * lda + p];
                if (transB) {
                    for (int j = 0; j < n; j++) cd[ci + j] += av * bd[bo + j * ldb + p];
                } else {
                    int bp = bo + p * ldb;
                    for (int j = 0; j < n; j++) cd[ci + j] += av * bd[bp + j];
                }
            }
        }
    }

    /**
     * The GEMM packs (m + n) k values to do m n k multiply-adds; below this many per packed value, {@link #rowDots}
     * uses {@code Kernels.rowDots}, which packs nothing. LeNet-5's weight gradients (4.8 and 14.5) run faster that way
     * and the cnn model's second one (52) slower (thread CPU time per step, batch 64).
     */
    static final int ROW_DOTS_BELOW = 16;

    /**
     * {@code C = A Bᵀ} for A [m, k] and B [n, k] with long rows (the weight gradient: output channels x taps, summed
     * over the batch's pixels), C overwritten: on float32 with small m and n, {@code Kernels.rowDots}, split over
     * threads by B rows, or by A rows where B has too few (each value's sum is the same whatever the split), else
     * {@link #gemm}.
     */
    static void rowDots(int m, int n, int k, Object a, int ao, int lda, Object b, int bo, int ldb, Object c, int co, int ldc) {
        if (!(a instanceof float[] af) || (long) m * n >= ROW_DOTS_BELOW * (m + n)) {
            gemm(false, true, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc);
            return;
        }
        float[] bf = (float[]) b, cf = (float[]) c;
        Kernels kernels = Kernels.get();
        if (n < 16 && m >= 8 && Parallel.threads() > 1) {
            // too few B rows for two pieces (the cnn model's first layer: 9 taps, 32 channels): split the A rows,
            // in pairs (the kernel's tile), one piece per thread since each streams all of B
            Parallel.forRange(m / 2, 2, (lo, hi) -> {
                int i0 = 2 * lo, i1 = hi == m / 2 ? m : 2 * hi;
                kernels.rowDots(i1 - i0, n, k, af, ao + i0 * lda, lda, bf, bo, ldb, cf, co + i0 * ldc, ldc);
            });
            return;
        }
        // pieces of at least 8 B rows (two tiles), so that a piece streams its rows' columns a few times over
        Parallel.forRange(n, 8, (lo, hi) -> kernels.rowDots(m, hi - lo, k, af, ao, lda, bf, bo + lo * ldb, ldb, cf, co + lo, ldc));
    }

    /**
     * {@code out[e] = sum over t of partials[t per + e]} for e in [lo, hi), the blocks added in order (so the bits
     * depend on the number of blocks, not on how [0, per) is split).
     */
    static void sumBlocks(Object partials, int per, int blocks, int lo, int hi, Object out) {
        if (partials instanceof float[] pf) {
            float[] of = (float[]) out;
            System.arraycopy(pf, lo, of, lo, hi - lo);
            for (int t = 1; t < blocks; t++) {
                for (int e = lo, s = t * per + lo; e < hi; e++, s++) of[e] += pf[s];
            }
            return;
        }
        double[] pd = (double[]) partials, od = (double[]) out;
        System.arraycopy(pd, lo, od, lo, hi - lo);
        for (int t = 1; t < blocks; t++) {
            for (int e = lo, s = t * per + lo; e < hi; e++, s++) od[e] += pd[s];
        }
    }

    /**
     * Channel-major [O, ld] (image b's P values of channel o at {@code o ld + (b - base) P}) to images
     * [N, O, P] for images [b0, b1), adding {@code bias[o]} when a bias is given.
     */
    static void channelsToImages(Object t, int ld, int base, int o, int p, Object bias, int biasOff,
                                 int b0, int b1, Object y, int yo) {
        for (int b = b0; b < b1; b++) {
            for (int ch = 0; ch < o; ch++) {
                int s = ch * ld + (b - base) * p, d = yo + (b * o + ch) * p;
                if (t instanceof float[] tf) {
                    float[] yf = (float[]) y;
                    if (bias == null) {
                        System.arraycopy(tf, s, yf, d, p);
                    } else {
                        float bv = ((float[]) bias)[biasOff + ch];
                        for (int q = 0; q < p; q++) yf[d + q] = tf[s + q] + bv;
                    }
                } else {
                    double[] td = (double[]) t, yd = (double[]) y;
                    double bv = bias == null ? 0 : ((double[]) bias)[biasOff + ch];
                    for (int q = 0; q < p; q++) yd[d + q] = td[s + q] + bv;
                }
            }
        }
    }

    /** {@code y[yo + ch * p + q] = t[q * o + ch]}: an image's [P, O] product written out as its [O, P] planes. */
    static void transposeInto(float[] t, int p, int o, float[] y, int yo) {
        for (int ch = 0, d = yo; ch < o; ch++, d += p) {
            for (int q = 0; q < p; q++) y[d + q] = t[q * o + ch];
        }
    }

    /** {@code y[yo + ch P + q] += bias[biasOff + ch]} for the O planes of P values of one image. */
    static void addBias(Object y, int yo, int o, int p, Object bias, int biasOff) {
        if (y instanceof float[] yf) {
            float[] bf = (float[]) bias;
            for (int ch = 0, d = yo; ch < o; ch++, d += p) {
                float bv = bf[biasOff + ch];
                for (int q = 0; q < p; q++) yf[d + q] += bv;
            }
        } else {
            double[] yd = (double[]) y, bd = (double[]) bias;
            for (int ch = 0, d = yo; ch < o; ch++, d += p) {
                double bv = bd[biasOff + ch];
                for (int q = 0; q < p; q++) yd[d + q] += bv;
            }
        }
    }

    /** The transpose of {@link #channelsToImages} without bias: images [N, O, P] to channel-major [O, N P]. */
    static void imagesToChannels(Object y, int yo, int o, int p, int n, int b0, int b1, Object t) {
        for (int b = b0; b < b1; b++) {
            for (int ch = 0; ch < o; ch++) {
                System.arraycopy(y, yo + (b * o + ch) * p, t, ch * n * p + b * p, p);
            }
        }
    }

    /**
     * {@code out[o] = sum of row o of t [O, len]}, in order, in double. On float32 four rows at a time: four
     * independent chains keep the adder busy where one waits on each add's latency (each sum keeps its order).
     */
    static void rowSums(Object t, int len, int o0, int o1, Object out, int outOff) {
        int ch = o0;
        if (t instanceof float[] tf) {
            float[] of = (float[]) out;
            for (; ch + 4 <= o1; ch += 4) {
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int r0 = ch * len, r1 = r0 + len, r2 = r1 + len, r3 = r2 + len;
                for (int q = 0; q < len; q++) {
                    s0 += tf[r0 + q];
                    s1 += tf[r1 + q];
                    s2 += tf[r2 + q];
                    s3 += tf[r3 + q];
                }
                of[outOff + ch] = (float) s0;
                of[outOff + ch + 1] = (float) s1;
                of[outOff + ch + 2] = (float) s2;
                of[outOff + ch + 3] = (float) s3;
            }
        }
        for (; ch < o1; ch++) {
            double s = 0;
            int r = ch * len;
            if (t instanceof float[] tf) {
                for (int q = 0; q < len; q++) s += tf[r + q];
                ((float[]) out)[outOff + ch] = (float) s;
            } else {
                double[] td = (double[]) t;
                for (int q = 0; q < len; q++) s += td[r + q];
                ((double[]) out)[outOff + ch] = s;
            }
        }
    }

    // ------------------------------------------------------------------------------------------- pooling

    /**
     * Max pooling of planes [c0, c1) (each H x W, at {@code xo + plane H W}): the max of each window's taps, padding
     * never winning, NaN propagating; {@code arg} receives the winning tap's offset inside its plane (-1 when a
     * window holds only padding, whose output is then -infinity).
     */
    static void maxPool(Object x, int xo, int h, int w, Window win, int c0, int c1, Object y, int[] arg) {
        int oh = win.outH(h), ow = win.outW(w), p = oh * ow;
        boolean circular = win.padding() == Window.Padding.CIRCULAR;
        if (x instanceof float[] xf && !circular) {
            maxPoolF32(xf, xo, h, w, win, c0, c1, (float[]) y, arg);
            return;
        }
        for (int pl = c0; pl < c1; pl++) {
            int src = xo + pl * h * w;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    scan:
                    for (int i = 0; i < win.kh(); i++) {
                        int iy = oy * win.sh() - win.ph() + i * win.dh();
                        if (circular) iy = Math.floorMod(iy, h);
                        else if (iy < 0 || iy >= h) continue;
                        for (int j = 0; j < win.kw(); j++) {
                            int ix = ox * win.sw() - win.pw() + j * win.dw();
                            if (circular) ix = Math.floorMod(ix, w);
                            else if (ix < 0 || ix >= w) continue;
                            int t = iy * w + ix;
                            double v = x instanceof float[] xf ? xf[src + t] : ((double[]) x)[src + t];
                            if (at < 0 || v > best || v != v) {
                                best = v;
                                at = t;
                                if (v != v) break scan;
                            }
                        }
                    }
                    int q = pl * p + oy * ow + ox;
                    arg[q] = at;
                    if (y instanceof float[] yf) yf[q] = (float) best; else ((double[]) y)[q] = best;
                }
            }
        }
    }

    /** {@link #maxPool} on float32 with zero padding, the hot case: window bounds clipped once per output. */
    private static void maxPoolF32(float[] x, int xo, int h, int w, Window win, int c0, int c1, float[] y, int[] arg) {
        int oh = win.outH(h), ow = win.outW(w), p = oh * ow;
        int kh = win.kh(), kw = win.kw(), sh = win.sh(), sw = win.sw(), dh = win.dh(), dw = win.dw();
        if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && dh == 1 && dw == 1 && win.ph() == 0 && win.pw() == 0) {
            Kernels.get().maxPool2x2(x, xo, h, w, c0, c1, y, arg);
            return;
        }
        for (int pl = c0; pl < c1; pl++) {
            int src = xo + pl * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * sh - win.ph();
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * sw - win.pw();
                    float best = Float.NEGATIVE_INFINITY;
                    int at = -1;
                    scan:
                    for (int i = 0; i < kh; i++) {
                        int iy = y0 + i * dh;
                        if (iy < 0 || iy >= h) continue;
                        for (int j = 0; j < kw; j++) {
                            int ix = x0 + j * dw;
                            if (ix < 0 || ix >= w) continue;
                            float v = x[src + iy * w + ix];
                            if (v > best || at < 0 || v != v) {
                                best = v;
                                at = iy * w + ix;
                                if (v != v) break scan;
                            }
                        }
                    }
                    int q = pl * p + oy * ow + ox;
                    arg[q] = at;
                    y[q] = best;
                }
            }
        }
    }

    /**
     * The max's backward (gx[tap] += g) or JVP (y = t[tap]) for planes [c0, c1), through the winning taps
     * {@code arg} of {@link #maxPool}; gx is zeroed by the caller, and y of a window without a winner is 0.
     */
    static void maxPoolRoute(Object g, int go, int[] arg, int hw, int p, int c0, int c1, Object x, int xo, boolean back) {
        for (int pl = c0; pl < c1; pl++) {
            int plane = xo + pl * hw;
            for (int q = pl * p; q < (pl + 1) * p; q++) {
                int t = arg[q];
                if (g instanceof float[] gf) {
                    float[] xf = (float[]) x;
                    if (back) { if (t >= 0) xf[plane + t] += gf[go + q]; }
                    else gf[go + q] = t >= 0 ? xf[plane + t] : 0f;
                } else {
                    double[] gd = (double[]) g, xd = (double[]) x;
                    if (back) { if (t >= 0) xd[plane + t] += gd[go + q]; }
                    else gd[go + q] = t >= 0 ? xd[plane + t] : 0;
                }
            }
        }
    }

    /**
     * Average pooling of planes [c0, c1) (zero padding counts in the mean, PyTorch's default), or with
     * {@code back} its transpose: each output's gradient over kh kw added to its window's pixels. Output or
     * gradient y is [planes, P] contiguous at {@code yo}; x is at {@code xo}, zeroed by the caller for back.
     */
    static void avgPool(Object x, int xo, int h, int w, Window win, int c0, int c1, Object y, int yo, boolean back) {
        int oh = win.outH(h), ow = win.outW(w), p = oh * ow;
        double scale = 1.0 / (win.kh() * win.kw());
        boolean circular = win.padding() == Window.Padding.CIRCULAR;
        for (int pl = c0; pl < c1; pl++) {
            int src = xo + pl * h * w;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int q = yo + pl * p + oy * ow + ox;
                    double gq = back ? (y instanceof float[] yf ? yf[q] : ((double[]) y)[q]) * scale : 0;
                    double sum = 0;
                    for (int i = 0; i < win.kh(); i++) {
                        int iy = oy * win.sh() - win.ph() + i * win.dh();
                        if (circular) iy = Math.floorMod(iy, h);
                        else if (iy < 0 || iy >= h) continue;
                        for (int j = 0; j < win.kw(); j++) {
                            int ix = ox * win.sw() - win.pw() + j * win.dw();
                            if (circular) ix = Math.floorMod(ix, w);
                            else if (ix < 0 || ix >= w) continue;
                            int t = src + iy * w + ix;
                            if (x instanceof float[] xf) {
                                if (back) xf[t] += (float) gq; else sum += xf[t];
                            } else {
                                double[] xd = (double[]) x;
                                if (back) xd[t] += gq; else sum += xd[t];
                            }
                        }
                    }
                    if (!back) {
                        if (y instanceof float[] yf) yf[q] = (float) (sum * scale); else ((double[]) y)[q] = sum * scale;
                    }
                }
            }
        }
    }
}
