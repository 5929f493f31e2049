package dev.nabla.tensor;

import dev.nabla.kernel.Kernels;

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
 */
public final class NDArray {
    private final DType dtype;
    private final float[] f;   // storage when F32
    private final double[] d;  // storage when F64
    private final int offset;
    private final int[] shape;
    private final int[] strides;

    private NDArray(DType dtype, float[] f, double[] d, int offset, int[] shape, int[] strides) {
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
        return dtype == DType.F32 ? f[p] : d[p];
    }

    public void set(double value, int... idx) {
        int p = physical(idx);
        if (dtype == DType.F32) f[p] = (float) value;
        else d[p] = value;
    }

    /** The i-th element in row-major logical order. */
    public double getFlat(int i) {
        int p = isContiguous() ? offset + i : physicalFlat(i);
        return dtype == DType.F32 ? f[p] : d[p];
    }

    public void setFlat(int i, double value) {
        int p = isContiguous() ? offset + i : physicalFlat(i);
        if (dtype == DType.F32) f[p] = (float) value;
        else d[p] = value;
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
        if (isContiguous()) {
            if (dtype == DType.F32) for (int i = 0; i < n; i++) out[i] = f[offset + i];
            else System.arraycopy(d, offset, out, 0, n);
        } else {
            for (int i = 0; i < n; i++) out[i] = getFlat(i);
        }
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
        copyInto(this, out);
        return out;
    }

    /** This array converted to {@code target} (itself when already of that type). */
    public NDArray to(DType target) {
        if (target == dtype) return this;
        NDArray out = zeros(target, shape);
        copyInto(this, out);
        return out;
    }

    /** Writes the values of {@code src} (broadcast to this shape) into this array, in place. */
    public void assign(NDArray src) {
        NDArray s = src.expand(shape);
        copyInto(s, this);
    }

    private static void copyInto(NDArray src, NDArray dst) {
        int n = dst.numel();
        if (n == 0) return;
        if (src.isContiguous() && dst.isContiguous()) {
            if (src.dtype == DType.F32 && dst.dtype == DType.F32) System.arraycopy(src.f, src.offset, dst.f, dst.offset, n);
            else if (src.dtype == DType.F64 && dst.dtype == DType.F64) System.arraycopy(src.d, src.offset, dst.d, dst.offset, n);
            else if (src.dtype == DType.F32) for (int i = 0; i < n; i++) dst.d[dst.offset + i] = src.f[src.offset + i];
            else for (int i = 0; i < n; i++) dst.f[dst.offset + i] = (float) src.d[src.offset + i];
            return;
        }
        // Walk both layouts row by row (last dimension innermost), advancing the row starts like an odometer.
        int rank = dst.shape.length;
        int inner = dst.shape[rank - 1];
        int ss = src.strides[rank - 1], ds = dst.strides[rank - 1];
        int[] counter = new int[rank];
        int ps = src.offset, pd = dst.offset;
        for (int done = 0; done < n; done += inner) {
            if (src.dtype == DType.F32 && dst.dtype == DType.F32) {
                float[] a = src.f, b = dst.f;
                if (ss == 1 && ds == 1) System.arraycopy(a, ps, b, pd, inner);
                else for (int j = 0; j < inner; j++) b[pd + j * ds] = a[ps + j * ss];
            } else {
                for (int j = 0; j < inner; j++) {
                    double v = src.dtype == DType.F32 ? src.f[ps + j * ss] : src.d[ps + j * ss];
                    if (dst.dtype == DType.F32) dst.f[pd + j * ds] = (float) v;
                    else dst.d[pd + j * ds] = v;
                }
            }
            for (int ax = rank - 2; ax >= 0; ax--) {
                counter[ax]++;
                ps += src.strides[ax];
                pd += dst.strides[ax];
                if (counter[ax] < dst.shape[ax]) break;
                ps -= counter[ax] * src.strides[ax];
                pd -= counter[ax] * dst.strides[ax];
                counter[ax] = 0;
            }
        }
    }

