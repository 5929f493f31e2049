package dev.nabla.train;

import dev.nabla.data.ImageSet;
import dev.nabla.nn.Init;
import dev.nabla.nn.Linear;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class EvaluatorTest {

    /** A linear model whose logits are (x0, x1, -5 (x0 + x1)): class 2 is never predicted for inputs >= 0. */
    private static Linear model() {
        Linear m = new Linear(2, 3, false, Init.normal(0));
        m.weight().value().assign(NDArray.of(new float[] {1, 0, 0, 1, -5, -5}, 3, 2)); // [out, in]
        return m;
    }

    // labels 0, 0, 1, 1 with inputs that predict 0, 1, 1, 1
    private static final ImageSet SET = new ImageSet(new float[] {1, 0, 0, 1, 0, 1, 0, 2}, new int[] {0, 0, 1, 1}, 4, 1, 2, 3);

    @Test
    void accuracyPerClassAccuracyAndConfusionCountPredictionsAgainstLabels() {
        Evaluation e = Evaluator.evaluate(model(), SET, 3);
        assertEquals(0.75, e.accuracy());
        assertArrayEquals(new int[][] {{1, 1, 0}, {0, 2, 0}, {0, 0, 0}}, e.confusion());
        assertEquals(0.5, e.perClassAccuracy()[0]);
        assertEquals(1.0, e.perClassAccuracy()[1]);
        assertTrue(Double.isNaN(e.perClassAccuracy()[2]), "a class without samples has no accuracy");
        assertEquals(4, e.count());
    }

    @Test
    void theLossIsTheMeanCrossEntropyOverSamples() {
        // per sample: log(sum_j exp(z_j)) - z_y with z = (x0, x1, -5 (x0 + x1))
        double[][] z = {{1, 0, -5}, {0, 1, -5}, {0, 1, -5}, {0, 2, -10}};
        int[] y = {0, 0, 1, 1};
        double sum = 0;
        for (int i = 0; i < 4; i++) sum += Math.log(Math.exp(z[i][0]) + Math.exp(z[i][1]) + Math.exp(z[i][2])) - z[i][y[i]];
        assertEquals(sum / 4, Evaluator.evaluate(model(), SET, 4).loss(), 1e-6);
    }

    @Test
    void theBatchSizeDoesNotChangeTheResult() {
        Evaluation one = Evaluator.evaluate(model(), SET, 1);
        Evaluation all = Evaluator.evaluate(model(), SET, 100);
        assertEquals(one.accuracy(), all.accuracy());
        assertArrayEquals(one.confusion(), all.confusion());
        assertEquals(one.loss(), all.loss(), 1e-7);
    }

    @Test
    void evaluationRecordsNoGraph() {
        Linear m = model();
        Evaluator.evaluate(m, SET, 2);
        assertNull(m.weight().grad());
        assertTrue(dev.nabla.autograd.Grad.isEnabled(), "recording is restored afterwards");
    }
}
