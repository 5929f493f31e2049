package dev.nabla.io;

import java.util.Arrays;

/**
 * A float32 array with a shape, as stored in weight files: {@code data} is row-major (C order) and holds
 * {@code product(shape)} values. A scalar has the empty shape and one value.
 */
public record NamedArray(int[] shape, float[] data) implements StoredArray {

    public NamedArray {
        long n = size(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but the data has " + data.length);
        }
    }

    /** The number of values a shape holds; rejects negative dimensions. */
    public static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        return n;
    }

    /** The index of the first NaN or infinity in {@code data}, or -1 when every value is finite. */
    public static int firstNonFinite(float[] data) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) return i;
        }
        return -1;
    }

    /** The row-major multi-index of flat position {@code flat} in {@code shape}, e.g. {@code [1, 2]}. */
    public static String index(int[] shape, long flat) {
        if (shape.length == 0) return "[]";
        long[] idx = new long[shape.length];
        long rest = flat;
        for (int k = shape.length - 1; k >= 0; k--) {
            idx[k] = shape[k] == 0 ? 0 : rest % shape[k];
            rest = shape[k] == 0 ? 0 : rest / shape[k];
        }
        return Arrays.toString(idx);
    }

    @Override
    public String dtype() {
        return "F32";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedArray a && Arrays.equals(shape, a.shape) && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NamedArray" + Arrays.toString(shape);
    }
}
