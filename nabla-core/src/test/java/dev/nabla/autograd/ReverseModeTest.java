package dev.nabla.autograd;

import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ReverseModeTest {

    private static Tensor var(double... v) {
        return Tensor.variable(NDArray.of(v, v.length));
    }

    @Test
    void aChainOfOneHundredThousandOpsBackpropagatesWithoutOverflowingTheStack() {
        Tensor x = var(1.0);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) y = y.mul(1.0001);
        y.sum().backward();
        assertEquals(Math.pow(1.0001, 100_000), x.grad().getFlat(0), 1e-6 * Math.pow(1.0001, 100_000));
    }

    @Test
    void gradientsOfAReusedNodeAccumulate() {
        Tensor x = var(3.0);
        Tensor y = x.mul(x).add(x); // dy/dx = 2x + 1 = 7
        y.sum().backward();
        assertEquals(7.0, x.grad().getFlat(0), 0);
    }

    @Test
    void diamondGraphSumsBothPaths() {
        Tensor x = var(2.0);
        Tensor a = x.exp();
        Tensor y = a.mul(a.sin()); // d/dx e^x sin(e^x) = e^x sin(e^x) + e^{2x} cos(e^x)
        y.sum().backward();
        double e = Math.exp(2.0);
        assertEquals(e * Math.sin(e) + e * e * Math.cos(e), x.grad().getFlat(0), 1e-9);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor x = var(1.0, 2.0);
        x.mul(2.0).sum().backward();
        x.mul(2.0).sum().backward();
        assertArrayEquals(new double[] {4, 4}, x.grad().toDoubleArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void leafGradientsNeverAliasTheSeedOrEachOther() {
        Tensor a = var(1.0, 2.0), b = var(3.0, 4.0);
        NDArray seed = NDArray.of(new double[] {1, 1}, 2);
        a.add(b).backward(seed);           // both leaves receive the very same upstream gradient
        a.reshape(2).backward(seed);       // a reshape hands the seed's storage straight back
        assertArrayEquals(new double[] {2, 2}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, b.grad().toDoubleArray(), "b's gradient is not a's");
        assertArrayEquals(new double[] {1, 1}, seed.toDoubleArray(), "the caller's seed is untouched");
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = var(1.0);
        Tensor y;
        try (var off = Grad.disabled()) {
            y = x.mul(2.0);
        }
        assertFalse(y.requiresGrad());
        assertNull(y.creator());
        assertTrue(Grad.isEnabled(), "the scope restores recording when closed");
        assertThrows(IllegalStateException.class, () -> y.sum().backward());
    }

    @Test
    void graphIsFreedAfterBackwardUnlessRetained() {
        Tensor x = var(1.0);
        Tensor y = x.exp().sum();
        y.backward(NDArray.ones(DType.F64), true);
        y.backward(NDArray.ones(DType.F64), false);
        assertEquals(2 * Math.E, x.grad().getFlat(0), 1e-12);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void constantsGetNoGradient() {
        Tensor x = var(1.0, 2.0);
        Tensor c = Tensor.of(new double[] {5, 6}, 2);
        x.mul(c).sum().backward();
        assertNull(c.grad());
        assertArrayEquals(new double[] {5, 6}, x.grad().toDoubleArray());
    }

    @Test
    void broadcastGradientIsSummedBackToTheInputShape() {
        Tensor w = Tensor.variable(NDArray.ones(DType.F64, 3));
        Tensor x = Tensor.of(NDArray.ones(DType.F64, 4, 3));
        x.add(w).sum().backward();
        assertArrayEquals(new double[] {4, 4, 4}, w.grad().toDoubleArray());
    }

    @Test
    void fusedCrossEntropyEqualsComposedValueAndGradient() {
        NDArray logits = NDArray.randn(new java.util.Random(3), DType.F32, 8, 10).mulScalar(5);
        int[] y = {0, 9, 3, 3, 7, 1, 2, 5};
        Tensor a = Tensor.variable(logits), b = Tensor.variable(logits);
        Tensor la = Functional.crossEntropy(a, y), lb = Functional.crossEntropyComposed(b, y);
        assertEquals(lb.item(), la.item(), 1e-5);
        la.backward();
        lb.backward();
        assertTrue(a.grad().allClose(b.grad(), 1e-4, 1e-6));
    }

    @Test
    void fusedLinearEqualsComposedValueAndGradients() {
        java.util.Random r = new java.util.Random(5);
        NDArray x = NDArray.randn(r, DType.F32, 9, 13), w = NDArray.randn(r, DType.F32, 7, 13), b = NDArray.randn(r, DType.F32, 7);
        Tensor[] fused = {Tensor.variable(x), Tensor.variable(w), Tensor.variable(b)};
        Tensor[] composed = {Tensor.variable(x), Tensor.variable(w), Tensor.variable(b)};
        Tensor yf = Functional.linear(fused[0], fused[1], fused[2]), yc = Functional.linearComposed(composed[0], composed[1], composed[2]);
        assertTrue(yf.value().allClose(yc.value(), 1e-6, 1e-6));
        yf.sigmoid().sum().backward();
        yc.sigmoid().sum().backward();
        for (int i = 0; i < 3; i++) assertTrue(fused[i].grad().allClose(composed[i].grad(), 1e-5, 1e-6), "input " + i);
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor x = Tensor.variable(NDArray.of(new float[] {1000f, 0f, -1000f, 0f, 1000f, 999f}, 2, 3));
        Tensor loss = Functional.crossEntropy(x, new int[] {0, 2});
        // row 0: log-sum-exp = 1000 -> loss 0; row 1: lse = 1000 + log(1 + e^-1), picks 999 -> 1 + log(1+e^-1)
        assertEquals((1 + Math.log(1 + Math.exp(-1))) / 2, loss.item(), 1e-5);
        loss.backward();
        assertFalse(Double.isNaN(x.grad().getFlat(0)));
    }

    @Test
    void crossEntropyRejectsLabelsOutOfRange() {
        Tensor x = Tensor.of(NDArray.zeros(2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(x, new int[] {0, 3}));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
    }

    @Test
    void reluSubgradientAtZeroIsZeroAsInTheCourse() {
        Tensor x = var(0.0, 1.0, -1.0);
        x.relu().sum().backward();
        assertArrayEquals(new double[] {0, 1, 0}, x.grad().toDoubleArray());
    }

    @Test
    void maximumSplitsTheGradientAtTies() {
        Tensor a = var(1.0), b = var(1.0);
        a.maximum(b).sum().backward();
        assertEquals(0.5, a.grad().getFlat(0));
        assertEquals(0.5, b.grad().getFlat(0));
    }

    @Test
    void jvpGivesTheDirectionalDerivative() {
        // f(x) = sum(x^2) -> J v = 2 x . v
        NDArray x = NDArray.of(new double[] {1, 2, 3}, 3), v = NDArray.of(new double[] {1, 0, -1}, 3);
        ForwardMode.Jvp r = ForwardMode.jvp(t -> t.pow(2).sum(), x, v);
        assertEquals(14, r.value().item(), 1e-12);
        assertEquals(2 * (1 - 3), r.tangent().item(), 1e-12);
    }

    /** x [4, 6], w [3, 6], b [3]; loss = sum(sigmoid(x w^T + b) * c) for a fixed c, so every gradient is dense. */
    private static Tensor linearLoss(NDArray x, Tensor w, Tensor b) {
        NDArray c = NDArray.randn(new java.util.Random(9), DType.F32, 4, 3);
        return Functional.linear(Tensor.of(x), w, b).sigmoid().mul(Tensor.of(c)).sum();
    }

    @Test
    void releasedGradientStorageReceivesTheNextGradientWithTheSameValues() {
        java.util.Random r = new java.util.Random(21);
        NDArray x1 = NDArray.randn(r, DType.F32, 4, 6), x2 = NDArray.randn(r, DType.F32, 4, 6);
        NDArray w0 = NDArray.randn(r, DType.F32, 3, 6), b0 = NDArray.randn(r, DType.F32, 3);
        Tensor w = Tensor.variable(w0.copy()), b = Tensor.variable(b0.copy());
        linearLoss(x1, w, b).backward();
        Object storage = w.grad().storageIdentity();
        w.releaseGrad();
        b.releaseGrad();
        assertNull(w.grad());
        linearLoss(x2, w, b).backward();
        assertSame(storage, w.grad().storageIdentity(), "the weight gradient was written into the released storage");

        Tensor wf = Tensor.variable(w0.copy()), bf = Tensor.variable(b0.copy());
        linearLoss(x2, wf, bf).backward();
        assertArrayEquals(wf.grad().toDoubleArray(), w.grad().toDoubleArray(), 0.0);
        assertArrayEquals(bf.grad().toDoubleArray(), b.grad().toDoubleArray(), 0.0);
    }

    @Test
    void zeroGradNeverOverwritesAGradientTheCallerStillHolds() {
        java.util.Random r = new java.util.Random(22);
        NDArray x1 = NDArray.randn(r, DType.F32, 4, 6), x2 = NDArray.randn(r, DType.F32, 4, 6);
        Tensor w = Tensor.variable(NDArray.randn(r, DType.F32, 3, 6)), b = Tensor.variable(NDArray.randn(r, DType.F32, 3));
        linearLoss(x1, w, b).backward();
        NDArray first = w.grad();
        double[] kept = first.toDoubleArray();
        w.zeroGrad();
        linearLoss(x2, w, b).backward();
        assertNotSame(first.storageIdentity(), w.grad().storageIdentity());
        assertArrayEquals(kept, first.toDoubleArray(), 0.0);
    }

    @Test
    void aReleasedLeafUsedTwiceInOneStepStillGetsTheSumOfBothGradients() {
        Tensor x = var(3.0, -1.0);
        x.mul(x).add(x).sum().backward();
        x.releaseGrad();
        x.mul(x).add(x).sum().backward(); // d/dx (x^2 + x) = 2x + 1
        assertArrayEquals(new double[] {7.0, -1.0}, x.grad().toDoubleArray(), 0.0);

        NDArray xv = NDArray.randn(new java.util.Random(23), DType.F32, 5, 5);
        Tensor a = Tensor.variable(xv);
        Functional.linear(a, a, null).sum().backward();
        NDArray want = a.grad().copy();
        a.releaseGrad();
        Functional.linear(a, a, null).sum().backward(); // a is both the input and the weight of one op
        assertArrayEquals(want.toDoubleArray(), a.grad().toDoubleArray(), 0.0);
    }
}
