package dev.nabla.cli.experiment;

import dev.nabla.data.ImageSet;

import java.util.SplittableRandom;

/**
 * The randomization tests of Zhang et al., "Understanding deep learning requires rethinking generalization"
 * (ICLR 2017), applied to an {@link ImageSet}. Each returns a new set; the input is not changed.
 */
public final class Corruption {
    private Corruption() {}

    /** Independently with probability {@code p}, each label is replaced by a uniformly random class. */
    public static ImageSet randomLabels(ImageSet set, double p, long seed) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("label corruption probability must be in [0, 1], got " + p);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] labels = set.labels().clone();
        for (int i = 0; i < labels.length; i++) {
            // draw both numbers for every image so that the corrupted subsets of different p are nested
            double u = rng.nextDouble();
            int c = rng.nextInt(set.classes());
            if (u < p) labels[i] = c;
        }
        return new ImageSet(set.pixels(), labels, set.count(), set.rows(), set.cols(), set.classes());
    }

    /** One random permutation of the pixel positions, the same for every image (and for the test set given the same seed). */
    public static ImageSet shuffledPixels(ImageSet set, long seed) {
        int[] perm = permutation(set.features(), new SplittableRandom(seed));
        return permuteEach(set, i -> perm);
    }

    /** A different random permutation of the pixel positions for each image. */
    public static ImageSet randomPixels(ImageSet set, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return permuteEach(set, i -> permutation(set.features(), rng));
    }

    /** Pixels replaced by Gaussian noise with the data set's mean and standard deviation. */
    public static ImageSet gaussianPixels(ImageSet set, long seed) {
        float[] px = set.pixels();
        double sum = 0, sq = 0;
        for (float v : px) { sum += v; sq += (double) v * v; }
        double mean = sum / px.length, std = Math.sqrt(Math.max(sq / px.length - mean * mean, 0));
        java.util.Random rng = new java.util.Random(seed);
        float[] out = new float[px.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (mean + std * rng.nextGaussian());
        return new ImageSet(out, set.labels(), set.count(), set.rows(), set.cols(), set.classes());
    }

    private static ImageSet permuteEach(ImageSet set, java.util.function.IntFunction<int[]> permFor) {
        int f = set.features();
        float[] src = set.pixels(), out = new float[src.length];
        for (int i = 0; i < set.count(); i++) {
            int[] perm = permFor.apply(i);
            int base = i * f;
            for (int j = 0; j < f; j++) out[base + j] = src[base + perm[j]];
        }
        return new ImageSet(out, set.labels(), set.count(), set.rows(), set.cols(), set.classes());
    }

    private static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }
}
