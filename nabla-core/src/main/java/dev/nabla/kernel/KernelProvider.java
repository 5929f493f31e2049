package dev.nabla.kernel;

import java.util.Optional;

/**
 * Finds the {@link Kernels} implementations this JVM can run: the scalar reference always, the Vector API one
 * when the JVM has {@code jdk.incubator.vector} and the CPU has 256-bit vectors or wider. Which kernels a
 * computation uses is the current {@link ExecutionContext}'s choice; {@link #preferred()} is the default's.
 */
public final class KernelProvider {
    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());
    private static final Kernels SCALAR = new ScalarKernels();
    /**
     * {@code nabla bench gemm --threads 1 --shape 64x784x128}: 1.2-1.8 GFLOP/s with {@code --no-simd}, 70-120
     * without (a loaded AVX-512 machine).
     */
    static final String SCALAR_COST = "its scalar kernels, tens of times slower at matrix products";

    private KernelProvider() {}

    /** Lazily, once: the SIMD kernels or, when they cannot run here, the scalar ones. */
    private static final class Preferred {
        static final Kernels KERNELS = choose();

        private static Kernels choose() {
            if (!vectorModulePresent()) {
                // one line, once per process: a library user who left the flag out learns what it costs
                LOG.log(System.Logger.Level.WARNING, "nabla: jdk.incubator.vector is not in this JVM, so nabla runs "
                        + SCALAR_COST + "; add --add-modules jdk.incubator.vector to the java command line");
                return SCALAR;
            }
            try {
                return loadSimd();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "nabla: SIMD kernels unavailable (" + e + "), so nabla runs "
                        + SCALAR_COST);
                return SCALAR;
            }
        }
    }

    /** The default kernels: SIMD when this JVM can run them, else scalar (logged once at WARNING level). */
    public static Kernels preferred() {
        return Preferred.KERNELS;
    }

    /** The scalar reference kernels. */
    public static Kernels scalar() {
        return SCALAR;
    }

    /** The SIMD kernels, or empty when this JVM cannot run them. */
    public static Optional<Kernels> simd() {
        if (!vectorModulePresent()) return Optional.empty();
        try {
            return Optional.of(loadSimd());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether the Vector API module is present in this JVM. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static Kernels loadSimd() throws ReflectiveOperationException {
        // Loaded reflectively so that this class never links against the incubator module.
        Class<?> c = Class.forName("dev.nabla.kernel.simd.VectorKernels");
        return (Kernels) c.getDeclaredConstructor().newInstance();
    }
}
