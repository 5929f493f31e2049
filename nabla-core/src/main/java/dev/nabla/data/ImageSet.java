package dev.nabla.data;

import java.util.Arrays;

/**
 * Labelled images held as plain arrays: {@code pixels} is {@code [count, rows * cols]} row-major with each value
 * the pixel byte divided by 255 (so in [0, 1]); {@code labels[i]} in {@code [0, classes)} is the class of
 * image {@code i}.
 *
 * <p>The arrays are shared, not copied: an {@code ImageSet} is meant to be read, and {@link #slice} copies.
 */
public record ImageSet(float[] pixels, int[] labels, int count, int rows, int cols, int classes) {

    public ImageSet {
        if (count < 0 || rows <= 0 || cols <= 0 || classes <= 0) {
            throw new IllegalArgumentException("invalid image set dimensions: count " + count + ", rows " + rows
                    + ", cols " + cols + ", classes " + classes);
        }
        if (pixels.length != (long) count * rows * cols) {
            throw new IllegalArgumentException(count + " images of " + rows + "x" + cols + " need "
                    + (long) count * rows * cols + " pixels, found " + pixels.length);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException(count + " images need " + count + " labels, found " + labels.length);
        }
    }

    /** Pixels per image: {@code rows * cols}. */
    public int features() {
        return rows * cols;
    }

    /** Images {@code [from, to)} as a new set with copied arrays. */
    public ImageSet slice(int from, int to) {
        if (from < 0 || to > count || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + count + " images");
        }
        int f = features();
        return new ImageSet(Arrays.copyOfRange(pixels, from * f, to * f), Arrays.copyOfRange(labels, from, to),
                to - from, rows, cols, classes);
    }

    /** A copy of image {@code i}'s pixels, {@code [rows * cols]}. */
    public float[] image(int i) {
        int f = features();
        return Arrays.copyOfRange(pixels, i * f, (i + 1) * f);
    }

    /** How many images each class has: {@code [classes]}. */
    public int[] labelCounts() {
        int[] h = new int[classes];
        for (int l : labels) h[l]++;
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageSet s && count == s.count && rows == s.rows && cols == s.cols && classes == s.classes
                && Arrays.equals(labels, s.labels) && Arrays.equals(pixels, s.pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(labels) + Arrays.hashCode(pixels)) + count;
    }

    @Override
    public String toString() {
        return "ImageSet(" + count + " images of " + rows + "x" + cols + ", " + classes + " classes)";
    }
}
