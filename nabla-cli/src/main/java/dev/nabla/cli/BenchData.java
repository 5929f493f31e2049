package dev.nabla.cli;

import dev.nabla.datasets.mnist.Mnist;
import java.nio.file.Path;
import java.util.Arrays;

/** Small helpers of the benchmark commands: timing MNIST reads, medians. */
final class BenchData {

    private BenchData() {
    }

    /** Seconds of {@code 1 + repeat} successive {@link Mnist#load} calls: [first, then each later one]. */
    static double[] readTimes(Path dir, int repeat) {
        double[] t = new double[1 + repeat];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            Mnist.load(dir);
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        return t;
    }

    /** The median; for an even count the mean of the middle two. */
    static double median(double[] xs) {
        if (xs.length == 0) throw new IllegalArgumentException("median of no values");
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
