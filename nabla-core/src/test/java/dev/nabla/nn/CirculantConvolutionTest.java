package dev.nabla.nn;

import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The convolution lesson ({@link CirculantMatrix}), numerically: a circular-padding convolution is multiplication by a doubly block
 * circulant matrix built from its kernel, so it commutes with circular shifts of the image.
 */
class CirculantConvolutionTest {
    static final int N = 6;
    static final Window SAME = new Window(3, 3, 1, 1, 1, 1, 1, 1, Window.Padding.CIRCULAR);

    static NDArray circulant(NDArray w) {
        return CirculantMatrix.of(w, N, N, SAME);
    }

    static NDArray roll(NDArray img, int dy, int dx) {
        return CirculantMatrix.roll(img, dy, dx);
    }

    static NDArray conv(NDArray x, NDArray w) {
        return LayerOps.conv2d(Tensor.of(x), Tensor.of(w), null, SAME, 1).value().contiguous();
    }

    @Test
    void circularConvolutionIsMultiplicationByADoublyBlockCirculantMatrix() {
        Random rng = new Random(11);
        NDArray w = NDArray.randn(rng, DType.F64, 1, 1, 3, 3), x = NDArray.randn(rng, DType.F64, 1, 1, N, N);
        NDArray m = circulant(w);
        NDArray viaMatrix = m.matmul(x.reshape(N * N, 1)).reshape(1, 1, N, N);
        assertTrue(conv(x, w).allClose(viaMatrix, 1e-12, 1e-12));
        // block circulant of circulant blocks: entry (r, c) depends only on the circular offsets of c from r
        for (int r = 0; r < N * N; r++) for (int c = 0; c < N * N; c++) {
            int dy = Math.floorMod(c / N - r / N, N), dx = Math.floorMod(c % N - r % N, N);
            assertEquals(m.get(0, dy * N + dx), m.get(r, c), 0);
        }
    }

    @Test
    void theMatrixRefusesWindowsThatAreNotCircularOrChangeTheSize() {
        NDArray w = NDArray.randn(new Random(1), DType.F64, 1, 1, 3, 3);
        assertThrows(dev.nabla.InputException.class, () -> CirculantMatrix.of(w, N, N, Window.square(3, 1, 1)));
        assertThrows(dev.nabla.InputException.class,
                () -> CirculantMatrix.of(w, N, N, new Window(3, 3, 1, 1, 0, 0, 1, 1, Window.Padding.CIRCULAR)));
    }

    @Test
    void aShiftByTheImageSizeIsTheIdentityAndRollMovesValues() {
        NDArray x = NDArray.randn(new Random(2), DType.F64, 1, 1, N, N);
        assertTrue(roll(x, N, -N).allClose(x, 0, 0));
        assertEquals(x.get(0, 0, 0, 0), roll(x, 1, 2).get(0, 0, 1, 2));
        assertEquals(x.get(0, 0, N - 1, N - 1), roll(x, 1, 1).get(0, 0, 0, 0));
    }

    @Test
    void shiftingTheInputShiftsTheOutputAndPoolingMakesItNearlyInvariant() {
        Random rng = new Random(12);
        NDArray w = NDArray.randn(rng, DType.F64, 1, 1, 3, 3), x = NDArray.randn(rng, DType.F64, 1, 1, N, N);
        for (int[] s : new int[][] {{1, 0}, {0, 2}, {3, 5}}) {
            assertTrue(conv(roll(x, s[0], s[1]), w).allClose(roll(conv(x, w), s[0], s[1]), 1e-12, 1e-12));
        }
        // global pooling after the convolution: exactly invariant to every circular shift
        double pooled = LayerOps.globalAvgPool(Tensor.of(conv(x, w))).item();
        assertEquals(pooled, LayerOps.globalAvgPool(Tensor.of(conv(roll(x, 2, 3), w))).item(), 1e-12);
    }
}
