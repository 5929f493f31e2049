package dev.nabla.optim;

import dev.nabla.InputException;
import dev.nabla.nn.Parameter;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The proximal operators against their closed forms, and the proximal and subgradient steps of ProxSGD. */
class ProxSGDTest {

    @Test
    void softThresholdingShrinksEveryWeightByTheStepAndZeroesThoseWithinIt() {
        NDArray w = NDArray.of(new double[] {3, -3, 0.5, -0.5, 1, 0}, 6);
        Penalty.l1(2).prox(w, 0.5); // threshold t = lr * lambda = 1
        assertArrayEquals(new double[] {2, -2, 0, 0, 0, 0}, w.toDoubleArray());
    }

    @Test
    void softThresholdingIsTheMinimizerOfTheProximalObjective() {
        // prox_t(v) = argmin_x t|x| + (x - v)^2 / 2: compare with a fine grid search, per coordinate
        Random r = new Random(7);
        double t = 0.3;
        for (int k = 0; k < 50; k++) {
            double v = 2 * r.nextGaussian();
            NDArray w = NDArray.of(new double[] {v}, 1);
            Penalty.l1(t).prox(w, 1);
            double best = Double.NaN, bestF = Double.POSITIVE_INFINITY;
            for (double x = -8; x <= 8; x += 1e-4) {
                double f = t * Math.abs(x) + (x - v) * (x - v) / 2;
                if (f < bestF) {
                    bestF = f;
                    best = x;
                }
            }
            assertEquals(best, w.toDoubleArray()[0], 1e-4, "v = " + v);
        }
    }

    @Test
    void groupShrinkageScalesEachRowTowardZeroAndZeroesRowsWithNormWithinTheStep() {
        // rows [3, 4] (norm 5) and [0.6, 0.8] (norm 1); t = 2.5: the first is scaled by 1 - 2.5/5, the second zeroed
        NDArray w = NDArray.of(new double[] {3, 4, 0.6, 0.8}, 2, 2);
        Penalty.group(5).prox(w, 0.5);
        assertArrayEquals(new double[] {1.5, 2, 0, 0}, w.toDoubleArray(), 1e-15);
    }

    @Test
    void groupShrinkageIsTheMinimizerOfTheProximalObjectiveInFloat32() {
        // prox_t(v) = argmin_x t ||x|| + ||x - v||^2 / 2 = v * max(0, 1 - t/||v||): check optimality of the result
        // against small perturbations of it, row by row
        Random r = new Random(11);
        int rows = 6, cols = 3;
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        NDArray w = NDArray.of(v.clone(), rows, cols);
        double t = 1.2;
        Penalty.group(t).prox(w, 1);
        float[] x = w.toFloatArray();
        for (int row = 0; row < rows; row++) {
            double[] vr = new double[cols], xr = new double[cols];
            for (int j = 0; j < cols; j++) {
                vr[j] = v[row * cols + j];
                xr[j] = x[row * cols + j];
            }
            double f = objective(xr, vr, t);
            for (int k = 0; k < 200; k++) {
                double[] y = xr.clone();
                for (int j = 0; j < cols; j++) y[j] += 1e-3 * r.nextGaussian();
                assertTrue(objective(y, vr, t) >= f - 1e-6, "row " + row + " is not the minimizer");
            }
        }
    }

    private static double objective(double[] x, double[] v, double t) {
        double norm = 0, dist = 0;
        for (int j = 0; j < x.length; j++) {
            norm += x[j] * x[j];
            dist += (x[j] - v[j]) * (x[j] - v[j]);
        }
        return t * Math.sqrt(norm) + dist / 2;
    }

    @Test
    void proximalStepIsAGradientStepThenTheOperatorAndLeavesTheUnpenalizedGroupAlone() {
        Parameter w = new Parameter(NDArray.of(new float[] {1f, -2f, 0.25f}, 3));
        Parameter b = new Parameter(NDArray.of(new float[] {0.5f}, 1));
        ProxSGD opt = new ProxSGD(List.of(ParamGroup.of(Map.of("W", w)), ParamGroup.of(Map.of("b", b))), 0.5, 0,
                List.of(Penalty.l1(1), Penalty.NONE), true);
        w.tensor().setGrad(NDArray.of(new float[] {0.5f, 0.5f, 0f}, 3));
        b.tensor().setGrad(NDArray.of(new float[] {1f}, 1));
        opt.step();
        // gradient step: [0.75, -2.25, 0.25]; soft threshold at 0.5: [0.25, -1.75, 0]
        assertArrayEquals(new float[] {0.25f, -1.75f, 0f}, w.value().toFloatArray());
        assertArrayEquals(new float[] {0f}, b.value().toFloatArray());
    }

    @Test
    void subgradientStepAddsLambdaTimesSignAndCrossesZeroInsteadOfStoppingThere() {
        Parameter w = new Parameter(NDArray.of(new float[] {0.25f, -1f}, 2));
        ProxSGD opt = new ProxSGD(List.of(ParamGroup.of(Map.of("W", w))), 0.5, 0, List.of(Penalty.l1(1)), false);
        NDArray grad = NDArray.of(new float[] {0f, 0f}, 2);
        w.tensor().setGrad(grad);
        opt.step();
        // w - lr * lambda * sign(w): [0.25 - 0.5, -1 + 0.5]
        assertArrayEquals(new float[] {-0.25f, -0.5f}, w.value().toFloatArray());
        assertArrayEquals(new float[] {0f, 0f}, w.tensor().grad().toFloatArray(), "the loss's gradient is left as it was");
    }

    @Test
    void penaltyTextRoundTripsAndBadTextIsRefused() {
        assertEquals(Penalty.l1(1e-4), Penalty.parse(Penalty.l1(1e-4).toString()));
        assertEquals("l1:0.0001", Penalty.l1(1e-4).toString());
        assertEquals(Penalty.group(0.5), Penalty.parse("group:0.5"));
        assertEquals(Penalty.NONE, Penalty.parse("none"));
        assertNull(Penalty.parse("l2:1"));
        assertNull(Penalty.parse("l1:-1"));
        assertThrows(InputException.class, () -> new ProxSGD(List.of(ParamGroup.of(Map.of())), 0.1, 0, List.of(), true));
    }
}
