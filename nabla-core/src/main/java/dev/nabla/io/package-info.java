/**
 * Files: {@link dev.nabla.io.SafeTensors} weight files, numpy's {@link dev.nabla.io.Npy} arrays, a small
 * {@link dev.nabla.io.Json} reader and writer, and {@link dev.nabla.io.AtomicFiles}, through which every file
 * nabla writes goes (a temporary name, then a rename) so that an interrupted run never leaves a half-written
 * file. Plain arrays in and out ({@link dev.nabla.io.NamedArray} for float32, {@link dev.nabla.io.Float64Array}
 * for float64, both {@link dev.nabla.io.StoredArray}s); no dependency on tensors.
 */
package dev.nabla.io;
