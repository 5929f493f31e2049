package dev.nabla.datasets.mnist;

import dev.nabla.data.ImageSet;
import dev.nabla.datasets.ImageDataset;

/**
 * The course's three sets: {@code train} and {@code validation} are the first 80% and the last 20% of the
 * training file (48,000 and 12,000 images for MNIST; the fraction can be chosen), {@code test} is the test file
 * (10,000). {@code dataset} names the data set and its classes (MNIST unless said otherwise).
 */
public record MnistSplits(ImageSet train, ImageSet validation, ImageSet test, ImageDataset dataset) {

    public MnistSplits {
        if (dataset == null) dataset = ImageDataset.MNIST;
    }

    /** MNIST's (or unnamed MNIST-layout) splits. */
    public MnistSplits(ImageSet train, ImageSet validation, ImageSet test) {
        this(train, validation, test, ImageDataset.MNIST);
    }

    /** The same images, named as {@code d}. */
    public MnistSplits named(ImageDataset d) {
        return new MnistSplits(train, validation, test, d);
    }
}
