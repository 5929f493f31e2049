package dev.nabla.random;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccurateLogTest {

    /** {x, log(x) rounded to nearest}, from Python's decimal module at 60 digits. */
    private static final double[][] CASES = {
            // glibc's log gives the neighbouring double for these four (0.50x ulp from the true value)
            {0.750704698149281, -0.2867429160648566},
            {0.31205029687993113, -1.1645908962167624},
            {0.644762623770706, -0.43887305508594043},
            {0.6200569955069696, -0.4779438769310936},
            {1.0, 0.0},
            {2.0, 0.6931471805599453},
            {0.5, -0.6931471805599453},
            {Double.MIN_VALUE, -744.4400719213812},
            {Double.MIN_NORMAL, -708.3964185322641},
            {Double.MAX_VALUE, 709.782712893384},
            {1e-300, -690.7755278982137},
            {0.9999999999999999, -1.1102230246251565e-16},
            {1.0000000000000002, 2.2204460492503128e-16},
            {10.0, 2.302585092994046},
            {123456.789, 11.723646487185881},
            {0.7071067811865476, -0.3465735902799726},
            {1.4142135623730951, 0.3465735902799727},
    };

    @Test
    void roundsToTheNearestDouble() {
        for (double[] c : CASES) assertEquals(c[1], AccurateLog.log(c[0]), 0.0, "log(" + c[0] + ")");
    }

    @Test
    void agreesWithMathLogToOneUlpOverTheUnitInterval() {
        SplittableRandom rnd = new SplittableRandom(11);
        int same = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double x = rnd.nextDouble();
            if (x == 0) continue;
            double a = AccurateLog.log(x);
            double m = Math.log(x);
            assertTrue(Math.abs(a - m) <= Math.ulp(m), "log(" + x + ") = " + a + " vs Math.log " + m);
            if (a == m) same++;
        }
        assertTrue(same > n * 0.99, same + " of " + n + " equal to Math.log");
    }

    @Test
    void passesSpecialValuesToMathLog() {
        assertEquals(Double.NEGATIVE_INFINITY, AccurateLog.log(0.0));
        assertTrue(Double.isNaN(AccurateLog.log(-1.0)));
        assertEquals(Double.POSITIVE_INFINITY, AccurateLog.log(Double.POSITIVE_INFINITY));
    }
}
