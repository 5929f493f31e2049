/**
 * MNIST, the data set the course trains on: {@link dev.nabla.datasets.mnist.Mnist} finds MNIST-layout files in a
 * folder (idx, raw or gzipped, or the course's CSV pair read by {@link dev.nabla.datasets.mnist.CsvReader}) and
 * makes the course's train/validation/test split ({@link dev.nabla.datasets.mnist.MnistSplits});
 * {@link dev.nabla.datasets.mnist.MnistFetcher} downloads it into a cache folder and checks every file's
 * SHA-256. Built on the general readers of {@code dev.nabla.data}.
 */
package dev.nabla.datasets.mnist;
