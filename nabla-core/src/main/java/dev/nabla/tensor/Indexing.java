package dev.nabla.tensor;

import java.util.Arrays;

/** Joining and indexing behind {@link NDArray}'s methods: concat, gather and its backward scatter-add, row selection. */
final class Indexing {
    private Indexing() {}

    static NDArray concat(int axis, NDArray... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: needs at least one array");
        int rank = parts[0].rank();
        int a = Shape.axis("concat", axis, rank);
        int[] outShape = parts[0].shape();
        DType t = parts[0].dtype;
        int total = 0;
        for (NDArray p : parts) {
            if (p.rank() != rank) throw new IllegalArgumentException("concat: ranks differ: " + Shape.str(parts[0].shape) + " and " + Shape.str(p.shape));
            for (int i = 0; i < rank; i++) {
                if (i != a && p.shape[i] != outShape[i]) {
                    throw new IllegalArgumentException("concat: shapes " + Shape.str(parts[0].shape) + " and " + Shape.str(p.shape) + " differ outside axis " + a);
                }
            }
            total += p.shape[a];
            t = DType.promote(t, p.dtype);
        }
        outShape[a] = total;
        NDArray out = NDArray.zeros(t, outShape);
        int at = 0;
        for (NDArray p : parts) {
            out.slice(a, at, at + p.shape[a]).assign(p);
            at += p.shape[a];
        }
        return out;
    }

    static NDArray gather(NDArray x, int axis, int[] index, int[] indexShape) {
        int a = Shape.axis("gather", axis, x.shape.length);
        checkIndexShape("gather", x.shape, a, index, indexShape);
        NDArray out = NDArray.zeros(x.dtype, indexShape);
        int[] idx = new int[indexShape.length];
        for (int i = 0; i < index.length; i++) {
            unravel(i, indexShape, idx);
            int v = index[i];
            if (v < 0 || v >= x.shape[a]) {
                throw new IndexOutOfBoundsException("gather: index " + v + " is out of range for axis " + a + " of size " + x.shape[a]);
            }
            idx[a] = v;
            out.setFlat(i, x.get(idx));
        }
        return out;
    }

    static NDArray scatterAdd(int[] shape, int axis, int[] index, int[] indexShape, NDArray src) {
        NDArray out = NDArray.zeros(src.dtype, shape);
        int a = Shape.axis("scatterAdd", axis, shape.length);
        int[] idx = new int[indexShape.length];
        for (int i = 0; i < index.length; i++) {
            unravel(i, indexShape, idx);
            idx[a] = index[i];
            out.set(out.get(idx) + src.getFlat(i), idx);
        }
        return out;
    }

    private static void checkIndexShape(String op, int[] shape, int a, int[] index, int[] indexShape) {
        if (indexShape.length != shape.length || Shape.numel(indexShape) != index.length) {
            throw new IllegalArgumentException(op + ": index of shape " + Shape.str(indexShape) + " (" + index.length
                    + " values) does not fit an array of shape " + Shape.str(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            if (i != a && indexShape[i] > shape[i]) {
                throw new IllegalArgumentException(op + ": index shape " + Shape.str(indexShape) + " exceeds " + Shape.str(shape) + " at axis " + i);
            }
        }
    }

    private static void unravel(int flat, int[] shape, int[] out) {
        for (int ax = shape.length - 1; ax >= 0; ax--) {
            out[ax] = flat % shape[ax];
            flat /= shape[ax];
        }
    }

    static NDArray selectRows(NDArray x, int[] rows) {
        int[] shape = x.shape;
        if (shape.length == 0) throw new IllegalArgumentException("selectRows: needs an array of rank >= 1");
        int[] outShape = shape.clone();
        outShape[0] = rows.length;
        NDArray src = x.contiguous();
        NDArray out = NDArray.zeros(x.dtype, outShape);
        int row = outShape.length == 1 ? 1 : Shape.numel(Arrays.copyOfRange(shape, 1, shape.length));
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            if (r < 0 || r >= shape[0]) throw new IndexOutOfBoundsException("selectRows: row " + r + " is out of range for " + Shape.str(shape));
            Dispatch.copyRange(src, src.offset + r * row, out, i * row, row);
        }
        return out;
    }
}
