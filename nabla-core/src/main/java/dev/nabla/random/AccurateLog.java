package dev.nabla.random;

/**
 * The natural logarithm, correctly rounded to double in all but astronomically rare cases: it is evaluated in
 * double-double arithmetic (about 104 bits) and then rounded once.
 *
 * <p>Why: numpy's {@code randn} calls the C library's {@code log}, which on glibc is accurate to about half an
 * ulp, i.e. nearly always correctly rounded. Java's {@code Math.log} differs from it in about 1 of 1,000 calls
 * and {@code StrictMath.log} (fdlibm) in about 7 of 100; each difference changes a drawn weight in its last bit.
 * A correctly rounded log agrees with glibc wherever glibc is correctly rounded.
 *
 * <p>Method: {@code x = 2^k * m} with {@code m} in [sqrt(1/2), sqrt(2)); {@code log m = 2 atanh(s)} with
 * {@code s = (m - 1) / (m + 1)}, {@code |s| < 0.172}, summed as {@code 2 s (1 + s^2/3 + s^4/5 + ...)} in
 * double-double; {@code log x = k ln2 + log m}.
 */
final class AccurateLog {

    private static final double SQRT2 = Math.sqrt(2.0);
    /** Terms of the atanh series: s^2 < 0.0295, so the 24th term is below 2^-120 of the first. */
    private static final int TERMS = 24;
    /** 1/(2n+1) as double-double pairs {hi, lo}. */
    private static final double[] INV_HI = new double[TERMS];
    private static final double[] INV_LO = new double[TERMS];
    private static final double LN2_HI;
    private static final double LN2_LO;

    static {
        for (int n = 0; n < TERMS; n++) {
            double d = 2 * n + 1;
            INV_HI[n] = 1.0 / d;
            INV_LO[n] = Math.fma(-INV_HI[n], d, 1.0) / d;
        }
        // ln 2 = 2 atanh(1/3); s^2 = 1/9 needs more terms than the main loop, so sum it here once
        double sh = 1.0 / 3.0;
        double sl = Math.fma(-sh, 3.0, 1.0) / 3.0;
        double[] r = atanh(sh, sl, 40);
        LN2_HI = r[0];
        LN2_LO = r[1];
    }

    private AccurateLog() {
    }

    /** log(x) for positive finite x; other arguments go to {@link Math#log}. */
    static double log(double x) {
        if (!(x > 0) || x == Double.POSITIVE_INFINITY || Double.isNaN(x)) return Math.log(x);
        int k = 0;
        if (x < Double.MIN_NORMAL) {
            x *= 0x1p54;
            k = -54;
        }
        int e = Math.getExponent(x);
        double m = Math.scalb(x, -e);
        k += e;
        if (m > SQRT2) {
            m *= 0.5;
            k++;
        }
        if (m == 1.0) return ddAddToDouble(k, 0, 0);

        // s = (m - 1) / (m + 1): m - 1 is exact (Sterbenz); m + 1 is kept as an exact pair
        double num = m - 1.0;
        double dh = m + 1.0;
        double dl = (m - (dh - 1.0)) + (1.0 - (dh - (dh - 1.0)));
        double q1 = num / dh;
        double rem = Math.fma(-q1, dh, num) - q1 * dl;
        double q2 = rem / dh;
        double sh = q1 + q2;
        double sl = q2 - (sh - q1);

        double[] lm = atanh(sh, sl, TERMS);
        return ddAddToDouble(k, lm[0], lm[1]);
    }

    /** k ln2 + (h + l), rounded once. */
    private static double ddAddToDouble(int k, double h, double l) {
        // k ln2 as a pair: k is small (|k| <= 1075), so the product of k and LN2_HI is exact up to one fma term
        double ph = k * LN2_HI;
        double pl = Math.fma(k, LN2_HI, -ph) + k * LN2_LO;
        double s = ph + h;
        double bb = s - ph;
        double err = (ph - (s - bb)) + (h - bb);
        err += pl + l;
        return s + err;
    }

    /** 2 atanh(s) for the pair s = (sh, sl), by {@code terms} terms of its series, as a pair {hi, lo}. */
    private static double[] atanh(double sh, double sl, int terms) {
        // s2 = s * s
        double s2h = sh * sh;
        double s2l = Math.fma(sh, sh, -s2h) + 2 * sh * sl;
        double t = s2h + s2l;
        s2l = s2l - (t - s2h);
        s2h = t;

        // Horner: p = sum 1/(2n+1) s2^n, all in double-double
        double ph = inv(terms - 1, true);
        double pl = inv(terms - 1, false);
        for (int n = terms - 2; n >= 0; n--) {
            // p = p * s2
            double mh = ph * s2h;
            double ml = Math.fma(ph, s2h, -mh) + (ph * s2l + pl * s2h);
            // p = p + 1/(2n+1)
            double ah = inv(n, true);
            double al = inv(n, false);
            double sum = mh + ah;
            double bb = sum - mh;
            double err = (mh - (sum - bb)) + (ah - bb) + ml + al;
            ph = sum + err;
            pl = err - (ph - sum);
        }
        // 2 s p
        double rh = sh * ph;
        double rl = Math.fma(sh, ph, -rh) + (sh * pl + sl * ph);
        double h = rh + rl;
        double l = rl - (h - rh);
        return new double[] {2 * h, 2 * l};
    }

    private static double inv(int n, boolean hi) {
        if (n < TERMS) return hi ? INV_HI[n] : INV_LO[n];
        // only the constant's one-time evaluation needs more terms than the table holds
        double d = 2 * n + 1;
        double h = 1.0 / d;
        return hi ? h : Math.fma(-h, d, 1.0) / d;
    }
}
