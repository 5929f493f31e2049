package dev.nabla.tensor;

import java.util.Arrays;

/**
 * Reductions behind {@link NDArray}'s methods: sum, mean, max over any axes, row argmax, and summing a broadcast
 * result back to a shape. The reduced axes are moved last and made contiguous, so each output element owns one
 * block of the input; float32 sums accumulate in float64 ({@link Dispatch} holds the loops).
 */
final class Reductions {
    private Reductions() {}

    /** Moves the reduced axes last and returns the contiguous result, so each output element owns one block. */
    private static NDArray reducedAxesLast(NDArray x, int[] axes) {
        int rank = x.shape.length;
        int[] perm = new int[rank];
        boolean[] red = new boolean[rank];
        for (int a : axes) red[a] = true;
        int k = 0;
        for (int i = 0; i < rank; i++) if (!red[i]) perm[k++] = i;
        for (int a : axes) perm[k++] = a;
        return x.permute(perm).contiguous();
    }

    private static int[] reducedShape(int[] shape, int[] axes, boolean keepDims) {
        boolean[] red = new boolean[shape.length];
        for (int a : axes) red[a] = true;
        int[] out = new int[keepDims ? shape.length : shape.length - axes.length];
        for (int i = 0, k = 0; i < shape.length; i++) {
            if (!red[i]) out[k++] = shape[i];
            else if (keepDims) out[k++] = 1;
        }
        return out;
    }

    private static boolean isLeading(int[] sortedAxes) {
        for (int i = 0; i < sortedAxes.length; i++) if (sortedAxes[i] != i) return false;
        return true;
    }

    static NDArray sum(NDArray x, boolean keepDims, int... axes) {
        int[] ax = Shape.axes("sum", axes, x.shape.length);
        int[] outShape = reducedShape(x.shape, ax, keepDims);
        if (x.isContiguous() && isLeading(ax) && ax.length < x.shape.length) {
            // the leading axes of a contiguous array: whole rows added in order, no transposing copy
            int rows = 1;
            for (int i = 0; i < ax.length; i++) rows *= x.shape[i];
            return Dispatch.sumRows(x, rows, x.numel() / Math.max(rows, 1), outShape);
        }
        NDArray src = reducedAxesLast(x, ax);
        NDArray out = NDArray.zeros(x.dtype, outShape);
        int outer = out.numel(), block = outer == 0 ? 0 : src.numel() / outer;
        Dispatch.sumBlocks(src, block, out);
        return out;
    }

    static NDArray mean(NDArray x, boolean keepDims, int... axes) {
        int[] ax = Shape.axes("mean", axes, x.shape.length);
        int count = 1;
        for (int a : ax) count *= x.shape[a];
        if (count == 0) throw new IllegalArgumentException("mean: reducing over an empty dimension of " + Shape.str(x.shape));
        return sum(x, keepDims, ax).mulScalar(1.0 / count);
    }

    static NDArray max(NDArray x, boolean keepDims, int... axes) {
        int[] ax = Shape.axes("max", axes, x.shape.length);
        NDArray src = reducedAxesLast(x, ax);
        int[] outShape = reducedShape(x.shape, ax, keepDims);
        NDArray out = NDArray.zeros(x.dtype, outShape);
        int outer = out.numel(), block = outer == 0 ? 0 : src.numel() / outer;
        if (block == 0 && outer > 0) throw new IllegalArgumentException("max: reducing over an empty dimension of " + Shape.str(x.shape));
        Dispatch.maxBlocks(src, block, out);
        return out;
    }

    static int[] argmaxRows(NDArray x) {
        if (x.shape.length != 2) throw new IllegalArgumentException("argmaxRows: expects [N, C], got " + Shape.str(x.shape));
        int n = x.shape[0], c = x.shape[1];
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bv = x.get(i, 0);
            for (int j = 1; j < c; j++) {
                double v = x.get(i, j);
                if (v > bv) { bv = v; best = j; }
            }
            out[i] = best;
        }
        return out;
    }

    static NDArray sumTo(NDArray x, int[] target) {
        int[] shape = x.shape;
        if (Arrays.equals(shape, target)) return x;
        int lead = shape.length - target.length;
        if (lead < 0) throw new IllegalArgumentException("sumTo: cannot reduce " + Shape.str(shape) + " to " + Shape.str(target));
        int[] axes = new int[shape.length];
        int k = 0;
        for (int i = 0; i < shape.length; i++) {
            if (i < lead) axes[k++] = i;
            else if (target[i - lead] == 1 && shape[i] != 1) axes[k++] = i;
            else if (target[i - lead] != shape[i]) throw new IllegalArgumentException("sumTo: cannot reduce " + Shape.str(shape) + " to " + Shape.str(target));
        }
        if (k == 0) return x.reshape(target);
        return sum(x, true, Arrays.copyOf(axes, k)).reshape(target);
    }
}
