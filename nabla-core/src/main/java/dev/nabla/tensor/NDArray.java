package dev.nabla.tensor;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * An n-dimensional array of float32 or float64 numbers: storage, shape, strides and offset, with NumPy-style
 * broadcasting. It knows nothing of gradients: {@code dev.nabla.autograd.Tensor} records graphs on top of it.
 *
 * <p>Views ({@link #reshape}, {@link #permute}, {@link #slice}, {@link #expand}) share storage; every math op
 * returns a new contiguous array. Shape errors name the op and both shapes.
 *
 * <p>This class holds the storage, its layout and the views; the math is grouped by concern in package-private
 * classes that its methods call: {@code Elementwise}, {@code Reductions}, {@code LinearAlgebra}, {@code Indexing},
 * and {@code Dispatch}, the one place that picks the float32 (kernel) or float64 loop, down to single elements.
 */
public final class NDArray {
    // package-private: the math classes of this package (Elementwise, Reductions, LinearAlgebra, Indexing, Dispatch)
    // read the storage and layout directly
    final DType dtype;
    final float[] f;   // storage when F32
    final double[] d;  // storage when F64
    final int offset;
    final int[] shape;
    final int[] strides;

    NDArray(DType dtype, float[] f, double[] d, int offset, int[] shape, int[] strides) {
        this.dtype = dtype;
        this.f = f;
        this.d = d;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // ---------------------------------------------------------------- construction

    /** Wraps {@code data} (no copy) as a contiguous float32 array of the given shape. */
    public static NDArray of(float[] data, int... shape) {
        int n = Shape.numel(shape);
        if (data.length != n) {
            throw new IllegalArgumentException("of: " + data.length + " values cannot fill shape " + Shape.str(shape) + " (" + n + " elements)");
        }
        return new NDArray(DType.F32, data, null, 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    /** Wraps {@code data} (no copy) as a contiguous float64 array of the given shape. */
    public static NDArray of(double[] data, int... shape) {
        int n = Shape.numel(shape);
        if (data.length != n) {
            throw new IllegalArgumentException("of: " + data.length + " values cannot fill shape " + Shape.str(shape) + " (" + n + " elements)");
        }
        return new NDArray(DType.F64, null, data, 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    public static NDArray zeros(DType dtype, int... shape) {
        int n = Shape.numel(shape);
        return dtype == DType.F32 ? of(new float[n], shape) : of(new double[n], shape);
    }

    public static NDArray zeros(int... shape) {
        return zeros(DType.F32, shape);
    }

    public static NDArray full(double value, DType dtype, int... shape) {
        NDArray a = zeros(dtype, shape);
        a.fill(value);
        return a;
    }

    public static NDArray ones(DType dtype, int... shape) {
        return full(1.0, dtype, shape);
    }

    public static NDArray scalar(double value, DType dtype) {
        return full(value, dtype);
    }

    /** Standard normal samples from {@code rng}. */
    public static NDArray randn(Random rng, DType dtype, int... shape) {
        NDArray a = zeros(dtype, shape);
        for (int i = 0; i < a.numel(); i++) a.setFlat(i, rng.nextGaussian());
        return a;
    }

    /** Uniform samples in [lo, hi) from {@code rng}. */
    public static NDArray uniform(Random rng, double lo, double hi, DType dtype, int... shape) {
        NDArray a = zeros(dtype, shape);
        for (int i = 0; i < a.numel(); i++) a.setFlat(i, lo + (hi - lo) * rng.nextDouble());
        return a;
    }

    // ---------------------------------------------------------------- accessors

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[Shape.axis("dim", axis, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return Shape.numel(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    public int offset() {
        return offset;
    }

    /** True when the elements are laid out row-major without gaps (so the storage can be walked flat). */
    public boolean isContiguous() {
        int expect = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expect) return false;
            expect *= shape[i];
        }
        return true;
    }

    /**
     * The float32 storage of a contiguous array, starting at {@link #offset()}; kernels read it directly.
     *
     * @throws IllegalStateException when the array is float64 or not contiguous
     */
    public float[] floatStorage() {
        if (dtype != DType.F32 || !isContiguous()) throw new IllegalStateException("floatStorage needs a contiguous float32 array");
        return f;
    }

    /** The float64 storage of a contiguous array, starting at {@link #offset()}. */
    public double[] doubleStorage() {
        if (dtype != DType.F64 || !isContiguous()) throw new IllegalStateException("doubleStorage needs a contiguous float64 array");
        return d;
    }

    /** The storage array itself, for identity checks only (two arrays with the same storage may alias). */
    public Object storageIdentity() {
        return dtype == DType.F32 ? f : d;
    }

    private int physical(int[] idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(idx) + " has " + idx.length + " dimensions, array has shape " + Shape.str(shape));
        }
        int p = offset;
        for (int i = 0; i < idx.length; i++) {
            int k = idx[i] < 0 ? idx[i] + shape[i] : idx[i];
            if (k < 0 || k >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " is out of bounds for shape " + Shape.str(shape));
            }
            p += k * strides[i];
        }
        return p;
    }

    /** The physical storage position of the i-th element in row-major logical order. */
    private int physicalFlat(int i) {
        int p = offset;
        for (int ax = shape.length - 1; ax >= 0; ax--) {
            int dimSize = shape[ax];
            p += (i % dimSize) * strides[ax];
            i /= dimSize;
        }
        return p;
    }

    public double get(int... idx) {
        int p = physical(idx);
        return Dispatch.read(this, p);
    }

    public void set(double value, int... idx) {
        Dispatch.write(this, physical(idx), value);
    }

    /** The i-th element in row-major logical order. */
    public double getFlat(int i) {
        return Dispatch.read(this, isContiguous() ? offset + i : physicalFlat(i));
    }

    public void setFlat(int i, double value) {
        Dispatch.write(this, isContiguous() ? offset + i : physicalFlat(i), value);
    }

    /** The value of a one-element array. */
    public double item() {
        if (numel() != 1) throw new IllegalArgumentException("item: array of shape " + Shape.str(shape) + " has " + numel() + " elements, expected 1");
        return getFlat(0);
    }

    /** A fresh row-major float[] of the values. */
    public float[] toFloatArray() {
        NDArray c = to(DType.F32).contiguous();
        return Arrays.copyOfRange(c.f, c.offset, c.offset + c.numel());
    }

    /** A fresh row-major double[] of the values. */
    public double[] toDoubleArray() {
        int n = numel();
        double[] out = new double[n];
        if (isContiguous()) Dispatch.copyRange(this, offset, out, n);
        else for (int i = 0; i < n; i++) out[i] = getFlat(i);
        return out;
    }

    // ---------------------------------------------------------------- copies and conversions

    /** This array if already contiguous, else a contiguous copy. */
    public NDArray contiguous() {
        return isContiguous() ? this : copy();
    }

    /** A contiguous copy that shares nothing with this array. */
    public NDArray copy() {
        NDArray out = zeros(dtype, shape);
        Dispatch.copy(this, out);
        return out;
    }

    /** This array converted to {@code target} (itself when already of that type). */
    public NDArray to(DType target) {
        if (target == dtype) return this;
        NDArray out = zeros(target, shape);
        Dispatch.copy(this, out);
        return out;
    }

    /** Writes the values of {@code src} (broadcast to this shape) into this array, in place. */
    public void assign(NDArray src) {
        NDArray s = src.expand(shape);
        Dispatch.copy(s, this);
    }

    /** Sets every element to {@code value}, in place. */
    public void fill(double value) {
        if (isContiguous()) Dispatch.fill(this, offset, offset + numel(), value);
        else for (int i = 0; i < numel(); i++) setFlat(i, value);
    }

    /** {@code this += alpha * other} in place (other broadcast to this shape); used to accumulate gradients. */
    public void addInPlace(NDArray other, double alpha) {
        Dispatch.axpy(this, alpha, other.expand(shape));
    }

    /**
     * Adds {@code row} ([n]) to every row of this contiguous [m, n] array, in place: the bias add of a linear layer.
     */
    public void addRowInPlace(NDArray row) {
        if (shape.length != 2 || row.numel() != shape[1] || !isContiguous()) {
            throw new IllegalArgumentException("addRowInPlace: cannot add " + Shape.str(row.shape) + " to the rows of " + Shape.str(shape));
        }
        Dispatch.addRows(this, row, shape[0], shape[1]);
    }

    // ---------------------------------------------------------------- views

    /** A view of this array's storage with the given layout (no checks: callers in this package compute it). */
    NDArray view(int viewOffset, int[] viewShape, int[] viewStrides) {
        return new NDArray(dtype, f, d, viewOffset, viewShape, viewStrides);
    }

    /** A view with a new shape of the same size (one dimension may be -1); copies only when the layout requires. */
    public NDArray reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: only one dimension can be -1, got " + Shape.str(newShape));
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: negative dimension in " + Shape.str(newShape));
            } else {
                known *= s[i];
            }
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + Shape.str(shape) + " into " + Shape.str(newShape));
            }
            s[infer] = n / known;
        }
        if (Shape.numel(s) != n) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Shape.str(shape) + " (" + n + " elements) into "
                    + Shape.str(newShape) + " (" + Shape.numel(s) + " elements)");
        }
        NDArray c = contiguous();
        return new NDArray(dtype, c.f, c.d, c.offset, s, Shape.contiguousStrides(s));
    }

    /** A view with the axes reordered: result axis i is this array's axis {@code axes[i]}. */
    public NDArray permute(int... axes) {
        if (axes.length != shape.length) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(axes) + " does not list the " + shape.length + " axes of " + Shape.str(shape));
        }
        int[] s = new int[axes.length], st = new int[axes.length];
        boolean[] seen = new boolean[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = Shape.axis("permute", axes[i], shape.length);
            if (seen[a]) throw new IllegalArgumentException("permute: axis " + a + " repeated in " + Arrays.toString(axes));
            seen[a] = true;
            s[i] = shape[a];
            st[i] = strides[a];
        }
        return new NDArray(dtype, f, d, offset, s, st);
    }

    /** A view with two axes swapped. */
    public NDArray transpose(int a, int b) {
        int[] p = new int[shape.length];
        for (int i = 0; i < p.length; i++) p[i] = i;
        int x = Shape.axis("transpose", a, shape.length), y = Shape.axis("transpose", b, shape.length);
        p[x] = y;
        p[y] = x;
        return permute(p);
    }

    /** The transpose of a 2-D array (a view). */
    public NDArray t() {
        if (shape.length != 2) throw new IllegalArgumentException("t: expects a 2-D array, got shape " + Shape.str(shape));
        return transpose(0, 1);
    }

    /** A view of indices [start, end) along {@code axis}. */
    public NDArray slice(int axis, int start, int end) {
        int a = Shape.axis("slice", axis, shape.length);
        if (start < 0 || end < start || end > shape[a]) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") is invalid for axis " + a + " of size " + shape[a] + " in " + Shape.str(shape));
        }
        int[] s = shape.clone();
        s[a] = end - start;
        return new NDArray(dtype, f, d, offset + start * strides[a], s, strides.clone());
    }

    /** A broadcast view of this array with the given shape (size-1 and missing leading dimensions get stride 0). */
    public NDArray expand(int... target) {
        if (Arrays.equals(target, shape)) return this;
        int n = target.length;
        if (n < shape.length) {
            throw new IllegalArgumentException("expand: cannot broadcast " + Shape.str(shape) + " to " + Shape.str(target));
        }
        int[] st = new int[n];
        for (int i = 0; i < n; i++) {
            int j = i - (n - shape.length);
            if (j < 0) { st[i] = 0; continue; }
            if (shape[j] == target[i]) st[i] = strides[j];
            else if (shape[j] == 1) st[i] = 0;
            else throw new IllegalArgumentException("expand: cannot broadcast " + Shape.str(shape) + " to " + Shape.str(target));
        }
        return new NDArray(dtype, f, d, offset, target.clone(), st);
    }


    // ---------------------------------------------------------------- elementwise (Elementwise)

    /** A float32 function of one float, used on the fast path. */
    @FunctionalInterface
    public interface FloatUnary {
        float apply(float x);
    }

    /** A float32 function of two floats, used on the fast path. */
    @FunctionalInterface
    public interface FloatBinary {
        float apply(float x, float y);
    }

    /** Applies a function elementwise: {@code ff} for float32 data, {@code fd} for float64. */
    public NDArray map(FloatUnary ff, DoubleUnaryOperator fd) { return Dispatch.map(this, ff, fd); }

    /** Applies a function to pairs of broadcast elements; the result has the broadcast shape and promoted type. */
    public NDArray zip(String op, NDArray other, FloatBinary ff, DoubleBinaryOperator fd) {
        return Dispatch.zip(op, this, other, ff, fd);
    }

    public NDArray add(NDArray o) { return Elementwise.add(this, o); }
    public NDArray sub(NDArray o) { return Elementwise.sub(this, o); }
    public NDArray mul(NDArray o) { return Elementwise.mul(this, o); }
    public NDArray div(NDArray o) { return Elementwise.div(this, o); }
    /** {@code this ^ o} elementwise. */
    public NDArray pow(NDArray o) { return Elementwise.pow(this, o); }
    public NDArray maximum(NDArray o) { return Elementwise.maximum(this, o); }
    public NDArray minimum(NDArray o) { return Elementwise.minimum(this, o); }
    /** 1 where {@code this > o}, else 0 (same type as the promoted operands). */
    public NDArray gt(NDArray o) { return Elementwise.gt(this, o); }
    /** 1 where {@code this >= o}, else 0. */
    public NDArray ge(NDArray o) { return Elementwise.ge(this, o); }
    /** 1 where {@code this == o}, else 0. */
    public NDArray eq(NDArray o) { return Elementwise.eq(this, o); }

    public NDArray addScalar(double s) { return Elementwise.addScalar(this, s); }
    public NDArray mulScalar(double s) { return Elementwise.mulScalar(this, s); }
    public NDArray powScalar(double p) { return Elementwise.powScalar(this, p); }

    public NDArray neg() { return Elementwise.neg(this); }
    public NDArray exp() { return Elementwise.exp(this); }
    public NDArray log() { return Elementwise.log(this); }
    public NDArray sqrt() { return Elementwise.sqrt(this); }
    public NDArray abs() { return Elementwise.abs(this); }
    /** -1, 0 or 1 by the sign of each element. */
    public NDArray sign() { return Elementwise.sign(this); }
    public NDArray sin() { return Elementwise.sin(this); }
    public NDArray cos() { return Elementwise.cos(this); }
    public NDArray tanh() { return Elementwise.tanh(this); }
    /** The logistic function {@code 1 / (1 + e^-x)}. */
    public NDArray sigmoid() { return Elementwise.sigmoid(this); }
    /** {@code max(x, 0)}. */
    public NDArray relu() { return Elementwise.relu(this); }

    /**
     * The sigmoid's backward, with this array the upstream gradient and {@code s} the sigmoid's output:
     * {@code this * s * (1 - s)} elementwise (broadcasting), in that order.
     */
    public NDArray sigmoidBackward(NDArray s) { return Elementwise.sigmoidBackward(this, s); }

    /**
     * The ReLU's backward, with this array the upstream gradient and {@code x} the ReLU's input:
     * {@code x > 0 ? this : 0} elementwise (broadcasting).
     */
    public NDArray reluBackward(NDArray x) { return Elementwise.reluBackward(this, x); }

    /** {@code cond != 0 ? a : b}, broadcasting all three. */
    public static NDArray where(NDArray cond, NDArray a, NDArray b) { return Elementwise.where(cond, a, b); }

    // ---------------------------------------------------------------- reductions (Reductions)

    /** Sum over {@code axes} (all when none are given); float32 sums accumulate in float64. */
    public NDArray sum(boolean keepDims, int... axes) { return Reductions.sum(this, keepDims, axes); }

    /** Mean over {@code axes} (all when none are given). */
    public NDArray mean(boolean keepDims, int... axes) { return Reductions.mean(this, keepDims, axes); }

    /** Maximum over {@code axes} (all when none are given). */
    public NDArray max(boolean keepDims, int... axes) { return Reductions.max(this, keepDims, axes); }

    /** Index of the largest element along the last axis of a 2-D array ([N, C] -> N indices); ties pick the first. */
    public int[] argmaxRows() { return Reductions.argmaxRows(this); }

    /** Sums a broadcast result back down to {@code target} (the backward of broadcasting). */
    public NDArray sumTo(int[] target) { return Reductions.sumTo(this, target); }

    // ---------------------------------------------------------------- linear algebra (LinearAlgebra)

    /**
     * Matrix product. 2-D: [m, k] x [k, n] -> [m, n]. Batched: [..., m, k] x [..., k, n] -> [..., m, n] with the
     * leading (batch) dimensions broadcast. Transposed views are passed to the kernel without copying.
     */
    public NDArray matmul(NDArray o) { return LinearAlgebra.matmul(this, o, null); }

    /**
     * {@link #matmul(NDArray)}, written into {@code out} when that is a contiguous array of the result's shape and
     * type (its old values are ignored and overwritten), else into a fresh array; returns the array written.
     */
    public NDArray matmul(NDArray o, NDArray out) { return LinearAlgebra.matmul(this, o, out); }

    // ---------------------------------------------------------------- joining and indexing (Indexing)

    /** Joins arrays along {@code axis}; all other dimensions must match. */
    public static NDArray concat(int axis, NDArray... parts) { return Indexing.concat(axis, parts); }

    /**
     * Gathers along {@code axis}: {@code out[i][j] = this[i][index[i][j]]} for axis 1 (likewise for any axis and
     * rank, as torch.gather). {@code index} has shape {@code indexShape}, which matches this array's shape except
     * along {@code axis}.
     */
    public NDArray gather(int axis, int[] index, int[] indexShape) { return Indexing.gather(this, axis, index, indexShape); }

    /** The backward of {@link #gather}: adds {@code src} into a zero array of {@code shape} at the gathered places. */
    public static NDArray scatterAdd(int[] shape, int axis, int[] index, int[] indexShape, NDArray src) {
        return Indexing.scatterAdd(shape, axis, index, indexShape, src);
    }

    /** Rows (along axis 0) picked by {@code rows}, in that order: a copy of shape [rows.length, ...]. */
    public NDArray selectRows(int[] rows) { return Indexing.selectRows(this, rows); }

    // ---------------------------------------------------------------- comparison and printing

    /** True when shapes match and {@code |a - b| <= atol + rtol * |b|} everywhere. */
    public boolean allClose(NDArray other, double rtol, double atol) {
        if (!Arrays.equals(shape, other.shape)) return false;
        for (int i = 0; i < numel(); i++) {
            double a = getFlat(i), b = other.getFlat(i);
            if (Double.isNaN(a) || Double.isNaN(b) || Math.abs(a - b) > atol + rtol * Math.abs(b)) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("NDArray(").append(dtype).append(", ").append(Shape.str(shape)).append(", [");
        int n = numel(), show = Math.min(n, 8);
        for (int i = 0; i < show; i++) {
            if (i > 0) sb.append(", ");
            sb.append((float) getFlat(i));
        }
        if (n > show) sb.append(", ...");
        return sb.append("])").toString();
    }
}
