package dev.nabla.kernel;

/**
 * Float32 array kernels: the only place where nabla's arithmetic loops live.
 *
 * <p>Two implementations sit behind this interface: {@link ScalarKernels}, plain Java and the reference, and
 * a SIMD one on the JDK's Vector API, the default when {@code jdk.incubator.vector} is present (see
 * {@link KernelProvider}); the current {@link ExecutionContext} says which one runs. Kernels trust their inputs: the tensor layer validates shapes and ranges first.
 *
 * <p>All matrices are row-major with an explicit leading dimension (the distance between rows), so views and
 * transposed operands need no copy.
 */
public interface Kernels {

    /** A short name for logs and benchmarks, e.g. {@code "scalar"} or {@code "simd-256"}. */
    String name();

    /** The name with what the implementation chose for this CPU (vector width, register tile), for reports. */
    default String description() {
        return name();
    }

    /**
     * General matrix multiply: {@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(X)} is X or its
     * transpose. op(A) is [m, k], op(B) is [k, n], C is [m, n]. With {@code beta == 0} C is overwritten
     * (NaNs in C are not propagated).
     *
     * @param transA A is stored as [k, m] (leading dimension lda) and used transposed
     * @param transB B is stored as [n, k] (leading dimension ldb) and used transposed
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /**
     * {@link #gemm} for products whose A seldom has a zero column or panel (a convolution's weights, its output
     * gradient), where looking for them to leave out costs more than it saves: the same bits as {@link #gemm}.
     */
    default void gemmAllColumns(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** {@code y[i] += alpha * x[i]} for i in [0, n). */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** {@code sum of x[i] * y[i]}, accumulated in float. */
    float dot(int n, float[] x, int xOff, float[] y, int yOff);

    /** {@code sum of x[i]}. */
    float sum(int n, float[] x, int xOff);

    /** {@code out[i] = a[i] + b[i]}. */
    void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);

    /** {@code out[i] = a[i] * b[i]}. */
    void mul(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);

    /** {@code out[i] = alpha * x[i]}. */
    void scale(int n, float alpha, float[] x, int xOff, float[] out, int outOff);

    /** {@code out[i] = 1 / (1 + exp(-x[i]))}. */
    void sigmoid(int n, float[] x, int xOff, float[] out, int outOff);

    /**
     * The sigmoid's backward from its saved output: {@code out[i] = g[i] * s[i] * (1 - s[i])}, evaluated left to
     * right in float ({@code (g * s) * (1 - s)}).
     */
    void sigmoidBackward(int n, float[] g, int gOff, float[] s, int sOff, float[] out, int outOff);

    /** {@code out[i] = max(x[i], 0)}. */
    void relu(int n, float[] x, int xOff, float[] out, int outOff);

