package dev.nabla.tensor;

import dev.nabla.kernel.Kernels;
import dev.nabla.kernel.Parallel;
import dev.nabla.tensor.NDArray.FloatBinary;
import dev.nabla.tensor.NDArray.FloatUnary;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * float32 or float64: the one place where the math picks its loop by element type. Float32 data goes to a
 * {@link Kernels} loop where one exists (contiguous operands), else to a plain float loop; float64 data takes the
 * plain double loop. {@link Elementwise}, {@link Reductions}, {@link LinearAlgebra} and {@link Indexing} hold the
 * shape logic and call these; {@link NDArray} reads and writes its elements through {@link #read} and
 * {@link #write}.
 */
final class Dispatch {
    private Dispatch() {}

    /** A float32 kernel of one input array, e.g. {@code Kernels::relu}. */
    @FunctionalInterface
    interface KernelUnary {
        void apply(Kernels k, int n, float[] x, int xOff, float[] out, int outOff);
    }

    /** A float32 kernel of two input arrays of the same length, e.g. {@code Kernels::add}. */
    @FunctionalInterface
    interface KernelBinary {
        void apply(Kernels k, int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);
    }

    // ---------------------------------------------------------------- elements

    /** The element at storage position {@code p}. */
    static double read(NDArray x, int p) {
        return x.dtype == DType.F32 ? x.f[p] : x.d[p];
    }

    /** Stores {@code v} at storage position {@code p} (rounded to float for float32). */
    static void write(NDArray x, int p, double v) {
        if (x.dtype == DType.F32) x.f[p] = (float) v;
        else x.d[p] = v;
    }

    /** Sets storage positions [from, to) to {@code v}. */
    static void fill(NDArray x, int from, int to, double v) {
        if (x.dtype == DType.F32) Arrays.fill(x.f, from, to, (float) v);
        else Arrays.fill(x.d, from, to, v);
    }

    /** Copies {@code n} storage elements from position {@code from} into {@code out} as doubles. */
    static void copyRange(NDArray x, int from, double[] out, int n) {
        if (x.dtype == DType.F32) for (int i = 0; i < n; i++) out[i] = x.f[from + i];
        else System.arraycopy(x.d, from, out, 0, n);
    }

    // ---------------------------------------------------------------- elementwise

    /** Elements per piece at least when an elementwise kernel is split over threads (a few hundred KiB each). */
    static final int SPLIT_GRAIN = 1 << 17;
    /**
     * Pieces start at multiples of this (a multiple of every vector width), so every element takes the kernel's
     * vector or scalar-tail path just as in one call over all n: the split changes no bit.
     */
    private static final int SPLIT_ALIGN = 64;

    /**
     * {@code body} over [0, n), split over threads only for big arrays (a CNN's feature maps: a million values and
     * more), where an elementwise pass on the caller alone kept the other thread idle.
     */
    private static void inPieces(int n, Parallel.RangeBody body) {
        if (n < 2 * SPLIT_GRAIN || Parallel.threads() < 2) {
            body.run(0, n);
            return;
        }
        int blocks = (n + SPLIT_ALIGN - 1) / SPLIT_ALIGN;
        Parallel.forPieces(blocks, SPLIT_GRAIN / SPLIT_ALIGN, (lo, hi) -> body.run(lo * SPLIT_ALIGN, Math.min(n, hi * SPLIT_ALIGN)));
    }

    /** {@code kernel} on contiguous float32 data, else {@link #map}. */
    static NDArray unary(NDArray x, KernelUnary kernel, FloatUnary ff, DoubleUnaryOperator fd) {
        if (x.dtype == DType.F32 && x.isContiguous()) {
            NDArray out = NDArray.zeros(DType.F32, x.shape);
            Kernels k = Kernels.get();
            inPieces(x.numel(), (lo, hi) -> kernel.apply(k, hi - lo, x.f, x.offset + lo, out.f, lo));
            return out;
        }
        return map(x, ff, fd);
    }

    /** {@code kernel} on two contiguous float32 arrays of the same shape, else {@link #zip}. */
    static NDArray binary(String op, NDArray a, NDArray b, KernelBinary kernel, FloatBinary ff, DoubleBinaryOperator fd) {
        if (a.dtype == DType.F32 && b.dtype == DType.F32 && Arrays.equals(a.shape, b.shape) && a.isContiguous() && b.isContiguous()) {
            NDArray out = NDArray.zeros(DType.F32, a.shape);
            Kernels k = Kernels.get();
            inPieces(a.numel(), (lo, hi) -> kernel.apply(k, hi - lo, a.f, a.offset + lo, b.f, b.offset + lo, out.f, lo));
            return out;
        }
        return zip(op, a, b, ff, fd);
    }

    /** {@code ff} or {@code fd} on every element, into a new contiguous array. */
    static NDArray map(NDArray x, FloatUnary ff, DoubleUnaryOperator fd) {
        NDArray a = x.contiguous();
        int n = a.numel();
        NDArray out = NDArray.zeros(x.dtype, x.shape);
        if (x.dtype == DType.F32) {
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

    /** {@code ff} or {@code fd} on pairs of broadcast elements; the result has the broadcast shape and promoted type. */
    static NDArray zip(String op, NDArray x, NDArray y, FloatBinary ff, DoubleBinaryOperator fd) {
        int[] outShape = Shape.broadcast(op, x.shape, y.shape);
        DType t = DType.promote(x.dtype, y.dtype);
        NDArray a = x.to(t).expand(outShape), b = y.to(t).expand(outShape);
        NDArray out = NDArray.zeros(t, outShape);
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

    /** {@code y += alpha * x} in place, x already of y's shape; used to accumulate gradients. */
    static void axpy(NDArray y, double alpha, NDArray x) {
        if (y.dtype == DType.F32 && x.dtype == DType.F32 && y.isContiguous() && x.isContiguous()) {
            Kernels.get().axpy(y.numel(), (float) alpha, x.f, x.offset, y.f, y.offset);
            return;
        }
        for (int i = 0; i < y.numel(); i++) y.setFlat(i, y.getFlat(i) + alpha * x.getFlat(i));
    }

    /** Adds {@code row} ([n]) to each row of the contiguous [m, n] array {@code x}, in place. */
    static void addRows(NDArray x, NDArray row, int m, int n) {
        if (x.dtype == DType.F32 && row.dtype == DType.F32 && row.isContiguous()) {
            Kernels k = Kernels.get();
            for (int i = 0; i < m; i++) k.axpy(n, 1f, row.f, row.offset, x.f, x.offset + i * n);
            return;
        }
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) x.setFlat(i * n + j, x.getFlat(i * n + j) + row.getFlat(j));
    }

    // ---------------------------------------------------------------- copies

    /** Copies {@code src} (of dst's shape, any layout and type) into {@code dst}, converting the type. */
    static void copy(NDArray src, NDArray dst) {
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

    /** Copies {@code len} storage elements from {@code src} at {@code srcPos} to {@code dst} at {@code dstPos} (same type). */
    static void copyRange(NDArray src, int srcPos, NDArray dst, int dstPos, int len) {
        if (src.dtype == DType.F32) System.arraycopy(src.f, srcPos, dst.f, dstPos, len);
        else System.arraycopy(src.d, srcPos, dst.d, dstPos, len);
    }

    // ---------------------------------------------------------------- reductions

    /** Sums each of {@code out.numel()} consecutive blocks of {@code block} elements of the contiguous {@code src}. */
    static void sumBlocks(NDArray src, int block, NDArray out) {
        int outer = out.numel();
        for (int i = 0; i < outer; i++) {
            double s = 0;
            int base = src.offset + i * block;
            if (src.dtype == DType.F32) for (int j = 0; j < block; j++) s += src.f[base + j];
            else for (int j = 0; j < block; j++) s += src.d[base + j];
            out.setFlat(i, s);
        }
    }

    /** Adds {@code rows} consecutive rows of length {@code inner} of the contiguous {@code x}, in row order. */
    static NDArray sumRows(NDArray x, int rows, int inner, int[] outShape) {
        double[] acc = new double[inner];
        for (int r = 0; r < rows; r++) {
            int base = x.offset + r * inner;
            if (x.dtype == DType.F32) for (int j = 0; j < inner; j++) acc[j] += x.f[base + j];
            else for (int j = 0; j < inner; j++) acc[j] += x.d[base + j];
        }
        if (x.dtype == DType.F64) return NDArray.of(acc, outShape);
        float[] out = new float[inner];
        for (int j = 0; j < inner; j++) out[j] = (float) acc[j];
        return NDArray.of(out, outShape);
    }

    /** The maximum of each block, as {@link #sumBlocks}; NaN wins. */
    static void maxBlocks(NDArray src, int block, NDArray out) {
        int outer = out.numel();
        for (int i = 0; i < outer; i++) {
            double m = Double.NEGATIVE_INFINITY;
            int base = src.offset + i * block;
            for (int j = 0; j < block; j++) {
                double v = src.dtype == DType.F32 ? src.f[base + j] : src.d[base + j];
                if (v > m || Double.isNaN(v)) m = v;
                if (Double.isNaN(m)) break;
            }
            out.setFlat(i, m);
        }
    }

    // ---------------------------------------------------------------- linear algebra

    /** One [m,k] x [k,n] product; a and b are read through their last two strides, out is contiguous. */
    static void matmul2d(NDArray a, int offA, NDArray b, int offB, NDArray out, int offOut, int m, int n, int k) {
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
                NDArray c = a.view(offA, new int[] {m, k}, new int[] {aRow, aCol}).copy();
                af = c.f; offA = 0; transA = false; lda = k;
            }
            boolean transB;
            int ldb;
            float[] bf = b.f;
            if (bCol == 1 && (bRow >= n || k == 1)) { transB = false; ldb = Math.max(bRow, n); }
            else if (bRow == 1 && (bCol >= k || n == 1)) { transB = true; ldb = Math.max(bCol, k); }
            else {
                NDArray c = b.view(offB, new int[] {k, n}, new int[] {bRow, bCol}).copy();
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
}
