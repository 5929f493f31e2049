package com.example.ops;

import dev.nabla.autograd.Function;
import dev.nabla.autograd.GradCheck;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An op written outside nabla composes with the built-in ones in both modes. (Its gradient checks on many shapes
 * run in nabla's own OpRegistryTest, next to the built-in ops.)
 */
class UserOpTest {

    @Test
    void userOpValuesAndGradientsFlowThroughBuiltInOps() {
        Tensor x = Tensor.variable(NDArray.of(new double[] {-30, -1, 0, 2, 40}, 5));
        Tensor y = Softplus.softplus(x.mul(2)).sum();
        // softplus(2x) for 2x = -60, -2, 0, 4, 80: e^-60, log(1+e^-2), log 2, 4 + log(1+e^-4), 80 (no overflow)
        double expected = Math.exp(-60) + Math.log1p(Math.exp(-2)) + Math.log(2) + 4 + Math.log1p(Math.exp(-4)) + 80;
        assertEquals(expected, y.item(), 1e-12);
        y.backward();
        double[] g = x.grad().toDoubleArray();
        double[] z = {-60, -2, 0, 4, 80};
        for (int i = 0; i < 5; i++) assertEquals(2 / (1 + Math.exp(-z[i])), g[i], 1e-12); // 2 sigmoid(2x)
    }

    @Test
    void userOpPassesGradCheckInBothModes() {
        NDArray a = NDArray.of(new double[] {0.3, -1.2, 2.0, 0.7, -0.5, 1.1}, 2, 3);
        NDArray b = NDArray.of(new double[] {-0.8, 0.4, 1.5, -2.2, 0.9, 0.6}, 2, 3);
        GradCheck.Report r = GradCheck.check(in -> Softplus.softplus(Hypot.hypot(in[0], in[1])), a, b);
        assertTrue(r.passed(), r::summary);
    }

    @Test
    void hypotComputesOnlyTheGradientsAskedFor() {
        Tensor a = Tensor.variable(NDArray.of(new double[] {3}, 1));
        Tensor b = Tensor.of(NDArray.of(new double[] {4}, 1));
        Tensor h = Hypot.hypot(a, b);
        assertEquals(5, h.item());
        h.sum().backward();
        assertArrayEquals(new double[] {0.6}, a.grad().toDoubleArray(), 1e-15);
        assertEquals(null, b.grad());
    }

    @Test
    void aFunctionInstanceIsAppliedOnce() {
        Softplus op = new Softplus();
        Tensor x = Tensor.of(NDArray.of(new double[] {1}, 1));
        op.apply(x);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> op.apply(x));
        assertTrue(e.getMessage().startsWith("softplus: a Function instance is applied once"), e.getMessage());
    }

    /** An op whose backward returns the wrong shape is named in the error, not found later at some leaf. */
    @Test
    void aGradientOfTheWrongShapeNamesTheOp() {
        Function broken = new Function() {
            public String name() { return "broken"; }
            protected NDArray forward(NDArray... in) { return in[0].sum(false); }
            protected NDArray[] backward(NDArray g, boolean[] needsGrad) { return new NDArray[] {g}; }
            protected NDArray jvp(NDArray[] t) { return t[0].sum(false); }
        };
        Tensor x = Tensor.variable(NDArray.of(new double[] {1, 2, 3}, 3));
        Tensor y = broken.apply(x);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertEquals("broken: backward returned a gradient of shape [] for input 0 of shape [3]", e.getMessage());
    }

    @Test
    void aJvpThatReturnsNothingNamesTheOp() {
        Function noTangent = new Function() {
            public String name() { return "no_tangent"; }
            protected NDArray forward(NDArray... in) { return in[0].neg(); }
            protected NDArray[] backward(NDArray g, boolean[] needsGrad) { return new NDArray[] {g.neg()}; }
            protected NDArray jvp(NDArray[] t) { return null; }
        };
        Tensor x = Tensor.of(NDArray.of(new double[] {1, 2}, 2)).withTangent(NDArray.of(new double[] {1, 0}, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> noTangent.apply(x));
        assertEquals("no_tangent: jvp returned null", e.getMessage());
    }
}