    /** Sets every element to {@code value}, in place. */
    public void fill(double value) {
        if (isContiguous()) {
            if (dtype == DType.F32) Arrays.fill(f, offset, offset + numel(), (float) value);
            else Arrays.fill(d, offset, offset + numel(), value);
        } else {
            for (int i = 0; i < numel(); i++) setFlat(i, value);
        }
    }

    /** {@code this += alpha * other} in place (other broadcast to this shape); used to accumulate gradients. */
    public void addInPlace(NDArray other, double alpha) {
        NDArray o = other.expand(shape);
        if (dtype == DType.F32 && o.dtype == DType.F32 && isContiguous() && o.isContiguous()) {
            Kernels.get().axpy(numel(), (float) alpha, o.f, o.offset, f, offset);
            return;
        }
        for (int i = 0; i < numel(); i++) setFlat(i, getFlat(i) + alpha * o.getFlat(i));
    }

    /**
     * Adds {@code row} ([n]) to every row of this contiguous [m, n] array, in place: the bias add of a linear layer.
     */
    public void addRowInPlace(NDArray row) {
        if (shape.length != 2 || row.numel() != shape[1] || !isContiguous()) {
            throw new IllegalArgumentException("addRowInPlace: cannot add " + Shape.str(row.shape) + " to the rows of " + Shape.str(shape));
        }
        int m = shape[0], n = shape[1];
        if (dtype == DType.F32 && row.dtype == DType.F32 && row.isContiguous()) {
            Kernels k = Kernels.get();
            for (int i = 0; i < m; i++) k.axpy(n, 1f, row.f, row.offset, f, offset + i * n);
            return;
        }
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) setFlat(i * n + j, getFlat(i * n + j) + row.getFlat(j));
    }

    // ---------------------------------------------------------------- views

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

    // ---------------------------------------------------------------- elementwise

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
    public NDArray map(FloatUnary ff, DoubleUnaryOperator fd) {
        NDArray a = contiguous();
        int n = a.numel();
        NDArray out = zeros(dtype, shape);
        if (dtype == DType.F32) {
            float[] src = a.f, dst = out.f;
            int o = a.offset;
            for (int i = 0; i < n; i++) dst[i] = ff.apply(src[o + i]);
        } else {
            double[] src = a.d, dst = out.d;
            int o = a.offset;
            for (int i = 0; i < n; i++) dst[i] = fd.applyAsDouble(src[o + i]);
        }
        return out;
    }

    /** Applies a function to pairs of broadcast elements; the result has the broadcast shape and promoted type. */
    public NDArray zip(String op, NDArray other, FloatBinary ff, DoubleBinaryOperator fd) {
        int[] outShape = Shape.broadcast(op, shape, other.shape);
        DType t = DType.promote(dtype, other.dtype);
        NDArray a = to(t).expand(outShape), b = other.to(t).expand(outShape);
        NDArray out = zeros(t, outShape);
        int n = out.numel();
        if (n == 0) return out;
        int rank = outShape.length;
        int inner = rank == 0 ? 1 : outShape[rank - 1];
        int sa = rank == 0 ? 0 : a.strides[rank - 1], sb = rank == 0 ? 0 : b.strides[rank - 1];
        int[] counter = new int[Math.max(rank - 1, 0)];
        int pa = a.offset, pb = b.offset;
        // Walk rows of the last dimension; the row starts advance like an odometer over the outer dimensions.
        for (int row = 0, po = 0; po < n; row++, po += inner) {
            if (t == DType.F32) {
                float[] af = a.f, bf = b.f, of = out.f;
                if (sa == 1 && sb == 1) for (int j = 0; j < inner; j++) of[po + j] = ff.apply(af[pa + j], bf[pb + j]);
                else for (int j = 0; j < inner; j++) of[po + j] = ff.apply(af[pa + j * sa], bf[pb + j * sb]);
            } else {
                double[] ad = a.d, bd = b.d, od = out.d;
                for (int j = 0; j < inner; j++) od[po + j] = fd.applyAsDouble(ad[pa + j * sa], bd[pb + j * sb]);
            }
            for (int ax = rank - 2; ax >= 0; ax--) {
                counter[ax]++;
                pa += a.strides[ax];
                pb += b.strides[ax];
                if (counter[ax] < outShape[ax]) break;
                pa -= counter[ax] * a.strides[ax];
                pb -= counter[ax] * b.strides[ax];
                counter[ax] = 0;
            }
        }
        return out;
    }

    private boolean sameContiguousF32(NDArray o) {
        return dtype == DType.F32 && o.dtype == DType.F32 && Arrays.equals(shape, o.shape) && isContiguous() && o.isContiguous();
    }

    public NDArray add(NDArray o) {
        if (sameContiguousF32(o)) {
            NDArray out = zeros(DType.F32, shape);
            Kernels.get().add(numel(), f, offset, o.f, o.offset, out.f, 0);
            return out;
        }
        return zip("add", o, Float::sum, Double::sum);
    }

    public NDArray sub(NDArray o) {
        return zip("sub", o, (x, y) -> x - y, (x, y) -> x - y);
    }

    public NDArray mul(NDArray o) {
        if (sameContiguousF32(o)) {
            NDArray out = zeros(DType.F32, shape);
            Kernels.get().mul(numel(), f, offset, o.f, o.offset, out.f, 0);
            return out;
        }
        return zip("mul", o, (x, y) -> x * y, (x, y) -> x * y);
    }

    public NDArray div(NDArray o) {
        return zip("div", o, (x, y) -> x / y, (x, y) -> x / y);
    }

    /** {@code this ^ o} elementwise. */
    public NDArray pow(NDArray o) {
        return zip("pow", o, (x, y) -> (float) Math.pow(x, y), Math::pow);
    }

    public NDArray maximum(NDArray o) {
        return zip("maximum", o, Math::max, Math::max);
    }

    public NDArray minimum(NDArray o) {
        return zip("minimum", o, Math::min, Math::min);
    }

    /** 1 where {@code this > o}, else 0 (same type as the promoted operands). */
    public NDArray gt(NDArray o) {
        return zip("gt", o, (x, y) -> x > y ? 1f : 0f, (x, y) -> x > y ? 1 : 0);
    }

    /** 1 where {@code this >= o}, else 0. */
    public NDArray ge(NDArray o) {
        return zip("ge", o, (x, y) -> x >= y ? 1f : 0f, (x, y) -> x >= y ? 1 : 0);
    }

    /** 1 where {@code this == o}, else 0. */
    public NDArray eq(NDArray o) {
        return zip("eq", o, (x, y) -> x == y ? 1f : 0f, (x, y) -> x == y ? 1 : 0);
    }

    public NDArray addScalar(double s) {
        float sf = (float) s;
        return map(x -> x + sf, x -> x + s);
    }

    public NDArray mulScalar(double s) {
        if (dtype == DType.F32 && isContiguous()) {
            NDArray out = zeros(DType.F32, shape);
            Kernels.get().scale(numel(), (float) s, f, offset, out.f, 0);
            return out;
        }
        float sf = (float) s;
        return map(x -> x * sf, x -> x * s);
    }

    public NDArray powScalar(double p) {
        if (p == 2) return map(x -> x * x, x -> x * x);
        return map(x -> (float) Math.pow(x, p), x -> Math.pow(x, p));
    }

    public NDArray neg() {
        return map(x -> -x, x -> -x);
    }

    public NDArray exp() {
        if (dtype == DType.F32 && isContiguous()) {
            NDArray out = zeros(DType.F32, shape);
            Kernels.get().exp(numel(), f, offset, out.f, 0);
            return out;
        }
        return map(x -> (float) Math.exp(x), Math::exp);
    }

    public NDArray log() {
        return map(x -> (float) Math.log(x), Math::log);
    }

    public NDArray sqrt() {
        return map(x -> (float) Math.sqrt(x), Math::sqrt);
    }

    public NDArray abs() {
        return map(Math::abs, Math::abs);
    }

    /** -1, 0 or 1 by the sign of each element. */
    public NDArray sign() {
        return map(Math::signum, Math::signum);
    }

    public NDArray sin() {
        return map(x -> (float) Math.sin(x), Math::sin);
    }

    public NDArray cos() {
        return map(x -> (float) Math.cos(x), Math::cos);
    }

    public NDArray tanh() {
        return map(x -> (float) Math.tanh(x), Math::tanh);
    }

    /** The logistic function {@code 1 / (1 + e^-x)}. */
    public NDArray sigmoid() {
        if (dtype == DType.F32 && isContiguous()) {
            NDArray out = zeros(DType.F32, shape);
            Kernels.get().sigmoid(numel(), f, offset, out.f, 0);
            return out;
        }
        return map(x -> (float) (1.0 / (1.0 + Math.exp(-x))), x -> 1.0 / (1.0 + Math.exp(-x)));
    }

    /**
     * The sigmoid's backward, with this array the upstream gradient and {@code s} the sigmoid's output:
     * {@code this * s * (1 - s)} elementwise (broadcasting), in that order.
     */
    public NDArray sigmoidBackward(NDArray s) {
        if (sameContiguousF32(s)) {
            NDArray out = zeros(DType.F32, shape);
            Kernels.get().sigmoidBackward(numel(), f, offset, s.f, s.offset, out.f, 0);
            return out;
        }
        return zip("sigmoid_backward", s, (gv, sv) -> gv * sv * (1f - sv), (gv, sv) -> gv * sv * (1 - sv));
    }

    /** {@code max(x, 0)}. */
    public NDArray relu() {
        if (dtype == DType.F32 && isContiguous()) {
            NDArray out = zeros(DType.F32, shape);
            Kernels.get().relu(numel(), f, offset, out.f, 0);
            return out;
        }
        return map(x -> Math.max(x, 0f), x -> Math.max(x, 0));
    }

    /** {@code cond != 0 ? a : b}, broadcasting all three. */
    public static NDArray where(NDArray cond, NDArray a, NDArray b) {
        int[] s = Shape.broadcast("where", Shape.broadcast("where", cond.shape, a.shape), b.shape);
        DType t = DType.promote(a.dtype, b.dtype);
        NDArray c = cond.expand(s), x = a.to(t).expand(s), y = b.to(t).expand(s);
        NDArray out = zeros(t, s);
        for (int i = 0; i < out.numel(); i++) out.setFlat(i, c.getFlat(i) != 0 ? x.getFlat(i) : y.getFlat(i));
        return out;
    }

    // ---------------------------------------------------------------- reductions

    /** Moves the reduced axes last and returns the contiguous result, so each output element owns one block. */
    private NDArray reducedAxesLast(int[] axes) {
        int[] perm = new int[shape.length];
        boolean[] red = new boolean[shape.length];
        for (int a : axes) red[a] = true;
        int k = 0;
        for (int i = 0; i < shape.length; i++) if (!red[i]) perm[k++] = i;
        for (int a : axes) perm[k++] = a;
        return permute(perm).contiguous();
    }

    private int[] reducedShape(int[] axes, boolean keepDims) {
        boolean[] red = new boolean[shape.length];
        for (int a : axes) red[a] = true;
        int[] out = new int[keepDims ? shape.length : shape.length - axes.length];
        for (int i = 0, k = 0; i < shape.length; i++) {
            if (!red[i]) out[k++] = shape[i];
            else if (keepDims) out[k++] = 1;
        }
        return out;
    }

    /** Sum over {@code axes} (all when none are given); float32 sums accumulate in float64. */
    public NDArray sum(boolean keepDims, int... axes) {
        int[] ax = Shape.axes("sum", axes, shape.length);
        int[] outShape = reducedShape(ax, keepDims);
        if (isContiguous() && isLeading(ax) && ax.length < shape.length) return sumLeading(ax.length, outShape);
        NDArray src = reducedAxesLast(ax);
        NDArray out = zeros(dtype, outShape);
        int outer = out.numel(), block = outer == 0 ? 0 : src.numel() / outer;
        for (int i = 0; i < outer; i++) {
            double s = 0;
            int base = src.offset + i * block;
            if (dtype == DType.F32) for (int j = 0; j < block; j++) s += src.f[base + j];
            else for (int j = 0; j < block; j++) s += src.d[base + j];
            out.setFlat(i, s);
        }
        return out;
    }

    private static boolean isLeading(int[] sortedAxes) {
        for (int i = 0; i < sortedAxes.length; i++) if (sortedAxes[i] != i) return false;
        return true;
    }

    /** Sum over the first {@code k} axes of a contiguous array: rows of length {@code inner} added in order. */
    private NDArray sumLeading(int k, int[] outShape) {
        int rows = 1;
        for (int i = 0; i < k; i++) rows *= shape[i];
        int inner = numel() / Math.max(rows, 1);
        double[] acc = new double[inner];
        for (int r = 0; r < rows; r++) {
            int base = offset + r * inner;
            if (dtype == DType.F32) for (int j = 0; j < inner; j++) acc[j] += f[base + j];
            else for (int j = 0; j < inner; j++) acc[j] += d[base + j];
        }
        if (dtype == DType.F64) return of(acc, outShape);
        float[] out = new float[inner];
        for (int j = 0; j < inner; j++) out[j] = (float) acc[j];
        return of(out, outShape);
    }

    /** Mean over {@code axes} (all when none are given). */
    public NDArray mean(boolean keepDims, int... axes) {
        int[] ax = Shape.axes("mean", axes, shape.length);
        int count = 1;
        for (int a : ax) count *= shape[a];
        if (count == 0) throw new IllegalArgumentException("mean: reducing over an empty dimension of " + Shape.str(shape));
        return sum(keepDims, ax).mulScalar(1.0 / count);
    }

    /** Maximum over {@code axes} (all when none are given). */
    public NDArray max(boolean keepDims, int... axes) {
        int[] ax = Shape.axes("max", axes, shape.length);
        NDArray src = reducedAxesLast(ax);
        int[] outShape = reducedShape(ax, keepDims);
        NDArray out = zeros(dtype, outShape);
        int outer = out.numel(), block = outer == 0 ? 0 : src.numel() / outer;
        if (block == 0 && outer > 0) throw new IllegalArgumentException("max: reducing over an empty dimension of " + Shape.str(shape));
        for (int i = 0; i < outer; i++) {
            double m = Double.NEGATIVE_INFINITY;
            int base = src.offset + i * block;
            for (int j = 0; j < block; j++) {
                double v = dtype == DType.F32 ? src.f[base + j] : src.d[base + j];
                if (v > m || Double.isNaN(v)) m = v;
                if (Double.isNaN(m)) break;
            }
            out.setFlat(i, m);
        }
        return out;
    }

    /** Index of the largest element along the last axis of a 2-D array ([N, C] -> N indices); ties pick the first. */
    public int[] argmaxRows() {
        if (shape.length != 2) throw new IllegalArgumentException("argmaxRows: expects [N, C], got " + Shape.str(shape));
        int n = shape[0], c = shape[1];
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bv = get(i, 0);
            for (int j = 1; j < c; j++) {
                double v = get(i, j);
                if (v > bv) { bv = v; best = j; }
            }
            out[i] = best;
        }
        return out;
    }

    /** Sums a broadcast result back down to {@code target} (the backward of broadcasting). */
    public NDArray sumTo(int[] target) {
        if (Arrays.equals(shape, target)) return this;
        int lead = shape.length - target.length;
        if (lead < 0) throw new IllegalArgumentException("sumTo: cannot reduce " + Shape.str(shape) + " to " + Shape.str(target));
        int[] axes = new int[shape.length];
        int k = 0;
        for (int i = 0; i < shape.length; i++) {
            if (i < lead) axes[k++] = i;
            else if (target[i - lead] == 1 && shape[i] != 1) axes[k++] = i;
            else if (target[i - lead] != shape[i]) throw new IllegalArgumentException("sumTo: cannot reduce " + Shape.str(shape) + " to " + Shape.str(target));
        }
        if (k == 0) return reshape(target);
        return sum(true, Arrays.copyOf(axes, k)).reshape(target);
    }

    // ---------------------------------------------------------------- linear algebra

    /**
     * Matrix product. 2-D: [m, k] x [k, n] -> [m, n]. Batched: [..., m, k] x [..., k, n] -> [..., m, n] with the
     * leading (batch) dimensions broadcast. Transposed views are passed to the kernel without copying.
     */
    public NDArray matmul(NDArray o) {
        return matmul(o, null);
    }

    /**
     * {@link #matmul(NDArray)}, written into {@code out} when that is a contiguous array of the result's shape and
     * type (its old values are ignored and overwritten), else into a fresh array; returns the array written.
     */
    public NDArray matmul(NDArray o, NDArray out) {
        if (shape.length < 2 || o.shape.length < 2) {
            throw new IllegalArgumentException("matmul: expects arrays of rank >= 2, got " + Shape.str(shape) + " and " + Shape.str(o.shape));
        }
        int m = shape[shape.length - 2], k = shape[shape.length - 1];
        int k2 = o.shape[o.shape.length - 2], n = o.shape[o.shape.length - 1];
        if (k != k2) {
            throw new IllegalArgumentException("matmul: cannot multiply " + Shape.str(shape) + " by " + Shape.str(o.shape)
                    + ": inner dimensions " + k + " and " + k2 + " differ");
        }
        DType t = DType.promote(dtype, o.dtype);
        NDArray a = to(t), b = o.to(t);
        if (shape.length == 2 && o.shape.length == 2) {
            NDArray c = out != null && out.dtype == t && out.shape.length == 2 && out.shape[0] == m && out.shape[1] == n
                    && out.isContiguous() ? out : zeros(t, m, n);
            matmul2d(a, a.offset, b, b.offset, c, c.offset, m, n, k);
            return c;
        }
        int[] batchA = Arrays.copyOf(shape, shape.length - 2), batchB = Arrays.copyOf(o.shape, o.shape.length - 2);
        int[] batch = Shape.broadcast("matmul", batchA, batchB);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        int[] fullA = Arrays.copyOf(batch, batch.length + 2), fullB = fullA.clone();
        fullA[batch.length] = m; fullA[batch.length + 1] = k;
        fullB[batch.length] = k; fullB[batch.length + 1] = n;
        NDArray ea = a.expand(fullA), eb = b.expand(fullB);
        out = zeros(t, outShape);
        int nb = Shape.numel(batch);
        for (int bi = 0; bi < nb; bi++) {
            int offA = ea.offset, offB = eb.offset, rem = bi;
            for (int ax = batch.length - 1; ax >= 0; ax--) {
                int idx = rem % batch[ax];
                rem /= batch[ax];
                offA += idx * ea.strides[ax];
                offB += idx * eb.strides[ax];
            }
            matmul2d(ea, offA, eb, offB, out, bi * m * n, m, n, k);
        }
        return out;
    }

    /** One [m,k] x [k,n] product; a and b are read through their last two strides, out is contiguous. */
    private static void matmul2d(NDArray a, int offA, NDArray b, int offB, NDArray out, int offOut, int m, int n, int k) {
        int r = a.shape.length, q = b.shape.length;
        int aRow = a.strides[r - 2], aCol = a.strides[r - 1], bRow = b.strides[q - 2], bCol = b.strides[q - 1];
        if (out.dtype == DType.F32) {
            // The kernel takes row-major or transposed operands; anything else (e.g. broadcast) is copied first.
            boolean transA;
            int lda;
            float[] af = a.f;
            if (aCol == 1 && (aRow >= k || m == 1)) { transA = false; lda = Math.max(aRow, k); }
            else if (aRow == 1 && (aCol >= m || k == 1)) { transA = true; lda = Math.max(aCol, m); }
            else {
                NDArray c = view2d(a, offA, m, k, aRow, aCol).copy();
                af = c.f; offA = 0; transA = false; lda = k;
            }
            boolean transB;
            int ldb;
            float[] bf = b.f;
            if (bCol == 1 && (bRow >= n || k == 1)) { transB = false; ldb = Math.max(bRow, n); }
            else if (bRow == 1 && (bCol >= k || n == 1)) { transB = true; ldb = Math.max(bCol, k); }
            else {
                NDArray c = view2d(b, offB, k, n, bRow, bCol).copy();
                bf = c.f; offB = 0; transB = false; ldb = n;
            }
            Kernels.get().gemm(transA, transB, m, n, k, 1f, af, offA, lda, bf, offB, ldb, 0f, out.f, offOut, n);
        } else {
            double[] ad = a.d, bd = b.d, od = out.d;
            double[] row = new double[n];
            for (int i = 0; i < m; i++) {
                Arrays.fill(row, 0);
                for (int p = 0; p < k; p++) {
                    double av = ad[offA + i * aRow + p * aCol];
                    int bb = offB + p * bRow;
                    for (int j = 0; j < n; j++) row[j] += av * bd[bb + j * bCol];
                }
                System.arraycopy(row, 0, od, offOut + i * n, n);
            }
        }
    }

    private static NDArray view2d(NDArray x, int off, int rows, int cols, int rowStride, int colStride) {
        return new NDArray(x.dtype, x.f, x.d, off, new int[] {rows, cols}, new int[] {rowStride, colStride});
    }

    // ---------------------------------------------------------------- joining and indexing

    /** Joins arrays along {@code axis}; all other dimensions must match. */
    public static NDArray concat(int axis, NDArray... parts) {
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
        NDArray out = zeros(t, outShape);
        int at = 0;
        for (NDArray p : parts) {
            out.slice(a, at, at + p.shape[a]).assign(p);
            at += p.shape[a];
        }
        return out;
    }

    /**
     * Gathers along {@code axis}: {@code out[i][j] = this[i][index[i][j]]} for axis 1 (likewise for any axis and
     * rank, as torch.gather). {@code index} has shape {@code indexShape}, which matches this array's shape except
     * along {@code axis}.
     */
    public NDArray gather(int axis, int[] index, int[] indexShape) {
        int a = Shape.axis("gather", axis, shape.length);
        checkIndexShape("gather", a, index, indexShape);
        NDArray out = zeros(dtype, indexShape);
        int[] idx = new int[indexShape.length];
        for (int i = 0; i < index.length; i++) {
            unravel(i, indexShape, idx);
            int v = index[i];
            if (v < 0 || v >= shape[a]) {
                throw new IndexOutOfBoundsException("gather: index " + v + " is out of range for axis " + a + " of size " + shape[a]);
            }
            idx[a] = v;
            out.setFlat(i, get(idx));
        }
        return out;
    }

    /** The backward of {@link #gather}: adds {@code src} into a zero array of {@code shape} at the gathered places. */
    public static NDArray scatterAdd(int[] shape, int axis, int[] index, int[] indexShape, NDArray src) {
        NDArray out = zeros(src.dtype, shape);
        int a = Shape.axis("scatterAdd", axis, shape.length);
        int[] idx = new int[indexShape.length];
        for (int i = 0; i < index.length; i++) {
            unravel(i, indexShape, idx);
            idx[a] = index[i];
            out.set(out.get(idx) + src.getFlat(i), idx);
        }
        return out;
    }

    private void checkIndexShape(String op, int a, int[] index, int[] indexShape) {
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

    /** Rows (along axis 0) picked by {@code rows}, in that order: a copy of shape [rows.length, ...]. */
    public NDArray selectRows(int[] rows) {
        if (shape.length == 0) throw new IllegalArgumentException("selectRows: needs an array of rank >= 1");
        int[] outShape = shape.clone();
        outShape[0] = rows.length;
        NDArray src = contiguous();
        NDArray out = zeros(dtype, outShape);
        int row = outShape.length == 1 ? 1 : Shape.numel(Arrays.copyOfRange(shape, 1, shape.length));
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            if (r < 0 || r >= shape[0]) throw new IndexOutOfBoundsException("selectRows: row " + r + " is out of range for " + Shape.str(shape));
            if (dtype == DType.F32) System.arraycopy(src.f, src.offset + r * row, out.f, i * row, row);
            else System.arraycopy(src.d, src.offset + r * row, out.d, i * row, row);
        }
        return out;
    }

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
