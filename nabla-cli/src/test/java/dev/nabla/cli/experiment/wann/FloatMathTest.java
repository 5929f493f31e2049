package dev.nabla.cli.experiment.wann;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatMathTest {

    /** Points spread over [lo, hi], ends included. */
    private static float[] grid(float lo, float hi, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * i / (n - 1);
        return x;
    }

    @Test
    void expMatchesStrictMathToSixDigitsAndSaturates() {
        for (float x : grid(-87f, 88.7f, 20001)) {
            double want = StrictMath.exp(x);
            assertEquals(want, FloatMath.exp(x), 1e-6 * want, "exp(" + x + ")");
        }
        assertEquals(1f, FloatMath.exp(0f));
        assertEquals(0f, FloatMath.exp(-100f));
        assertEquals(Float.POSITIVE_INFINITY, FloatMath.exp(100f));
        assertEquals(0f, FloatMath.exp(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(FloatMath.exp(Float.NaN)));
    }

    @Test
    void sinAndCosOfPiXMatchStrictMath() {
        for (float x : grid(-50f, 50f, 40001)) {
            assertEquals(StrictMath.sin(Math.PI * x), FloatMath.sinPi(x), 2e-6, "sin(pi " + x + ")");
            assertEquals(StrictMath.cos(Math.PI * x), FloatMath.cosPi(x), 2e-6, "cos(pi " + x + ")");
        }
        assertEquals(-1f, FloatMath.cosPi(1f), 1e-6);
        assertEquals(1f, FloatMath.sinPi(0.5f), 1e-6);
        assertEquals(0f, FloatMath.sinPi(3f), 0f);
        assertTrue(Float.isNaN(FloatMath.sinPi(Float.POSITIVE_INFINITY)));
        assertTrue(Float.isNaN(FloatMath.cosPi(Float.NaN)));
    }

    @Test
    void tanhAndSigmoidMatchStrictMath() {
        for (float x : grid(-30f, 30f, 30001)) {
            assertEquals(StrictMath.tanh(x), FloatMath.tanh(x), 1e-6, "tanh(" + x + ")");
            assertEquals(1 / (1 + StrictMath.exp(-x)), FloatMath.sigmoid(x), 1e-6, "sigmoid(" + x + ")");
        }
        assertEquals(1f, FloatMath.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, FloatMath.tanh(-20f));
        assertEquals(0.5f, FloatMath.sigmoid(0f));
        assertEquals(0f, FloatMath.sigmoid(-200f));
        assertEquals(1f, FloatMath.sigmoid(200f));
    }
}
