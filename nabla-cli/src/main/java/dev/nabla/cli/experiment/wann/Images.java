package dev.nabla.cli.experiment.wann;

import dev.nabla.data.ImageSet;

/**
 * Images laid out for a forward pass over many images at once: {@code pixels[p]} holds pixel {@code p} of every
 * image ({@code [features][count]}, the transpose of {@link ImageSet}'s layout), so each node's values are one
 * contiguous array over the images. Serializable, so that cluster tasks can be sent the images they score.
 */
public record Images(float[][] pixels, int[] labels, int count, int classes) implements java.io.Serializable {

    /** All images of {@code set}. */
    public static Images of(ImageSet set) {
        int[] all = new int[set.count()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return of(set, all);
    }

    /** The images {@code set} holds at {@code indices}, in that order. */
    public static Images of(ImageSet set, int[] indices) {
        int f = set.features(), n = indices.length;
        float[][] px = new float[f][n];
        int[] labels = new int[n];
        float[] src = set.pixels();
        for (int j = 0; j < n; j++) {
            int base = indices[j] * f;
            for (int p = 0; p < f; p++) px[p][j] = src[base + p];
            labels[j] = set.labels()[indices[j]];
        }
        return new Images(px, labels, n, set.classes());
    }

    public int features() {
        return pixels.length;
    }
}
