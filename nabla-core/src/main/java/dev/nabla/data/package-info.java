/**
 * Data sets as plain arrays: {@link dev.nabla.data.ImageSet} (pixels {@code [count, rows * cols]} scaled to
 * [0, 1], labels), read from idx files ({@link dev.nabla.data.IdxReader}) or the course's CSV form
 * ({@link dev.nabla.data.CsvReader}); {@link dev.nabla.data.Mnist} finds MNIST-layout files in a folder and makes
 * the course's train/validation/test split; {@link dev.nabla.data.MnistFetcher} downloads MNIST into a cache
 * folder and checks every file's SHA-256. Every problem with a file is an {@link dev.nabla.InputException}
 * naming the file and what is wrong.
 */
package dev.nabla.data;
