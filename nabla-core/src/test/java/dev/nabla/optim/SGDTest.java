package dev.nabla.optim;

import dev.nabla.InputException;
import dev.nabla.nn.Parameter;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The update rules against hand arithmetic. Values are chosen so that every intermediate result is a short
 * binary fraction, hence exact in float32: the expected numbers must match bit for bit.
 *
 * <p>Setup: W = [1, -2] (in a group with weight decay), b = [0.5] (in a group without), gradients
 * gW = [0.5, 0.25], gb = [1] at every step, lr = 0.5, weight decay 0.25.
 */
class SGDTest {
    private Parameter w;
    private Parameter b;

    /** W in a group with the optimizer's weight decay, b in a group without. */
    private List<ParamGroup> params() {
        w = new Parameter(NDArray.of(new float[] {1f, -2f}, 2));
        b = new Parameter(NDArray.of(new float[] {0.5f}, 1));
        return List.of(ParamGroup.of(Map.of("W1", w)), ParamGroup.of(Map.of("b1", b)).withWeightDecay(0));
    }

    private static Map<String, Parameter> one(Parameter p) {
        return Map.of("W1", p);
    }

    private void setGrads() {
        w.tensor().setGrad(NDArray.of(new float[] {0.5f, 0.25f}, 2));
        b.tensor().setGrad(NDArray.of(new float[] {1f}, 1));
    }

    private void assertValues(Parameter p, float... expected) {
        assertArrayEquals(expected, p.value().toFloatArray(), 0f, p == w ? "W1" : "b1");
    }

    @Test
    void plainSgdAddsRegTimesWToTheGradientOfWeightsOnly() {
        SGD opt = new SGD(params(), 0.5, 0, false, 0.25);
        setGrads();
        opt.step();
        // g = [0.5 + 0.25*1, 0.25 + 0.25*(-2)] = [0.75, -0.25]; W = [1 - 0.5*0.75, -2 - 0.5*(-0.25)]
        assertValues(w, 0.625f, -1.875f);
        // b: no decay; 0.5 - 0.5*1
        assertValues(b, 0f);
    }

    @Test
    void momentumAccumulatesTheRegularisedGradient() {
        SGD opt = new SGD(params(), 0.5, 0.5, false, 0.25);
        setGrads();
        opt.step();
        // step 1: v = g = [0.75, -0.25], W = [0.625, -1.875]; vb = 1, b = 0
        assertValues(w, 0.625f, -1.875f);
        assertValues(b, 0f);
        setGrads();
        opt.step();
        // step 2: g = [0.5 + 0.25*0.625, 0.25 + 0.25*(-1.875)] = [0.65625, -0.21875]
        //         v = 0.5*[0.75, -0.25] + g = [1.03125, -0.34375]; W = [0.625 - 0.515625, -1.875 + 0.171875]
        assertValues(w, 0.109375f, -1.703125f);
        // vb = 0.5*1 + 1 = 1.5; b = 0 - 0.5*1.5
        assertValues(b, -0.75f);
        assertArrayEquals(new float[] {1.03125f, -0.34375f}, opt.state().get("W1.momentum").toFloatArray(), 0f);
    }

    @Test
    void nesterovStepsAlongTheGradientPlusMomentumTimesVelocity() {
        SGD opt = new SGD(params(), 0.5, 0.5, true, 0.25);
        setGrads();
        opt.step();
        // step 1: g = [0.75, -0.25], v = g, W -= 0.5*(g + 0.5*v) = [0.5625, -0.1875] -> [0.4375, -1.8125]
        assertValues(w, 0.4375f, -1.8125f);
        // b: g = 1, v = 1, b = 0.5 - 0.5*(1 + 0.5) = -0.25
        assertValues(b, -0.25f);
        setGrads();
        opt.step();
        // step 2: g = [0.5 + 0.25*0.4375, 0.25 + 0.25*(-1.8125)] = [0.609375, -0.203125]
        //         v = 0.5*[0.75, -0.25] + g = [0.984375, -0.328125]
        //         W -= 0.5*(g + 0.5*v) = 0.5*[1.1015625, -0.3671875] -> [-0.11328125, -1.62890625]
        assertValues(w, -0.11328125f, -1.62890625f);
        // b: v = 0.5 + 1 = 1.5, b = -0.25 - 0.5*(1 + 0.75) = -1.125
        assertValues(b, -1.125f);
    }

    @Test
    void float64ParametersFollowTheSameRule() {
        Parameter p = new Parameter(NDArray.of(new double[] {1, -2}, 2));
        SGD opt = new SGD(one(p), 0.5, 0, false, 0.25);
        p.tensor().setGrad(NDArray.of(new double[] {0.5, 0.25}, 2));
        opt.step();
        assertArrayEquals(new double[] {0.625, -1.875}, p.value().toDoubleArray(), 0);
    }

    @Test
    void aParameterThatIsAViewIntoALargerArrayIsUpdatedInPlaceWithoutTouchingItsNeighbours() {
        NDArray big = NDArray.of(new float[] {9f, 1f, -2f, 9f}, 4);
        Parameter p = new Parameter(big.slice(0, 1, 3));
        SGD opt = new SGD(one(p), 0.5, 0.5, true, 0.25);
        for (int step = 0; step < 2; step++) {
            NDArray g = NDArray.of(new float[] {7f, 0.5f, 0.25f}, 3).slice(0, 1, 3); // a gradient view as well
            p.tensor().setGrad(g);
            opt.step();
        }
        // the same numbers as nesterovStepsAlongTheGradientPlusMomentumTimesVelocity
        assertArrayEquals(new float[] {9f, -0.11328125f, -1.62890625f, 9f}, big.toFloatArray(), 0f);
    }

