package com.example.ops;

import dev.nabla.autograd.ForwardMode;
import dev.nabla.autograd.Grad;
import dev.nabla.autograd.GradCheck;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples of docs/library.md, line for line, with the numbers its comments state. */
class LibraryGuideTest {

    @Test
    void tensorsAndAutograd() {
        NDArray a = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        NDArray b = a.add(NDArray.of(new float[] {10, 20, 30}, 3));
        NDArray p = a.matmul(a.t());
        double total = a.sum(false).item();
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, b.toFloatArray());
        assertArrayEquals(new float[] {14, 32, 32, 77}, p.toFloatArray());
        assertEquals(21, total);

        Tensor x = Tensor.variable(NDArray.of(new double[] {0.5, -1.0}, 2));
        Tensor loss = x.mul(x).sum();
        loss.backward();
        assertArrayEquals(new double[] {1, -2}, x.grad().toDoubleArray());

        try (var off = Grad.disabled()) {
            Tensor y = x.mul(x);
            assertFalse(y.requiresGrad());
        }

        ForwardMode.Jvp jvp = ForwardMode.jvp(t -> t.sin().sum(), x.value(), NDArray.of(new double[] {1, 0}, 2));
        double slope = jvp.tangent().item();
        assertEquals(Math.cos(0.5), slope, 1e-15);

        GradCheck.assertPasses(in -> in[0].tanh().mul(in[1]).sum(),
                NDArray.of(new double[] {0.3, -0.7}, 2), NDArray.of(new double[] {1.5, 2.0}, 2));
    }

    @Test
    void customOp() {
        Tensor z = Tensor.variable(NDArray.of(new double[] {-2, 0, 3}, 3));
        Tensor s = Softplus.softplus(z).sum();
        s.backward();
        double[] g = z.grad().toDoubleArray();
        for (int i = 0; i < 3; i++) assertEquals(1 / (1 + Math.exp(-z.value().getFlat(i))), g[i], 1e-15);
        GradCheck.assertPasses(in -> Softplus.softplus(in[0]).sum(), NDArray.of(new double[] {-2, 0, 3}, 3));
    }

    /** The guide shows Softplus.java as it is, from its class comment to its end. */
    @Test
    void theGuideShowsTheTestedSoftplus() throws IOException {
        String guide = Files.readString(Path.of("../docs/library.md"));
        String source = Files.readString(Path.of("src/test/java/com/example/ops/Softplus.java"));
        String cls = source.substring(source.indexOf("/**\n * softplus")).strip();
        assertTrue(guide.contains("```java\n" + cls + "\n```"), "docs/library.md does not show Softplus.java as it is");
    }
}
