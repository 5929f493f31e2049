package dev.nabla.train;

import dev.nabla.data.Dataset;

/**
 * The three parts of a data set a run uses: train, validation (after every epoch, to pick the best) and test
 * (once, with the best weights).
 *
 * @param validation may be empty; then every epoch counts as the best so far
 * @param test       may be null or empty: no test
 */
public record Splits(Dataset train, Dataset validation, Dataset test) {
    public static Splits of(dev.nabla.data.ImageSet train, dev.nabla.data.ImageSet validation, dev.nabla.data.ImageSet test) {
        return new Splits(Dataset.of(train), Dataset.of(validation), test == null ? null : Dataset.of(test));
    }
}
