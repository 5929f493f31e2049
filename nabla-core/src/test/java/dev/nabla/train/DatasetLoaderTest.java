package dev.nabla.train;

import dev.nabla.InputException;
import dev.nabla.data.Dataset;
import dev.nabla.random.NumpyRandom;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Datasets of any shape, with labels or targets, through the loader. */
class DatasetLoaderTest {

    /** 7 samples of [2, 3]: sample i holds 6 copies of i; target i = -i as [7, 1] float64. */
    private static Dataset samples() {
        float[] x = new float[7 * 6];
        double[] t = new double[7];
        for (int i = 0; i < 7; i++) {
            Arrays.fill(x, i * 6, i * 6 + 6, i);
            t[i] = -i;
        }
        return Dataset.ofTargets(NDArray.of(x, 7, 2, 3), NDArray.of(t, 7, 1));
    }

    @Test
    void shuffledBatchesOfAnyShapeKeepInputsAndTargetsTogetherInNumpysOrder() {
        DataLoader l = new DataLoader(samples(), 3, true, false, 9);
        int[] expected = new NumpyRandom(DataLoader.epochSeed(9, 2)).permutation(7);
        List<Integer> seen = new ArrayList<>();
        for (Batch b : l.batches(2)) {
            assertNull(b.labels());
            assertEquals(b.size(), b.targets().dim(0));
            assertArrayEquals(new int[] {b.size(), 2, 3}, b.x().shape());
            for (int i = 0; i < b.size(); i++) {
                int sample = (int) b.x().value().get(i, 1, 2);
                assertEquals(-sample, b.targets().value().get(i, 0));
                seen.add(sample);
            }
        }
        assertEquals(Arrays.stream(expected).boxed().toList(), seen);
    }

    @Test
    void dropLastLeavesOutTheSmallerLastBatch() {
        assertEquals(3, new DataLoader(samples(), 3, false, false, 0).batches());
        DataLoader drop = new DataLoader(samples(), 3, true, true, 0);
        assertEquals(2, drop.batches());
        int n = 0;
        for (Batch b : drop.batches(1)) {
            assertEquals(3, b.size());
            n++;
        }
        assertEquals(2, n);
    }

    @Test
    void badDatasetsAreRejectedNamingTheProblem() {
        NDArray x = NDArray.zeros(3, 2);
        assertEquals("dataset: 3 inputs [3, 2] need 3 labels, found 2",
                assertThrows(InputException.class, () -> Dataset.ofLabels(x, new int[] {0, 1})).getMessage());
        assertEquals("dataset: label 5 of sample 1 is not in [0, 3)",
                assertThrows(InputException.class, () -> Dataset.ofLabels(x, new int[] {0, 5, 1}, 3)).getMessage());
        assertEquals("dataset: inputs [3, 2] and targets [4, 1] differ in their first dimension (the sample count)",
                assertThrows(InputException.class, () -> Dataset.ofTargets(x, NDArray.zeros(4, 1))).getMessage());
        assertEquals(3, Dataset.ofLabels(x, new int[] {0, 2, 1}).classes());
    }
}
