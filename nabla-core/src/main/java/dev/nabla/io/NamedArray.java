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
