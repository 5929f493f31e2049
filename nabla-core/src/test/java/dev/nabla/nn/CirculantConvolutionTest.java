package dev.nabla.nn;

import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The convolution lesson, numerically: a circular-padding convolution is multiplication by a doubly block
 * circulant matrix built from its kernel, so it commutes with circular shifts of the image.
 */
class CirculantConvolutionTest {
    static final int N = 6;
    static final Window SAME = new Window(3, 3, 1, 1, 1, 1, 1, 1, Window.Padding.CIRCULAR);

    /** M [N^2, N^2]: row (y, x), column ((y - 1 + i) mod N, (x - 1 + j) mod N) holds w[i, j]. */
    static NDArray circulant(NDArray w) {
        NDArray m = NDArray.zeros(DType.F64, N * N, N * N);
        for (int y = 0; y < N; y++) for (int x = 0; x < N; x++) for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) {
            int col = Math.floorMod(y - 1 + i, N) * N + Math.floorMod(x - 1 + j, N);
            m.set(m.get(y * N + x, col) + w.get(0, 0, i, j), y * N + x, col);
        }
        return m;
    }

    static NDArray roll(NDArray img, int dy, int dx) {
        NDArray out = NDArray.zeros(DType.F64, img.shape());
        for (int y = 0; y < N; y++) for (int x = 0; x < N; x++) {
            out.set(img.get(0, 0, y, x), 0, 0, Math.floorMod(y + dy, N), Math.floorMod(x + dx, N));
        }
        return out;
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
