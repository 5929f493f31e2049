package dev.nabla.datasets.mnist;

import dev.nabla.data.ImageSet;

/**
 * The course's three sets: {@code train} and {@code validation} are the first 80% and the last 20% of the
 * training file (48,000 and 12,000 images for MNIST; the fraction can be chosen), {@code test} is the test file
 * (10,000).
 */
public record MnistSplits(ImageSet train, ImageSet validation, ImageSet test) {
}
