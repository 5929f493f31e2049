package dev.nabla.kernel;

import java.util.SplittableRandom;

/** Seeded test inputs for the kernel tests. */
final class RandomFloats {
    private RandomFloats() {}

    /** {@code n} floats drawn uniformly from [-range, range) by {@code new SplittableRandom(seed)}. */
    static float[] uniform(int n, long seed, double range) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
        return x;
    }
}
