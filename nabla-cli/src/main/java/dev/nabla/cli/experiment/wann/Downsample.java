package dev.nabla.cli.experiment.wann;

import dev.nabla.data.ImageSet;

/**
 * Shrinks images by area averaging: output pixel {@code (r, c)} of a {@code size x size} image covers the square
 * {@code [r * s, (r + 1) * s) x [c * s, (c + 1) * s)} of the input, {@code s = rows / size} (1.75 for MNIST's 28
 * to 16), and is the mean of the input over that square, each input pixel weighted by the area it shares with
 * it. A constant image stays constant and the mean brightness is kept. Done as two 1-D passes (rows, then
 * columns), since the box filter separates.
 */
public final class Downsample {

    private Downsample() {
    }

    /** {@code set} with every image shrunk to {@code size x size}; the images must be square and at least that big. */
    public static ImageSet square(ImageSet set, int size) {
        if (set.rows() != set.cols() || set.rows() < size || size < 1) {
            throw new IllegalArgumentException("cannot shrink " + set.rows() + "x" + set.cols() + " images to "
                    + size + "x" + size);
        }
        int n = set.rows(), f = n * n;
        double[][] w = weights(n, size);
        float[] out = new float[set.count() * size * size];
        double[] tmp = new double[size * n];
        float[] px = set.pixels();
        for (int img = 0; img < set.count(); img++) {
            int base = img * f;
            java.util.Arrays.fill(tmp, 0);
            for (int r = 0; r < size; r++) {
                for (int i = 0; i < n; i++) {
                    double wi = w[r][i];
                    if (wi == 0) continue;
                    for (int c = 0; c < n; c++) tmp[r * n + c] += wi * px[base + i * n + c];
                }
            }
            for (int r = 0; r < size; r++) {
                for (int c = 0; c < size; c++) {
                    double s = 0;
                    for (int j = 0; j < n; j++) s += w[c][j] * tmp[r * n + j];
                    out[img * size * size + r * size + c] = (float) s;
                }
            }
        }
        return new ImageSet(out, set.labels().clone(), set.count(), size, size, set.classes());
    }

    /** {@code w[r][i]}: the share of input row {@code i} in output row {@code r}; each row of w sums to 1. */
    static double[][] weights(int n, int size) {
        double s = (double) n / size;
        double[][] w = new double[size][n];
        for (int r = 0; r < size; r++) {
            double lo = r * s, hi = (r + 1) * s;
            for (int i = 0; i < n; i++) {
                double overlap = Math.min(hi, i + 1) - Math.max(lo, i);
                if (overlap > 0) w[r][i] = overlap / s;
            }
        }
        return w;
    }
}
