package dev.nabla.random;

/**
 * A copy of numpy's legacy generator {@code numpy.random.RandomState(seed)} (also what
 * {@code np.random.seed(seed)} sets up), so that nabla can draw the same initial weights and the same shuffles as
 * the course's numpy code. Raw words, uniform doubles, integers and permutations are bit-exact; normals are
 * bit-exact except as noted below.
 *
 * <p>The generator is the 32-bit Mersenne Twister MT19937. An integer seed fills its state as MT19937's
 * {@code init_genrand} does ({@code key[0] = seed; key[i] = 1812433253 * (key[i-1] ^ (key[i-1] >>> 30)) + i});
 * numpy uses the array-based {@code init_by_array} only for array seeds. On top of the raw 32-bit words:
 * <ul>
 *   <li>{@link #randomSample()}: {@code (a * 2^26 + b) / 2^53} with {@code a = next >>> 5}, {@code b = next >>> 6};
 *   <li>{@link #randn()}: the polar Box-Muller method, which makes two normals per accepted pair and returns the
 *       second one first, caching the other for the next call. The one library function involved, {@code log},
 *       is evaluated correctly rounded; numpy uses the C library's, which on glibc misrounds about 1 call in
 *       1,000 (by a hair past half an ulp), so about 1 normal in 3,000 differs from numpy's in its last bits
 *       (at most a few ulps; 104 of the first 300,000 for seed 7). The sequence never drifts apart: which
 *       pairs are accepted does not depend on {@code log};
 *   <li>{@link #randint(long, long)}: masked rejection sampling: draw words, keep the bits below the smallest
 *       all-ones mask that covers the range, reject values past the range;
 *   <li>{@link #shuffle(int[])}: Fisher-Yates from the last element down, each index drawn by the same masked
 *       rejection (numpy's {@code random_interval}).
 * </ul>
 * Not thread-safe; give each thread its own instance.
 */
