package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class InitTest {

    @Test
    void numpyInitWithSeed1024MatchesTheCourseAndReseedsBeforeEachMatrix() {
        // numpy: np.random.seed(1024); 0.001 * np.random.randn(784, 128)[0, :3]
        //        = 0.001 * [2.12444863, 0.25264613, 1.45417876]
        Sequential m = Models.build(ModelSpec.courseTwoLayer());
        // the course's [in, out] layout: Linear keeps the transpose, so the same value sits at W^T[i, j]
        NDArray w1 = m.parameters().get(0).value().t(), w2 = m.parameters().get(2).value().t();
        double[] expected = {0.001 * 2.12444863, 0.001 * 0.25264613, 0.001 * 1.45417876};
        for (int j = 0; j < 3; j++) {
            float e = (float) expected[j], ulp = Math.ulp(e); // weights are float32: equal to within one ulp
            assertEquals(e, (float) w1.get(0, j), ulp, "W1[0, " + j + "]");
            assertEquals(e, (float) w2.get(0, j), ulp, "W2[0, " + j + "] (re-seeded: same leading values)");
        }
        // row-major draw: W2 [128, 10] starts with the same 1280 values as W1's first 1280 (rows 0..9 of [784, 128])
        assertEquals(w1.get(9, 127), w2.get(127, 9));
        assertEquals(w1.get(1, 0), w2.get(12, 8), "W1[1,0] is draw 128, W2[12,8] is draw 12*10+8 = 128");
    }

    @Test
    void numpyInitIsFloat32OfTheScaledDraws() {
        NDArray w = Init.numpy(1024).weight(2, 3);
        assertEquals(dev.nabla.tensor.DType.F32, w.dtype());
        assertArrayEquals(new int[] {2, 3}, w.shape());
        assertEquals((float) (0.001 * 2.12444863), (float) w.getFlat(0), Math.ulp(0.002f));
    }

    @Test
    void biasesStartAtZero() {
        Sequential m = Models.build(ModelSpec.courseTwoLayer());
        m.namedParameters().forEach((name, p) -> {
            if (name.endsWith("bias")) assertEquals(0.0, p.value().abs().max(false).item(), name);
        });
        assertEquals(2, m.namedParameters().keySet().stream().filter(n -> n.endsWith("bias")).count());
    }

    @Test
    void normalInitRunsOneGeneratorAcrossMatricesAndIsReproducible() {
        Init a = Init.normal(7), b = Init.normal(7);
        NDArray a1 = a.weight(4, 5), a2 = a.weight(4, 5);
        assertArrayEquals(a1.toFloatArray(), b.weight(4, 5).toFloatArray());
        assertFalse(java.util.Arrays.equals(a1.toFloatArray(), a2.toFloatArray()), "the second matrix continues the stream");
        // 0.001 x N(0, 1): with 20 draws every value is well inside 0.006
        assertTrue(a1.abs().max(false).item() < 0.006);
    }

    @Test
    void xavierStaysWithinItsBoundAndKaimingHasItsVariance() {
        NDArray x = Init.xavier(1).weight(300, 100);
        double bound = Math.sqrt(6.0 / 400);
        assertTrue(x.abs().max(false).item() <= bound);
        assertTrue(x.abs().max(false).item() > 0.95 * bound, "uniform draws reach close to the bound");
        NDArray k = Init.kaiming(1).weight(200, 300);
        double var = k.mul(k).mean(false).item();
        assertEquals(2.0 / 200, var, 0.05 * 2.0 / 200);
    }

    @Test
    void namesAreCaseInsensitiveAndCourseIsNormal() {
        assertEquals("normal", Init.of("Course", 1).name());
        assertEquals("numpy", Init.of("NUMPY", 1).name());
        assertArrayEquals(Init.of("course", 3).weight(3, 3).toFloatArray(), Init.normal(3).weight(3, 3).toFloatArray());
    }

    @Test
    void unknownNamesAndOutOfRangeNumpySeedsAreRejected() {
        InputException e = assertThrows(InputException.class, () -> Init.of("glorot", 1));
        assertTrue(e.getMessage().contains("'glorot'") && e.getMessage().contains("xavier"), e.getMessage());
        InputException s = assertThrows(InputException.class, () -> Init.numpy(-1));
        assertTrue(s.getMessage().contains("-1"), s.getMessage());
    }
}
