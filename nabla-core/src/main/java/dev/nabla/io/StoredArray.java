package dev.nabla.io;

/**
 * An array as a weight file stores it, with its element type: {@link NamedArray} (float32) or
 * {@link Float64Array}. Files written with these keep float64 values exact.
 */
public sealed interface StoredArray permits NamedArray, Float64Array {

    /** The shape; the data is row-major (C order). */
    int[] shape();

    /** The safetensors dtype name: {@code F32} or {@code F64}. */
    String dtype();
}
