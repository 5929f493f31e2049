package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.random.NumpyRandom;
import dev.nabla.tensor.NDArray;

import java.util.Locale;
import java.util.Random;

/**
 * How weight matrices are drawn; biases always start at 0. One {@code Init} serves a whole model: each
 * {@link #weight} call draws the next matrix, [in, out] in row-major order, as the course's numpy code draws it
 * ({@link Linear} stores its transpose, [out, in]).
 * <ul>
 *   <li>{@code numpy}: {@code 0.001 * NumpyRandom(seed).randn(in, out)}, re-seeded before each matrix, exactly
 *       as the course's starter code does
 *       ({@code np.random.seed(1024); W1 = 0.001 * np.random.randn(784, 128); np.random.seed(1024); W2 = ...});
 *       so W2 starts with the same values as W1.</li>
 *   <li>{@code normal} (alias {@code course}): 0.001 x N(0, 1) from one {@link java.util.Random}(seed) that runs
 *       on across matrices (the course's scale without its re-seeding).</li>
 *   <li>{@code xavier}: uniform on [-a, a], a = sqrt(6 / (in + out)) (Glorot and Bengio), keeps the variance of
 *       activations and gradients about equal across sigmoid/tanh layers.</li>
 *   <li>{@code kaiming}: N(0, 2 / in) (He et al.), the variance that keeps ReLU activations from shrinking.</li>
 * </ul>
 * Values are computed in float64 and rounded to float32.
 */
public final class Init {
    /** The names {@link #of} accepts. */
    public static final String NAMES = "numpy, course, normal, xavier, kaiming";

    private final String name;
    private final long seed;
    private final Random random; // normal, xavier, kaiming: one generator that runs on across matrices

    private Init(String name, long seed) {
        this.name = name;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** The course's numpy-identical scheme: 0.001 x randn, re-seeded with {@code seed} before each matrix. */
    public static Init numpy(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new InputException("init numpy: seed must be between 0 and 4294967295 (numpy's range), got " + seed);
        }
        return new Init("numpy", seed);
    }

    /** 0.001 x N(0, 1) from one {@code java.util.Random(seed)}. */
    public static Init normal(long seed) {
        return new Init("normal", seed);
    }

    /** Glorot uniform: U(-a, a) with a = sqrt(6 / (in + out)), from one {@code java.util.Random(seed)}. */
    public static Init xavier(long seed) {
        return new Init("xavier", seed);
    }

    /** He normal: N(0, 2 / in), from one {@code java.util.Random(seed)}. */
    public static Init kaiming(long seed) {
        return new Init("kaiming", seed);
    }

    /**
     * The scheme called {@code name} (case-insensitive; see {@link #NAMES}).
     *
     * @throws InputException for an unknown name
     */
    public static Init of(String name, long seed) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "numpy" -> numpy(seed);
            case "course", "normal" -> normal(seed);
            case "xavier" -> xavier(seed);
            case "kaiming" -> kaiming(seed);
            default -> throw new InputException("init: unknown scheme '" + name + "' (expected one of: " + NAMES + ")");
        };
    }

    /** The next weight matrix: [in, out] float32, drawn row-major. */
    public NDArray weight(int in, int out) {
        float[] w = new float[Math.multiplyExact(in, out)];
        switch (name) {
            case "numpy" -> {
                NumpyRandom r = new NumpyRandom(seed);
                for (int i = 0; i < w.length; i++) w[i] = (float) (0.001 * r.randn());
            }
            case "normal" -> {
                for (int i = 0; i < w.length; i++) w[i] = (float) (0.001 * random.nextGaussian());
            }
            case "xavier" -> {
                double a = Math.sqrt(6.0 / (in + out));
                for (int i = 0; i < w.length; i++) w[i] = (float) (a * (2 * random.nextDouble() - 1));
            }
            case "kaiming" -> {
                double s = Math.sqrt(2.0 / in);
                for (int i = 0; i < w.length; i++) w[i] = (float) (s * random.nextGaussian());
            }
            default -> throw new IllegalStateException(name);
        }
        return NDArray.of(w, in, out);
    }

    public String name() {
        return name;
    }

    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return name + "(seed=" + seed + ")";
    }
}
