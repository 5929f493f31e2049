package dev.nabla.train;

import dev.nabla.data.ImageSet;
import dev.nabla.datasets.mnist.MnistSplits;

import java.util.Random;

/** Small labelled data for fast tests: Gaussian clusters, one per class, in {@code features} dimensions. */
final class Synthetic {
    static final int FEATURES = 20;
    static final int CLASSES = 4;

    private Synthetic() {}

    static Splits data(long seed) {
        MnistSplits s = splits(seed);
        return Splits.of(s.train(), s.validation(), s.test());
    }

    static MnistSplits splits(long seed) {
        Random r = new Random(seed);
        float[][] centers = new float[CLASSES][FEATURES];
        for (float[] c : centers) for (int j = 0; j < FEATURES; j++) c[j] = (float) r.nextGaussian();
        return new MnistSplits(set(600, centers, r), set(200, centers, r), set(200, centers, r));
    }

    private static ImageSet set(int count, float[][] centers, Random r) {
        float[] px = new float[count * FEATURES];
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            y[i] = r.nextInt(CLASSES);
            for (int j = 0; j < FEATURES; j++) px[i * FEATURES + j] = centers[y[i]][j] + (float) (1.5 * r.nextGaussian());
        }
        return new ImageSet(px, y, count, 1, FEATURES, CLASSES);
    }
}
