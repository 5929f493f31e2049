package dev.nabla.cli.experiment;

import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.ImageSet;
import dev.nabla.nn.CirculantMatrix;
import dev.nabla.nn.LayerOps;
import dev.nabla.nn.Window;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The convolution lesson, measured in float64: a circular-padding convolution equals multiplication by the doubly
 * block-circulant matrix of its kernel ({@link CirculantMatrix}); shifting the input circularly shifts the output
 * the same way; and pooling after the convolution makes the features change less, the larger the pool, until
 * global pooling does not change at all.
 */
final class ShiftLesson {
    /** Kernel sides checked against their matrices. */
    static final int[] KERNELS = {3, 5};
    /** Shifts (rows, columns) checked for equivariance. */
    static final int[][] SHIFTS = {{1, 0}, {0, 3}, {2, -5}, {-6, 6}};
    /** The poolings compared for invariance: none, max pool 2, 4 and 14 (of 28 x 28 images), global average. */
    static final List<String> POOLINGS = List.of("no pooling", "max pool 2", "max pool 4", "max pool 14", "global average pool");

    /**
     * @param matrixError        per kernel side: max |conv(x) - M x| over the trials
     * @param equivarianceError  max |conv(roll(x)) - roll(conv(x))| over kernels, trials and {@link #SHIFTS}
     * @param relativeChange     per pooling: for shifts 0..maxShift, the mean over images of
     *                           ||f(roll(x, 0, s)) - f(x)|| / ||f(x)|| with f = pool(relu(conv(x)))
     */
    record Result(int side, int trials, Map<Integer, Double> matrixError, double equivarianceError, int channels,
                  int images, Map<String, double[]> relativeChange) {
    }

    private ShiftLesson() {
    }

    /**
     * Runs the checks on {@code trials} random kernels and random side x side images (side a multiple of 4), and
     * the pooling comparison on the first {@code images} of {@code digits} with {@code channels} random 3x3
     * kernels, for shifts 0..{@code maxShift}.
     */
    @SuppressWarnings("try") // the Grad scope is used for its effect
    static Result run(int side, int trials, ImageSet digits, int images, int channels, int maxShift, long seed) {
        Random rng = new Random(seed);
        Map<Integer, Double> matrixError = new LinkedHashMap<>();
        double equivariance = 0;
        try (var off = Grad.disabled()) {
            for (int k : KERNELS) {
                Window same = circular(k);
                double worst = 0;
                for (int t = 0; t < trials; t++) {
                    NDArray w = NDArray.randn(rng, DType.F64, 1, 1, k, k), x = NDArray.randn(rng, DType.F64, 1, 1, side, side);
                    NDArray y = conv(x, w, same);
                    NDArray viaMatrix = CirculantMatrix.of(w, side, side, same).matmul(x.reshape(side * side, 1)).reshape(1, 1, side, side);
                    worst = Math.max(worst, maxAbsDiff(y, viaMatrix));
                    for (int[] s : SHIFTS) {
                        NDArray shiftedFirst = conv(CirculantMatrix.roll(x, s[0], s[1]), w, same);
                        equivariance = Math.max(equivariance, maxAbsDiff(shiftedFirst, CirculantMatrix.roll(y, s[0], s[1])));
                    }
                }
                matrixError.put(k, worst);
            }
            Map<String, double[]> change = poolingChange(digits, images, channels, maxShift, rng);
            return new Result(side, trials, matrixError, equivariance, channels, images, change);
        }
    }

    /**
     * Digits per pass of the pooling comparison: a pass's float64 feature maps (8 channels of 28 x 28 per digit)
     * stay about a megabyte, where all 200 digits at once made 10 MB arrays for each of 8 passes, which the JVM
     * kept as garbage in its old generation.
     */
    static final int CHUNK = 25;

    private static Map<String, double[]> poolingChange(ImageSet digits, int images, int channels, int maxShift, Random rng) {
        int rows = digits.rows(), cols = digits.cols();
        Window same = circular(3);
        NDArray w = NDArray.randn(rng, DType.F64, channels, 1, 3, 3);
        double[][] sums = new double[POOLINGS.size()][maxShift + 1];
        for (int from = 0; from < images; from += CHUNK) {
            int count = Math.min(CHUNK, images - from);
            float[] px = Arrays.copyOfRange(digits.pixels(), from * rows * cols, (from + count) * rows * cols);
            NDArray x = NDArray.of(px, count, 1, rows, cols).to(DType.F64);
            List<NDArray> base = features(x, w, same);
            for (int s = 0; s <= maxShift; s++) {
                List<NDArray> moved = features(CirculantMatrix.roll(x, 0, s), w, same);
                for (int p = 0; p < POOLINGS.size(); p++) {
                    sums[p][s] = addRelativeChanges(sums[p][s], base.get(p), moved.get(p), count);
                }
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int p = 0; p < POOLINGS.size(); p++) {
            double[] mean = sums[p];
            for (int s = 0; s <= maxShift; s++) mean[s] /= images;
            out.put(POOLINGS.get(p), mean);
        }
        return out;
    }

    /** relu(conv(x)) under each of {@link #POOLINGS}, in that order. */
    private static List<NDArray> features(NDArray x, NDArray w, Window same) {
        Tensor r = LayerOps.conv2d(Tensor.of(x), Tensor.of(w), null, same, 1).relu();
        List<NDArray> f = new ArrayList<>();
        f.add(r.value());
        f.add(LayerOps.maxPool2d(r, Window.square(2, 2, 0)).value());
        f.add(LayerOps.maxPool2d(r, Window.square(4, 4, 0)).value());
        f.add(LayerOps.maxPool2d(r, Window.square(14, 14, 0)).value());
        f.add(LayerOps.globalAvgPool(r).value());
        return f;
    }

    /** {@code sum} plus ||b - a|| / ||a|| of each image (first axis), added one image after another. */
    private static double addRelativeChanges(double sum, NDArray a, NDArray b, int images) {
        double[] x = a.contiguous().toDoubleArray(), y = b.contiguous().toDoubleArray();
        int per = x.length / images;
        for (int i = 0; i < images; i++) {
            double d = 0, n = 0;
            for (int j = i * per; j < (i + 1) * per; j++) {
                d += (y[j] - x[j]) * (y[j] - x[j]);
                n += x[j] * x[j];
            }
            sum += n == 0 ? 0 : Math.sqrt(d / n);
        }
        return sum;
    }

    private static Window circular(int k) {
        return new Window(k, k, 1, 1, k / 2, k / 2, 1, 1, Window.Padding.CIRCULAR);
    }

    private static NDArray conv(NDArray x, NDArray w, Window window) {
        return LayerOps.conv2d(Tensor.of(x), Tensor.of(w), null, window, 1).value();
    }

    static double maxAbsDiff(NDArray a, NDArray b) {
        double[] x = a.contiguous().toDoubleArray(), y = b.contiguous().toDoubleArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }
}
