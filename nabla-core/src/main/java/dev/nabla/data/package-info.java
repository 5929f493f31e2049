/**
 * Data as plain arrays, for any task: {@link dev.nabla.data.Dataset} (inputs of any shape with labels or float
 * targets, what {@link dev.nabla.train.DataLoader} batches), {@link dev.nabla.data.ImageSet} (pixels
 * {@code [count, rows * cols]} scaled to [0, 1], labels) read from idx files ({@link dev.nabla.data.IdxReader}),
 * and the stream, gzip and tar helpers that readers and fetchers share. Every problem with a file is an
 * {@link dev.nabla.InputException} naming the file and what is wrong. MNIST itself (its files, split, fetcher
 * and CSV form) lives in {@code dev.nabla.datasets.mnist}.
 */
package dev.nabla.data;