    /**
     * The ReLU's backward from its saved input: {@code out[i] = x[i] > 0 ? g[i] : 0} (0 where x is NaN, not
     * positive or -0). A selection, so every implementation gives the same bits.
     */
    default void reluBackward(int n, float[] g, int gOff, float[] x, int xOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] > 0 ? g[gOff + i] : 0f;
    }

    /**
     * Max pooling over 2x2 windows with stride 2 and no padding, of planes [c0, c1) of x (each h x w at
     * {@code xo + plane h w}) into y ([planes, (h / 2) (w / 2)] from 0); {@code arg} receives each winner's offset in
     * its plane. Taps are compared in reading order, a tap winning when the best so far is not NaN and the tap is
     * greater or NaN: the first of equal values wins, and the first NaN wins and stays.
     */
    default void maxPool2x2(float[] x, int xo, int h, int w, int c0, int c1, float[] y, int[] arg) {
        int oh = h / 2, ow = w / 2, p = oh * ow;
        for (int pl = c0; pl < c1; pl++) {
            int src = xo + pl * h * w;
            for (int oy = 0; oy < oh; oy++) ScalarKernels.maxPool2x2Row(x, src, w, oy, 0, ow, y, arg, pl * p + oy * ow);
        }
    }

    /**
     * {@code C = A B} with A [m, k] and B [k, n] row-major, C [m, n] overwritten, for a short inner dimension k: B is
     * read in place instead of packed. Each value is the chain {@code s = Math.fma(a[i][p], b[p][j], s)} for
     * p = 0 .. k - 1 from s = 0, so every implementation, width and split of the columns gives the same bits.
     */
    default void shortProduct(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) s = Math.fma(a[aOff + i * lda + p], b[bOff + p * ldb + j], s);
                c[cOff + i * ldc + j] = s;
            }
        }
    }

    /**
     * {@code C = A Bᵀ} with A [m, k] and B [n, k] row-major (C [m, n] overwritten): each C value is the dot product
     * of a row of A and a row of B. Meant for rows much longer than m and n (a convolution's weight gradient sums
     * over every pixel of the batch), where the GEMM would spend its time packing. The summation order is each
     * implementation's own (here: column by column, in float), fixed for a given implementation and vector width.
     */
    default void rowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) s += a[aOff + i * lda + p] * b[bOff + j * ldb + p];
                c[cOff + i * ldc + j] = s;
            }
        }
    }

    /**
     * Direct convolution with stride 1 of images [b0, b1) of {@code xp}, a batch [N, c, hp, wp] already zero-padded
     * and followed by at least 32 floats of slack (read, never used), by w [o, c kh kw] (at {@code wOff}), into
     * y [N, o, oh, ow] (from 0) with oh = hp - (kh - 1) dh and ow = wp - (kw - 1) dw. Each value is the chain
     * {@code s = Math.fma(w[t], x[tap t], s)} over the taps t = (ch kh + i) kw + j in order from s = 0, then
     * {@code s + bias[o]} when a bias is given: the bits of im2col followed by {@link #shortProduct} and the bias,
     * at any width and split of the images.
     */
    default void convDirect(int b0, int b1, int c, int hp, int wp, float[] xp, int kh, int kw, int dh, int dw,
                            int o, float[] w, int wOff, float[] bias, int biasOff, float[] y) {
        int oh = hp - (kh - 1) * dh, ow = wp - (kw - 1) * dw, taps = c * kh * kw;
        for (int b = b0; b < b1; b++) {
            for (int oc = 0; oc < o; oc++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float s = 0f;
                        for (int t = 0; t < taps; t++) {
                            int ch = t / (kh * kw), i = t / kw % kh, j = t % kw;
                            s = Math.fma(w[wOff + oc * taps + t], xp[((b * c + ch) * hp + oy + i * dh) * wp + ox + j * dw], s);
                        }
                        y[((b * o + oc) * oh + oy) * ow + ox] = bias == null ? s : s + bias[biasOff + oc];
                    }
                }
            }
        }
    }

    /**
     * The weight gradient of {@link #convDirect} for taps [t0, t1): {@code gw[oc][t] = sum over images and output
     * pixels of g[b][oc][oy][ox] x[tap t of (oy, ox)]}, g [n, o, oh, ow] at {@code gOff}, gw [o, c kh kw] at
     * {@code gwOff}. The products are summed as {@link #rowDots} sums the rows of the channel-major output gradient
     * [o, N oh ow] against the im2col columns, so each value has the bits of that path for this implementation
     * and width (here: in column order, in float).
     */
    default void convDirectWeightGrad(int n, int c, int hp, int wp, float[] xp, int kh, int kw, int dh, int dw,
                                      int o, float[] g, int gOff, int t0, int t1, float[] gw, int gwOff) {
        int oh = hp - (kh - 1) * dh, ow = wp - (kw - 1) * dw, taps = c * kh * kw;
        for (int oc = 0; oc < o; oc++) {
            for (int t = t0; t < t1; t++) {
                int ch = t / (kh * kw), i = t / kw % kh, j = t % kw;
                float s = 0f;
                for (int b = 0; b < n; b++) {
                    for (int oy = 0; oy < oh; oy++) {
                        int gr = gOff + ((b * o + oc) * oh + oy) * ow, xr = ((b * c + ch) * hp + oy + i * dh) * wp + j * dw;
                        for (int ox = 0; ox < ow; ox++) s += g[gr + ox] * xp[xr + ox];
                    }
                }
                gw[gwOff + oc * taps + t] = s;
            }
        }
    }

    /**
     * One Adam step on n float32 weights, each element in float64 and stored back in float32, in this order:
     * <pre>
     * g = G + l2 * W;  M = beta1 * M + (1 - beta1) * g;  V = beta2 * V + (1 - beta2) * g * g
     * W = W * shrink - lr * (M / c1) / (sqrt(V / c2) + eps)
     * </pre>
     * (M and V rounded to float32 after the double values have been used; c1, c2 the bias corrections). Plain
     * double operations without fused multiply-adds, so every implementation gives the same bits.
     */
    default void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                      double beta1, double beta2, double eps, double l2, double shrink, double lr, double c1, double c2) {
        for (int i = 0; i < n; i++) {
            double wi = w[wOff + i], gi = g[gOff + i] + l2 * wi;
            double mi = beta1 * m[mOff + i] + (1 - beta1) * gi, vi = beta2 * v[vOff + i] + (1 - beta2) * gi * gi;
            m[mOff + i] = (float) mi;
            v[vOff + i] = (float) vi;
            w[wOff + i] = (float) (wi * shrink - lr * (mi / c1) / (Math.sqrt(vi / c2) + eps));
        }
    }

    /**
     * im2col of one channel plane with stride 1 and zero padding: {@code col[c0 + (i kw + j) ld + oy ow + q] =
     * x[xOff + iy w + ix]} with iy = oy + i dh - ph and ix = q + j dw - pw for every tap (i, j) and output pixel
     * (oy, q), and 0 where (iy, ix) lies outside the h x w plane. Only the taps' rows {@code [0, oh ow)} of col are
     * written and only the plane is read.
     */
    default void copyTapPlane(float[] x, int xOff, int h, int w, int kh, int kw, int dh, int dw, int ph, int pw,
                              float[] col, int c0, int ld, int oh, int ow) {
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy + i * dh - ph, c = c0 + (i * kw + j) * ld + oy * ow;
                    for (int q = 0; q < ow; q++) {
                        int ix = q + j * dw - pw;
                        col[c + q] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[xOff + iy * w + ix] : 0f;
                    }
                }
            }
        }
    }

    /**
     * One tap's rows of col2im with stride 1 along the row: {@code x[s + r xs + q] += col[d + r ow + q]} for r in
     * [0, rows) and q in [lo, hi) (the columns' rows are ow long; zero padding's q outside [lo, hi) are dropped).
     * Values of x before {@code end} that are not added to may be read and written back unchanged (so no other
     * thread may write them meanwhile); x from {@code end} on is left alone.
     */
    default void addTapRows(float[] col, int d, int rows, int ow, float[] x, int s, int xs, int lo, int hi, int end) {
        for (int r = 0; r < rows; r++) {
            int c = d + r * ow, xr = s + r * xs;
            for (int q = lo; q < hi; q++) x[xr + q] += col[c + q];
        }
    }

    /**
     * col2im of one channel plane with stride 1: adds the column rows of the plane's kh kw taps back to its pixels,
     * {@code x[xOff + iy w + ix] += col[c0 + (i kw + j) ld + oy ow + q]} for every tap (i, j) and output pixel
     * (oy, q) with iy = oy + i dh - ph and ix = q + j dw - pw inside the h x w plane, the taps in order (i, then j),
     * so each pixel adds its values in the order of one tap at a time over the plane. Values of x before
     * {@code end} that are not added to may be read and written back unchanged; x from {@code end} on is left
     * alone.
     */
    default void addTapPlane(float[] col, int c0, int ld, int oh, int ow, int kh, int kw, int dh, int dw, int ph,
                             int pw, float[] x, int xOff, int h, int w, int end) {
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int cr = c0 + (i * kw + j) * ld;
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy + i * dh - ph;
                    if (iy < 0 || iy >= h) continue;
                    for (int q = 0; q < ow; q++) {
                        int ix = q + j * dw - pw;
                        if (ix >= 0 && ix < w) x[xOff + iy * w + ix] += col[cr + oy * ow + q];
                    }
                }
            }
        }
    }

    /** {@code out[i] = exp(x[i])}. */
    void exp(int n, float[] x, int xOff, float[] out, int outOff);

    /** The kernels of the current {@link ExecutionContext} (by default SIMD when available). */
    static Kernels get() {
        return ExecutionContext.current().kernels();
    }
}