    @Test
    void parametersWithoutAGradientAreLeftAlone() {
        SGD opt = new SGD(params(), 0.5, 0.9, false, 0.25);
        w.tensor().setGrad(NDArray.of(new float[] {0.5f, 0.25f}, 2));
        opt.step();
        assertValues(b, 0.5f);
        assertFalse(opt.state().containsKey("b1.momentum"));
    }

    @Test
    void zeroGradClearsEveryGradient() {
        SGD opt = new SGD(params(), 0.5, 0, false, 0.25);
        setGrads();
        opt.zeroGrad();
        assertNull(w.grad());
        assertNull(b.grad());
    }

    @Test
    void restoredStateContinuesExactlyAsTheOriginal() {
        SGD a = new SGD(params(), 0.5, 0.5, true, 0.25);
        Parameter wa = w, ba = b;
        setGrads();
        a.step();
        Map<String, NDArray> state = a.state();
        assertEquals(1.0, state.get("step").item());

        SGD c = new SGD(params(), 0.5, 0.5, true, 0.25);
        w.value().assign(wa.value());
        b.value().assign(ba.value());
        c.loadState(state);
        assertEquals(1, c.steps());
        setGrads();
        c.step();
        // the continuation equals the uninterrupted second step of nesterovStepsAlongTheGradientPlusMomentumTimesVelocity
        assertValues(w, -0.11328125f, -1.62890625f);
        assertValues(b, -1.125f);
    }

    @Test
    void loadStateRejectsUnknownNamesAndWrongShapes() {
        SGD opt = new SGD(params(), 0.5, 0.5, false, 0);
        InputException e = assertThrows(InputException.class, () -> opt.loadState(Map.of("W9.momentum", NDArray.zeros(2))));
        assertTrue(e.getMessage().contains("W9.momentum"), e.getMessage());
        InputException s = assertThrows(InputException.class, () -> opt.loadState(Map.of("W1.momentum", NDArray.zeros(3))));
        assertTrue(s.getMessage().contains("[3]") && s.getMessage().contains("[2]"), s.getMessage());
    }

    @Test
    void hyperparametersOutOfRangeAreRejectedNamingTheValue() {
        List<ParamGroup> ps = params();
        assertMessage(() -> new SGD(ps, 0, 0, false, 0), "learning rate", "0.0");
        assertMessage(() -> new SGD(ps, -0.1, 0, false, 0), "-0.1");
        assertMessage(() -> new SGD(ps, Double.NaN, 0, false, 0), "NaN");
        assertMessage(() -> new SGD(ps, 0.1, 1.0, false, 0), "momentum", "1.0");
        assertMessage(() -> new SGD(ps, 0.1, -0.5, false, 0), "momentum", "-0.5");
        assertMessage(() -> new SGD(ps, 0.1, 0, true, 0), "nesterov");
        assertMessage(() -> new SGD(ps, 0.1, 0, false, -1e-3), "weight decay", "-0.001");
        assertMessage(() -> new SGD(List.of(ParamGroup.of(Map.of("a", w)), ParamGroup.of(Map.of("b", w))), 0.1, 0, false, 0),
                "'b'", "given twice", "'a'");
        SGD ok = new SGD(ps, 0.1, 0.9, true, 0);
        assertMessage(() -> ok.setLearningRate(0), "learning rate");
    }

    @Test
    void aGroupsOwnLearningRateIsScaledWithTheOptimizersRate() {
        List<ParamGroup> groups = params();
        SGD opt = new SGD(List.of(groups.get(0), groups.get(1).withLr(0.25)), 0.5, 0, false, 0.25);
        opt.setLearningRate(0.25); // a schedule halves the rate: the bias group's 0.25 becomes 0.125
        setGrads();
        opt.step();
        assertValues(w, 0.8125f, -1.9375f); // W - 0.25 * [0.75, -0.25]
        assertValues(b, 0.375f);            // 0.5 - 0.125 * 1
    }

    static void assertMessage(Runnable r, String... parts) {
        InputException e = assertThrows(InputException.class, r::run);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain " + p);
    }

    @Test
    void aLargeParameterUpdatedOnTwoThreadsGetsTheElementwiseRuleEverywhere() {
        int n = 100_003; // several chunks for the threads, and an odd tail
        float[] w0 = new float[n], g = new float[n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(4);
        for (int i = 0; i < n; i++) {
            w0[i] = (float) rnd.nextDouble(-1, 1);
            g[i] = (float) rnd.nextDouble(-1, 1);
        }
        try (var ctx = dev.nabla.kernel.ExecutionContext.withThreads(2)) {
            for (double momentum : new double[] {0, 0.5}) {
                Parameter p = new Parameter(NDArray.of(w0.clone(), n));
                SGD opt = new SGD(one(p), 0.1, momentum, false, 0.001);
                p.tensor().setGrad(NDArray.of(g.clone(), n));
                opt.step();
                float[] got = p.value().toFloatArray();
                float lr = 0.1f, reg = 0.001f;
                for (int i = 0; i < n; i++) {
                    // v starts at 0, so one step with or without momentum is w - lr * (g + reg * w)
                    float want = w0[i] - lr * (g[i] + reg * w0[i]);
                    if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got[i])) {
                        fail("momentum " + momentum + ", element " + i + ": got " + got[i] + ", want " + want);
                    }
                }
            }
        }
    }
}
