package dev.nabla.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class NDArrayTest {

    private static NDArray range(int... shape) {
        NDArray a = NDArray.zeros(shape);
        for (int i = 0; i < a.numel(); i++) a.setFlat(i, i);
        return a;
    }

    @Test
    void broadcastingFollowsNumpyRules() {
        NDArray a = range(2, 3), b = NDArray.of(new float[] {10, 20, 30}, 3), c = NDArray.of(new float[] {100, 200}, 2, 1);
        assertArrayEquals(new float[] {10, 21, 32, 13, 24, 35}, a.add(b).toFloatArray());
        assertArrayEquals(new float[] {100, 101, 102, 203, 204, 205}, a.add(c).toFloatArray());
        assertArrayEquals(new int[] {2, 3}, b.add(c).shape());
    }

    @Test
    void incompatibleShapesNameTheOpAndBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> range(2, 3).mul(range(4)));
        assertEquals("mul: shapes [2, 3] and [4] cannot be broadcast (dimension 1: 3 vs 4)", e.getMessage());
    }

    @Test
    void matmulShapeErrorNamesBothShapesAndInnerDimensions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NDArray.zeros(64, 784).matmul(NDArray.zeros(128, 10)));
        assertEquals("matmul: cannot multiply [64, 784] by [128, 10]: inner dimensions 784 and 128 differ", e.getMessage());
    }

    @Test
    void transposeAndSliceAreViewsThatShareStorage() {
        NDArray a = range(3, 4);
        NDArray t = a.t();
        assertArrayEquals(new int[] {4, 3}, t.shape());
        assertFalse(t.isContiguous());
        a.set(99, 1, 2);
        assertEquals(99, t.get(2, 1));
        NDArray s = a.slice(1, 1, 3);
        assertArrayEquals(new float[] {1, 2, 5, 99, 9, 10}, s.toFloatArray());
        s.set(-1, 0, 0);
        assertEquals(-1, a.get(0, 1));
    }

    @Test
    void reshapeInfersOneDimensionAndRejectsMismatches() {
        assertArrayEquals(new int[] {4, 6}, range(2, 3, 4).reshape(4, -1).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> range(2, 3).reshape(4, 2));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
    }

    @Test
    void invalidShapesAndAxesAreRejectedClearly() {
        assertThrows(IllegalArgumentException.class, () -> NDArray.zeros(2, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> range(2, 3).sum(false, 2));
        assertEquals("sum: axis 2 is out of range for a tensor of rank 2", e.getMessage());
    }

    @Test
    void matmulOfTransposedViewsEqualsMatmulOfCopies() {
        java.util.Random r = new java.util.Random(1);
        NDArray a = NDArray.randn(r, DType.F32, 7, 5), b = NDArray.randn(r, DType.F32, 9, 7);
        NDArray viaViews = a.t().matmul(b.t());
        NDArray viaCopies = a.t().copy().matmul(b.t().copy());
        assertTrue(viaViews.allClose(viaCopies, 1e-6, 1e-6));
        NDArray ref = a.to(DType.F64).t().matmul(b.to(DType.F64).t());
        assertTrue(viaViews.allClose(ref, 1e-5, 1e-5));
    }

    @Test
    void reductionsOverAxes() {
        NDArray a = range(2, 3);
        assertArrayEquals(new float[] {3, 5, 7}, a.sum(false, 0).toFloatArray());
        assertArrayEquals(new float[] {1, 4}, a.mean(false, 1).toFloatArray());
        assertArrayEquals(new int[] {2, 1}, a.max(true, 1).shape());
        assertEquals(5, a.max(false).item());
        assertArrayEquals(new int[] {2, 2}, NDArray.of(new float[] {0, 1, 5, 2, 0, 9}, 2, 3).argmaxRows());
    }

    @Test
    void gatherPicksAlongAnAxisAndScatterAddInvertsIt() {
        NDArray a = range(3, 4);
        NDArray g = a.gather(1, new int[] {3, 0, 2}, new int[] {3, 1});
        assertArrayEquals(new float[] {3, 4, 10}, g.toFloatArray());
        NDArray back = NDArray.scatterAdd(new int[] {3, 4}, 1, new int[] {3, 0, 2}, new int[] {3, 1}, NDArray.ones(DType.F32, 3, 1));
        assertEquals(1, back.get(0, 3));
        assertEquals(0, back.get(0, 0));
    }

    @Test
    void concatJoinsAlongAnAxis() {
        NDArray c = NDArray.concat(0, range(1, 2), range(2, 2));
        assertArrayEquals(new float[] {0, 1, 0, 1, 2, 3}, c.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> NDArray.concat(0, range(1, 2), range(1, 3)));
    }

    @Test
    void sigmoidBackwardEqualsTheComposedOpsBitForBit() {
        java.util.Random r = new java.util.Random(11);
        for (DType t : DType.values()) {
            NDArray g = NDArray.randn(r, t, 5, 19), s = NDArray.randn(r, t, 5, 19).sigmoid();
            NDArray want = g.mul(s).mul(s.neg().addScalar(1));
            assertArrayEquals(want.toDoubleArray(), g.sigmoidBackward(s).toDoubleArray(), 0.0, t.toString());
            // a transposed (non-contiguous) operand takes the general path and gives the same values
            NDArray gt = g.t().copy().t();
            assertArrayEquals(want.toDoubleArray(), gt.sigmoidBackward(s).toDoubleArray(), 0.0, t + " strided");
        }
    }
}
