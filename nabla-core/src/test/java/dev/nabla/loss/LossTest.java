package dev.nabla.loss;

import dev.nabla.InputException;
import dev.nabla.autograd.Functional;
import dev.nabla.autograd.GradCheck;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Every loss: its value against a direct formula, and its gradient checked in reverse and forward mode. */
class LossTest {
    private static final int[] LABELS = {2, 0, 4, 4, 1};

    private static NDArray randn(long seed, int... shape) {
        return NDArray.randn(new Random(seed), DType.F64, shape);
    }

    /** Rows of positive weights summing to 1: class probabilities. */
    private static NDArray probabilities(long seed, int n, int c) {
        Random r = new Random(seed);
        double[] p = new double[n * c];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < c; j++) s += p[i * c + j] = 0.1 + r.nextDouble();
            for (int j = 0; j < c; j++) p[i * c + j] /= s;
        }
        return NDArray.of(p, n, c);
    }

    private static void gradcheck(java.util.function.Function<Tensor[], Tensor> f, NDArray... inputs) {
        GradCheck.Report r = GradCheck.check(f, inputs);
        assertTrue(r.passed(), r.summary());
    }

    @Test
    void crossEntropyOnLabelsIsTheFusedOpAndPassesGradcheckInBothModes() {
        NDArray x = randn(1, 5, 6);
        Loss ce = new CrossEntropyLoss();
        assertEquals(Functional.crossEntropyComposed(Tensor.of(x), LABELS).item(), ce.forward(Tensor.of(x), LABELS).item(), 1e-12);
        assertEquals("softmax_cross_entropy", ce.forward(Tensor.variable(x), LABELS).creator().name(), "the fused op");
        gradcheck(t -> ce.forward(t[0], LABELS), x);
    }

    @Test
    void crossEntropyOnProbabilitiesMatchesTheFormulaAndLabelsAsOneHotRows() {
        NDArray x = randn(2, 5, 6), p = probabilities(3, 5, 6);
        Loss ce = new CrossEntropyLoss();
        double expected = 0;
        for (int i = 0; i < 5; i++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < 6; j++) m = Math.max(m, x.get(i, j));
            for (int j = 0; j < 6; j++) s += Math.exp(x.get(i, j) - m);
            for (int j = 0; j < 6; j++) expected -= p.get(i, j) * (x.get(i, j) - m - Math.log(s));
        }
        assertEquals(expected / 5, ce.forward(Tensor.of(x), Tensor.of(p)).item(), 1e-12);
        NDArray oneHot = NDArray.zeros(DType.F64, 5, 6);
        for (int i = 0; i < 5; i++) oneHot.set(1, i, LABELS[i]);
        assertEquals(ce.forward(Tensor.of(x), LABELS).item(), ce.forward(Tensor.of(x), Tensor.of(oneHot)).item(), 1e-12);
        gradcheck(t -> ce.forward(t[0], t[1]), x, p);
    }

    @Test
    void nllOfLogSoftmaxIsCrossEntropyAndPassesGradcheck() {
        NDArray x = randn(4, 5, 6);
        Loss nll = new NLLLoss();
        Tensor logp = Functional.logSoftmax(Tensor.of(x), 1);
        assertEquals(new CrossEntropyLoss().forward(Tensor.of(x), LABELS).item(), nll.forward(logp, LABELS).item(), 1e-12);
        gradcheck(t -> nll.forward(t[0], LABELS), x);
    }

    @Test
    void mseIsTheMeanSquaredDifferenceOverEveryElementAndPassesGradcheck() {
        NDArray y = randn(5, 4, 3, 2), t = randn(6, 4, 3, 2);
        double expected = 0;
        for (int i = 0; i < y.numel(); i++) expected += Math.pow(y.getFlat(i) - t.getFlat(i), 2);
        assertEquals(expected / 24, new MSELoss().forward(Tensor.of(y), Tensor.of(t)).item(), 1e-12);
        gradcheck(x -> new MSELoss().forward(x[0], x[1]), y, t);
    }

    @Test
    void bceWithLogitsMatchesTheNaiveFormulaStaysFiniteForLargeLogitsAndPassesGradcheck() {
        NDArray x = NDArray.of(new double[] {-2.5, -0.7, 0.3, 1.9, 3.1, -1.2}, 3, 2);
        NDArray t = NDArray.of(new double[] {0, 1, 1, 0.25, 1, 0}, 3, 2);
        double expected = 0;
        for (int i = 0; i < 6; i++) {
            double s = 1 / (1 + Math.exp(-x.getFlat(i)));
            expected -= t.getFlat(i) * Math.log(s) + (1 - t.getFlat(i)) * Math.log(1 - s);
        }
        Loss bce = new BCEWithLogitsLoss();
        assertEquals(expected / 6, bce.forward(Tensor.of(x), Tensor.of(t)).item(), 1e-12);
        // log(sigmoid(-800)) underflows in the naive form; the stable one gives 800 exactly
        NDArray big = NDArray.of(new double[] {-800, 800}, 2), ones = NDArray.of(new double[] {1, 0}, 2);
        assertEquals(800, bce.forward(Tensor.of(big), Tensor.of(ones)).item(), 1e-9);
        gradcheck(a -> bce.forward(a[0], a[1]), x, t); // logits away from 0, where |x| has a kink
    }

    @Test
    void aLossGivenTheWrongKindOfTargetOrShapeSaysWhatItExpected() {
        Tensor x = Tensor.of(randn(7, 5, 6));
        InputException kind = assertThrows(InputException.class, () -> new MSELoss().forward(x, LABELS));
        assertEquals("mse compares the output with float targets, but the data has integer labels", kind.getMessage());
        InputException labelsOnly = assertThrows(InputException.class, () -> new NLLLoss().forward(x, x));
        assertEquals("nll compares the output with integer labels, but the data has float targets", labelsOnly.getMessage());
        InputException shape = assertThrows(InputException.class, () -> new MSELoss().forward(x, Tensor.of(randn(8, 5, 1))));
        assertEquals("mse: the output [5, 6] and the targets [5, 1] differ in shape", shape.getMessage());
        InputException label = assertThrows(InputException.class, () -> new CrossEntropyLoss().forward(x, new int[] {0, 1, 6, 2, 3}));
        assertEquals("cross_entropy: label 6 of sample 2 is not in [0, 6) (the output has 6 classes)", label.getMessage());
    }
}
