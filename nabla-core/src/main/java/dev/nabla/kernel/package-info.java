/**
 * The float32 loops everything else runs on, behind {@link dev.nabla.kernel.Kernels}: a plain-Java reference
 * ({@link dev.nabla.kernel.ScalarKernels}) and a Vector API implementation in {@code kernel.simd}, the only code
 * that imports {@code jdk.incubator.vector}, chosen at start-up by {@link dev.nabla.kernel.KernelProvider}.
 * {@link dev.nabla.kernel.Parallel} is the shared worker team; work is split by sizes only, so a given thread
 * count always gives the same bits.
 */
package dev.nabla.kernel;
