package dev.nabla.optim;

import dev.nabla.nn.Parameter;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AdamTest {

    private static Parameter param(double... v) {
        return new Parameter(NDArray.of(v, v.length));
    }

    @Test
    void theFirstStepMovesEachWeightByAboutLrAgainstTheSignOfItsGradient() {
        // t = 1: mHat = g, vHat = g^2, so the step is lr * g / (|g| + eps)
        Parameter w = param(1, -2, 3);
        Adam opt = new Adam(Map.of("W1", w), 0.1, 0.9, 0.999, 1e-8, 0);
        w.tensor().setGrad(NDArray.of(new double[] {0.5, -4, 1e-3}, 3));
        opt.step();
        double[] g = {0.5, -4, 1e-3};
        double[] w0 = {1, -2, 3};
        for (int i = 0; i < 3; i++) assertEquals(w0[i] - 0.1 * g[i] / (Math.abs(g[i]) + 1e-8), w.value().getFlat(i), 1e-15);
    }

    @Test
    void twoStepsMatchTheBiasCorrectedFormula() {
        Parameter w = param(0.0);
        Adam opt = new Adam(Map.of("W1", w), 0.01, 0.9, 0.99, 1e-8, 0);
        double[] grads = {1.0, 3.0};
        double m = 0, v = 0, x = 0;
        for (int t = 1; t <= 2; t++) {
            w.tensor().setGrad(NDArray.of(new double[] {grads[t - 1]}, 1));
            opt.step();
            m = 0.9 * m + 0.1 * grads[t - 1];
            v = 0.99 * v + 0.01 * grads[t - 1] * grads[t - 1];
            x -= 0.01 * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.99, t))) + 1e-8);
        }
        assertEquals(x, w.value().getFlat(0), 1e-15);
        Map<String, NDArray> s = opt.state();
        assertEquals(2.0, s.get("step").item());
        assertEquals(m, s.get("W1.m").getFlat(0), 1e-15);
        assertEquals(v, s.get("W1.v").getFlat(0), 1e-15);
    }

    @Test
    void coupledDecayGoesThroughTheMomentsAndDecoupledDecayShrinksTheWeight() {
        // zero gradient: Adam sees g = wd * W, so its first step is about lr; AdamW only shrinks W by lr * wd * W
        Parameter a = param(2.0), b = param(2.0), bias = param(2.0);
        Adam adam = new Adam(Map.of("W1", a), 0.1, 0.9, 0.999, 1e-8, 0.5);
        Adam adamW = new AdamW(List.of(ParamGroup.of(Map.of("W1", b)), ParamGroup.of(Map.of("b1", bias)).withWeightDecay(0)),
                0.1, 0.9, 0.999, 1e-8, 0.5);
        a.tensor().setGrad(NDArray.of(new double[] {0}, 1));
        b.tensor().setGrad(NDArray.of(new double[] {0}, 1));
        bias.tensor().setGrad(NDArray.of(new double[] {0}, 1));
        adam.step();
        adamW.step();
        assertEquals(2.0 - 0.1 * 1.0 / (1.0 + 1e-8), a.value().getFlat(0), 1e-15);
        assertEquals(2.0 * (1 - 0.1 * 0.5), b.value().getFlat(0), 1e-15);
        assertEquals(2.0, bias.value().getFlat(0), 0, "a group with weight decay 0 does not decay");
    }

    @Test
    void float32StepsGiveTheSameBitsOnOneTwoAndThreeThreads() {
        int n = 5 * Adam.UPDATE_GRAIN + 17;  // several pieces and a ragged end
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        float[] w0 = new float[n];
        float[][] grads = new float[3][n];
        for (int i = 0; i < n; i++) {
            w0[i] = (float) rnd.nextDouble(-1, 1);
            for (float[] g : grads) g[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] first = null;
        for (int threads = 1; threads <= 3; threads++) {
            try (var ctx = dev.nabla.kernel.ExecutionContext.withThreads(threads)) {
                Parameter p = new Parameter(NDArray.of(w0.clone(), n));
                Adam opt = new Adam(Map.of("W1", p), 0.01, 0.9, 0.999, 1e-8, 0.001);
                for (float[] g : grads) {
                    p.tensor().setGrad(NDArray.of(g.clone(), n));
                    opt.step();
                }
                float[] got = p.value().toFloatArray();
                if (first == null) first = got;
                else assertArrayEquals(first, got, threads + " threads");
            }
        }
    }

    @Test
    void invalidSettingsAreRejected() {
        Map<String, Parameter> ps = Map.of("W1", param(1));
        SGDTest.assertMessage(() -> new Adam(ps, 0.1, 1.0, 0.999, 1e-8, 0), "beta1", "1.0");
        SGDTest.assertMessage(() -> new Adam(ps, 0.1, 0.9, -0.1, 1e-8, 0), "beta2", "-0.1");
        SGDTest.assertMessage(() -> new Adam(ps, 0.1, 0.9, 0.999, 0, 0), "eps");
        SGDTest.assertMessage(() -> new Adam(ps, 0.1, 0.9, 0.999, 1e-8, -1), "weight decay", "-1");
    }
}
