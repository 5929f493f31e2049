package dev.nabla.kernel;

/**
 * Plain-Java kernels: the reference every faster implementation is tested against, and the fallback when
 * the Vector API is absent. Loops are written in the order that walks memory contiguously (i-k-j for GEMM).
 */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    /**
     * Outputs [ox0, ox1) of output row oy of one plane of 2x2 max pooling (the plane at {@code src} of x, w wide),
     * stored from {@code at} of y and arg, by the rule of {@link Kernels#maxPool2x2}: the vector kernels' edges
     * use it so that they keep that rule exactly.
     */
    public static void maxPool2x2Row(float[] x, int src, int w, int oy, int ox0, int ox1, float[] y, int[] arg,
                                     int at) {
        for (int ox = ox0; ox < ox1; ox++, at++) {
            int t = 2 * oy * w + 2 * ox, win = t;
            float best = x[src + t];
            for (int tap = 1; tap < 4; tap++) {
                int dt = (tap >> 1) * w + (tap & 1);  // (0, 1), (1, 0), (1, 1)
                float v = x[src + t + dt];
                if (best == best && (v > best || v != v)) {
                    best = v;
                    win = t + dt;
                }
            }
            y[at] = best;
            arg[at] = win;
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Parallel.forRange(m, Math.max(1, 4096 / Math.max(1, n * Math.max(1, k) / 64 + 1)), (lo, hi) -> {
            float[] row = new float[n];
            for (int i = lo; i < hi; i++) {
                java.util.Arrays.fill(row, 0f);
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (av == 0f) continue;
                    if (transB) {
                        for (int j = 0; j < n; j++) row[j] += av * b[bOff + j * ldb + p];
                    } else {
                        int bRow = bOff + p * ldb;
                        for (int j = 0; j < n; j++) row[j] += av * b[bRow + j];
                    }
                }
                int cRow = cOff + i * ldc;
                if (beta == 0f) {
                    for (int j = 0; j < n; j++) c[cRow + j] = alpha * row[j];
                } else {
                    for (int j = 0; j < n; j++) c[cRow + j] = alpha * row[j] + beta * c[cRow + j];
                }
            }
        });
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    @Override
    public float sum(int n, float[] x, int xOff) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[xOff + i];
        return s;
    }

    @Override
    public void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
    }

    @Override
    public void mul(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i];
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = alpha * x[xOff + i];
    }

    @Override
    public void sigmoid(int n, float[] x, int xOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) (1.0 / (1.0 + Math.exp(-x[xOff + i])));
    }

    @Override
    public void sigmoidBackward(int n, float[] g, int gOff, float[] s, int sOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            float si = s[sOff + i];
            out[outOff + i] = g[gOff + i] * si * (1f - si);
        }
    }

    @Override
    public void relu(int n, float[] x, int xOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = Math.max(x[xOff + i], 0f);
    }

    @Override
    public void exp(int n, float[] x, int xOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.exp(x[xOff + i]);
    }
}