public final class NumpyRandom {

    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] mt = new int[N];
    private int pos;
    private boolean hasGauss;
    private double gauss;

    /**
     * The generator of {@code numpy.random.RandomState(seed)}.
     *
     * @param seed 0 to 2^32 - 1, as numpy requires
     */
    public NumpyRandom(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new IllegalArgumentException("seed must be between 0 and 2**32 - 1, got " + seed);
        }
        int s = (int) seed;
        for (int i = 0; i < N; i++) {
            mt[i] = s;
            s = 1812433253 * (s ^ (s >>> 30)) + i + 1;
        }
        pos = N;
    }

    /** The next raw 32-bit word of MT19937, as an unsigned value in an int. */
    public int nextInt32() {
        if (pos >= N) twist();
        int y = mt[pos++];
        // tempering
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void twist() {
        int k = 0;
        for (; k < N - M; k++) {
            int y = (mt[k] & UPPER_MASK) | (mt[k + 1] & LOWER_MASK);
            mt[k] = mt[k + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        for (; k < N - 1; k++) {
            int y = (mt[k] & UPPER_MASK) | (mt[k + 1] & LOWER_MASK);
            mt[k] = mt[k + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
        mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        pos = 0;
    }

    private long nextUint32() {
        return nextInt32() & 0xffffffffL;
    }

    /** Two words, high word first, as numpy's {@code mt19937_next64}. */
    private long nextUint64() {
        long hi = nextUint32();
        return (hi << 32) | nextUint32();
    }

    /** {@code random_sample()}: a double in [0, 1) with 53 random bits. */
    public double randomSample() {
        long a = nextUint32() >>> 5;
        long b = nextUint32() >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /** {@code random_sample(n)}: n doubles in [0, 1). */
    public double[] randomSample(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = randomSample();
        return out;
    }

    /** {@code uniform(low, high)}: {@code low + (high - low) * random_sample()}. */
    public double uniform(double low, double high) {
        return low + (high - low) * randomSample();
    }

    /** {@code randn()} / {@code standard_normal()}: one standard normal value. */
    public double randn() {
        if (hasGauss) {
            hasGauss = false;
            double g = gauss;
            gauss = 0;
            return g;
        }
        double x1;
        double x2;
        double r2;
        do {
            x1 = 2.0 * randomSample() - 1.0;
            x2 = 2.0 * randomSample() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        // numpy calls the C library's log; a correctly rounded log agrees with glibc's in all but about 1 of
        // 1,000 calls (where glibc itself misrounds by a hair) and gives the same bits on every JVM
        double f = Math.sqrt(-2.0 * AccurateLog.log(r2) / r2);
        gauss = f * x1;
        hasGauss = true;
        return f * x2;
    }

    /** {@code randn(n)}: n standard normal values (for {@code randn(rows, cols)} the same values in C order). */
    public double[] randn(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = randn();
        return out;
    }

    /** {@code normal(loc, scale)}: {@code loc + scale * randn()}. */
    public double normal(double loc, double scale) {
        return loc + scale * randn();
    }

    /** {@code randint(high)}: an integer in [0, high). */
    public long randint(long high) {
        return randint(0, high);
    }

    /**
     * {@code randint(low, high)} with numpy's default int64 dtype: an integer in [low, high).
     *
     * @throws IllegalArgumentException when {@code low >= high}, as numpy does
     */
    public long randint(long low, long high) {
        if (low >= high) throw new IllegalArgumentException("low >= high (" + low + " >= " + high + ")");
        long rng = high - 1 - low; // inclusive range; fits an unsigned 64-bit value
        return low + bounded(rng);
    }

    /** {@code randint(low, high, size=n)}: the same values as n calls of {@link #randint(long, long)}. */
    public long[] randint(long low, long high, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = randint(low, high);
        return out;
    }

    /** A value in [0, rng] (rng unsigned) by masked rejection, 32-bit draws when rng fits 32 bits. */
    private long bounded(long rng) {
        if (rng == 0) return 0;
        long mask = mask(rng);
        if (Long.compareUnsigned(rng, 0xffffffffL) <= 0) {
            if (rng == 0xffffffffL) return nextUint32();
            long v;
            while ((v = nextUint32() & mask) > rng) {
                // rejected: draw again
            }
            return v;
        }
        if (rng == -1L) return nextUint64();
        long v;
        while (Long.compareUnsigned(v = nextUint64() & mask, rng) > 0) {
            // rejected: draw again
        }
        return v;
    }

    /** The smallest all-ones bit mask that is at least {@code max}. */
    private static long mask(long max) {
        long m = max;
        m |= m >>> 1;
        m |= m >>> 2;
        m |= m >>> 4;
        m |= m >>> 8;
        m |= m >>> 16;
        m |= m >>> 32;
        return m;
    }

    /** numpy's {@code random_interval(max)}: a value in [0, max] as the legacy shuffle draws it. */
    private long interval(long max) {
        if (max == 0) return 0;
        long mask = mask(max);
        long v;
        if (max <= 0xffffffffL) {
            while ((v = nextUint32() & mask) > max) {
                // rejected
            }
        } else {
            while (Long.compareUnsigned(v = nextUint64() & mask, max) > 0) {
                // rejected
            }
        }
        return v;
    }

    /** {@code shuffle(a)} in place, for a 1-d array: swaps a[i] with a[j], j drawn in [0, i], for i = n-1 .. 1. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i >= 1; i--) {
            int j = (int) interval(i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** {@code shuffle(a)} in place for a long array; same draws as {@link #shuffle(int[])}. */
    public void shuffle(long[] a) {
        for (int i = a.length - 1; i >= 1; i--) {
            int j = (int) interval(i);
            long t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** {@code permutation(n)}: {@code arange(n)} shuffled. */
    public int[] permutation(int n) {
        if (n < 0) throw new IllegalArgumentException("permutation size must be non-negative, got " + n);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        shuffle(p);
        return p;
    }
}
