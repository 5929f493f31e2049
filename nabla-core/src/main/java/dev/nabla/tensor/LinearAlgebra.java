package dev.nabla.tensor;

import java.util.Arrays;

/**
 * Matrix products behind {@link NDArray#matmul}: shape checks, type promotion and batch broadcasting here; each
 * [m, k] x [k, n] product is one {@link Dispatch#matmul2d} call (the GEMM kernel for float32, with transposed
 * views passed without copying).
 */
final class LinearAlgebra {
    private LinearAlgebra() {}

    /** {@code x @ y}, into {@code out} when that is a contiguous array of the result's shape and type. */
    static NDArray matmul(NDArray x, NDArray y, NDArray out) {
        int[] xs = x.shape, ys = y.shape;
        if (xs.length < 2 || ys.length < 2) {
            throw new IllegalArgumentException("matmul: expects arrays of rank >= 2, got " + Shape.str(xs) + " and " + Shape.str(ys));
        }
        int m = xs[xs.length - 2], k = xs[xs.length - 1];
        int k2 = ys[ys.length - 2], n = ys[ys.length - 1];
        if (k != k2) {
            throw new IllegalArgumentException("matmul: cannot multiply " + Shape.str(xs) + " by " + Shape.str(ys)
                    + ": inner dimensions " + k + " and " + k2 + " differ");
        }
        DType t = DType.promote(x.dtype, y.dtype);
        NDArray a = x.to(t), b = y.to(t);
        if (xs.length == 2 && ys.length == 2) {
            NDArray c = out != null && out.dtype == t && out.shape.length == 2 && out.shape[0] == m && out.shape[1] == n
                    && out.isContiguous() ? out : NDArray.zeros(t, m, n);
            Dispatch.matmul2d(a, a.offset, b, b.offset, c, c.offset, m, n, k);
            return c;
        }
        int[] batchA = Arrays.copyOf(xs, xs.length - 2), batchB = Arrays.copyOf(ys, ys.length - 2);
        int[] batch = Shape.broadcast("matmul", batchA, batchB);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        int[] fullA = Arrays.copyOf(batch, batch.length + 2), fullB = fullA.clone();
        fullA[batch.length] = m; fullA[batch.length + 1] = k;
        fullB[batch.length] = k; fullB[batch.length + 1] = n;
        NDArray ea = a.expand(fullA), eb = b.expand(fullB);
        NDArray result = NDArray.zeros(t, outShape);
        int nb = Shape.numel(batch);
        for (int bi = 0; bi < nb; bi++) {
            int offA = ea.offset, offB = eb.offset, rem = bi;
            for (int ax = batch.length - 1; ax >= 0; ax--) {
                int idx = rem % batch[ax];
                rem /= batch[ax];
                offA += idx * ea.strides[ax];
                offB += idx * eb.strides[ax];
            }
            Dispatch.matmul2d(ea, offA, eb, offB, result, bi * m * n, m, n, k);
        }
        return result;
    }
}
