package dev.nabla.datasets.mnist;

import java.nio.file.Path;
import java.util.List;

/**
 * The MNIST-layout files found in a folder: four idx files ({@code testImages}... set, {@code csv} false), or two
 * CSV files ({@code trainImages} and {@code testImages} are the CSVs, the label paths are null, {@code csv} true).
 */
public record MnistFiles(boolean csv, Path trainImages, Path trainLabels, Path testImages, Path testLabels) {

    /** The files, in the order train images, train labels, test images, test labels (CSV: train, test). */
    public List<Path> files() {
        return csv ? List.of(trainImages, testImages) : List.of(trainImages, trainLabels, testImages, testLabels);
    }
}
