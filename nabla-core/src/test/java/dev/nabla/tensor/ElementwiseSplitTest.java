package dev.nabla.tensor;

import dev.nabla.kernel.ExecutionContext;
import dev.nabla.kernel.Kernels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Elementwise kernels split over threads for big arrays give the bits of one call over the whole array. */
class ElementwiseSplitTest {

    @Test
    void bigElementwiseOpsGiveTheBitsOfOneKernelCallOnOneTwoAndThreeThreads() {
        Random rng = new Random(21);
        for (int n : new int[] {2 * Dispatch.SPLIT_GRAIN - 1, 5 * Dispatch.SPLIT_GRAIN + 37, 3 * Dispatch.SPLIT_GRAIN + 64}) {
            NDArray a = NDArray.uniform(rng, -90, 90, DType.F32, n), b = NDArray.uniform(rng, -2, 2, DType.F32, n);
            float[] af = a.toFloatArray(), bf = b.toFloatArray();
            Kernels k = Kernels.get();
            float[] relu = new float[n], exp = new float[n], sig = new float[n], sum = new float[n], prod = new float[n], rb = new float[n];
            k.relu(n, af, 0, relu, 0);
            k.exp(n, bf, 0, exp, 0);
            k.sigmoid(n, af, 0, sig, 0);
            k.add(n, af, 0, bf, 0, sum, 0);
            k.mul(n, af, 0, bf, 0, prod, 0);
            k.reluBackward(n, bf, 0, af, 0, rb, 0);
            List<float[]> want = List.of(relu, exp, sig, sum, prod, rb);
            for (int threads = 1; threads <= 3; threads++) {
                try (var ctx = ExecutionContext.withThreads(threads)) {
                    List<NDArray> got = List.of(a.relu(), b.exp(), a.sigmoid(), a.add(b), a.mul(b), b.reluBackward(a));
                    for (int i = 0; i < want.size(); i++) {
                        assertArrayEquals(want.get(i), got.get(i).toFloatArray(), "n " + n + ", " + threads + " threads, op " + i);
                    }
                }
            }
        }
    }
}
