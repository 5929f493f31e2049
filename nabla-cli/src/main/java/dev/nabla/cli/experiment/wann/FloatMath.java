package dev.nabla.cli.experiment.wann;

/**
 * The transcendental functions the forward pass needs, in plain float arithmetic: a range reduction and a
 * polynomial each, accurate to a few units in the last place of a float over the ranges that matter (absolute
 * error below 1e-6 for tanh and the sigmoid, relative error below 1e-6 for exp, sin and cos). Java's float
 * arithmetic is the same on every JVM, interpreted or compiled, so a search stays reproducible bit for bit; the
 * StrictMath versions gave the same guarantee at several times the cost, and they were most of a generation's
 * time (the log-likelihood alone takes ten exponentials per image and weight value).
 */
final class FloatMath {

    private FloatMath() {
    }

    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145752f; // ln 2 in two parts: k * LN2_HI is exact for |k| < 2^11
    private static final float LN2_LO = 1.42860677e-6f;
    private static final float PI = 3.14159265f;

    /**
     * {@code e^x}; 0 below -87.3 (where the float result would be subnormal), infinity above 88.7, NaN for NaN.
     */
    static float exp(float x) {
        if (!(x > -87.3f)) return x != x ? x : 0f;
        if (x > 88.7f) return Float.POSITIVE_INFINITY;
        float k = (float) Math.rint(x * LOG2E);
        float r = (x - k * LN2_HI) - k * LN2_LO; // |r| <= ln 2 / 2
        float p = 1f + r * (1f + r * (1f / 2 + r * (1f / 6 + r * (1f / 24 + r * (1f / 120 + r * (1f / 720))))));
        int e = (int) k; // in [-126, 128]; 2^128 is not a float, so the last step scales in two
        return e > 127 ? p * 0x1p127f * 2f : p * Float.intBitsToFloat((e + 127) << 23);
    }

    /** {@code sin(pi x)}: {@code x = n + r} with n the nearest integer, then {@code (-1)^n sin(pi r)}. */
    static float sinPi(float x) {
        float n = (float) Math.rint(x);
        float r = x - n, t = PI * r, t2 = t * t; // |t| <= pi / 2
        float s = t * (1f + t2 * (-1f / 6 + t2 * (1f / 120 + t2 * (-1f / 5040 + t2 * (1f / 362880 + t2 * (-1f / 39916800))))));
        return odd(n) ? -s : s;
    }

    /** {@code cos(pi x)}, reduced as {@link #sinPi}. */
    static float cosPi(float x) {
        float n = (float) Math.rint(x);
        float r = x - n, t = PI * r, t2 = t * t;
        float c = 1f + t2 * (-1f / 2 + t2 * (1f / 24 + t2 * (-1f / 720 + t2 * (1f / 40320 + t2 * (-1f / 3628800 + t2 * (1f / 479001600))))));
        return odd(n) ? -c : c;
    }

    /** Whether the whole number {@code n} is odd (false for infinities and NaN, where the result is NaN anyway). */
    private static boolean odd(float n) {
        return Math.abs(n) < 0x1p24f && (((int) n) & 1) != 0;
    }

    /** {@code tanh(x) = sign(x) (1 - 2 / (e^{2|x|} + 1))}; exactly {@code +-1} beyond |x| = 10. */
    static float tanh(float x) {
        float a = Math.abs(x);
        if (a > 10f) return Math.copySign(1f, x);
        float t = 1f - 2f / (exp(2f * a) + 1f);
        return Math.copySign(t, x);
    }

    /** The logistic function {@code 1 / (1 + e^-x)}. */
    static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }
}
