package dev.nabla.autograd;

import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's "Using nabla as a library" example, line for line; its training lines are those of
 * {@code dev.nabla.train.TrainerMnistTest} (which trains one epoch instead of ten).
 */
class LibraryExampleTest {

    @Test
    void theReadmeExampleRunsAndGivesTheStatedGradient() {
        Tensor w = Tensor.variable(NDArray.of(new double[] {1, 2}, 2));
        Tensor y = w.mul(w).sum();
        y.backward();
        assertArrayEquals(new double[] {2, 4}, w.grad().toDoubleArray(), 0);

        GradCheck.assertPasses(x -> x[0].sigmoid().sum(), NDArray.of(new double[] {0.5, -1}, 2));
    }
}
