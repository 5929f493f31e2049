package dev.nabla.bench;

import dev.nabla.kernel.KernelProvider;
import dev.nabla.kernel.Kernels;

/** Maps a benchmark's {@code impl} parameter to kernels: "scalar" or "simd". */
final class KernelChoice {
    private KernelChoice() {}

    static Kernels of(String impl) {
        return switch (impl) {
            case "scalar" -> KernelProvider.scalar();
            case "simd" -> KernelProvider.simd().orElseThrow(() -> new IllegalStateException(
                    "SIMD kernels unavailable: run with --add-modules jdk.incubator.vector on a 256-bit CPU"));
            default -> throw new IllegalArgumentException("impl must be scalar or simd, got " + impl);
        };
    }

    static float[] random(int n, long seed) {
        var rnd = new java.util.SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
