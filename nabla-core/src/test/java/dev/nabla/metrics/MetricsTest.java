package dev.nabla.metrics;

import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MetricsTest {
    // rows predict 1, 0, 2, 2 (the first of two equal scores wins)
    private static final NDArray SCORES = NDArray.of(new float[] {0, 3, 1, 5, 5, 0, 0, 1, 2, -1, -2, 4}, 4, 3);

    @Test
    void accuracyAccumulatesOverBatchesUntilReset() {
        Accuracy a = new Accuracy();
        assertTrue(Double.isNaN(a.value()));
        a.update(SCORES, new int[] {1, 0, 0, 2}, null);
        assertEquals(0.75, a.value());
        a.update(SCORES.slice(0, 0, 2), new int[] {0, 0}, null);
        assertEquals(4.0 / 6, a.value());
        a.reset();
        assertTrue(Double.isNaN(a.value()));
    }

    @Test
    void binaryAccuracyComparesThePositiveLogitsWithTargetsOfAHalfOrMore() {
        Accuracy a = new Accuracy();
        a.update(NDArray.of(new float[] {2, -1, 0.5f, -3}, 4, 1), null, NDArray.of(new float[] {1, 0, 0, 0.6f}, 4, 1));
        assertEquals(0.5, a.value());
    }

    @Test
    void theConfusionMatrixCountsTrueAgainstPredictedClasses() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        m.update(SCORES, new int[] {1, 0, 0, 2}, null);
        assertArrayEquals(new int[][] {{1, 0, 1}, {0, 1, 0}, {0, 0, 1}}, m.counts());
        assertEquals(4, m.total());
        assertEquals(0.75, m.value());
        assertArrayEquals(new double[] {0.5, 1, 1}, m.perClassAccuracy());
        dev.nabla.InputException e = assertThrows(dev.nabla.InputException.class,
                () -> new ConfusionMatrix(4).update(SCORES, new int[] {0, 0, 0, 0}, null));
        assertEquals("the model's output [4, 3] does not match the data: expected [4, 4] (one score per class)", e.getMessage());
    }
}
