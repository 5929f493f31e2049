package dev.nabla.io;

import java.util.Arrays;

/** A float64 array with a shape, row-major (C order); the float64 twin of {@link NamedArray}. */
public record Float64Array(int[] shape, double[] data) implements StoredArray {

    public Float64Array {
        long n = NamedArray.size(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but the data has " + data.length);
        }
    }

    @Override
    public String dtype() {
        return "F64";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Float64Array a && Arrays.equals(shape, a.shape) && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Float64Array" + Arrays.toString(shape);
    }
}
