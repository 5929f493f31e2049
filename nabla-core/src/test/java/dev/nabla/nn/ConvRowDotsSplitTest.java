package dev.nabla.nn;

import dev.nabla.kernel.ExecutionContext;
import dev.nabla.kernel.Kernels;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The weight gradient's row dots give one kernel call's bits however they are split over threads. */
class ConvRowDotsSplitTest {

    @Test
    void rowDotsSplitByARowsOrBRowsGiveTheBitsOfOneCall() {
        Random rng = new Random(31);
        int[][] shapes = {{32, 9, 5000}, {33, 9, 777}, {8, 15, 4096}, {6, 25, 3000}, {16, 25, 1000}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = NDArray.randn(rng, DType.F32, m, k).toFloatArray(), b = NDArray.randn(rng, DType.F32, n, k).toFloatArray();
            float[] want = new float[m * n];
            Kernels.get().rowDots(m, n, k, a, 0, k, b, 0, k, want, 0, n);
            for (int threads = 1; threads <= 3; threads++) {
                try (var ctx = ExecutionContext.withThreads(threads)) {
                    float[] got = new float[m * n];
                    ConvKernels.rowDots(m, n, k, a, 0, k, b, 0, k, got, 0, n);
                    assertArrayEquals(want, got, m + "x" + n + "x" + k + " on " + threads + " threads");
                }
            }
        }
    }
}
