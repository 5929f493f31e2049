package dev.nabla.kernel;

import java.util.logging.Logger;

/**
 * Chooses the {@link Kernels} implementation once, at start-up: the Vector API one when the JVM has
 * {@code jdk.incubator.vector} and it works here, else the scalar reference. {@link #useSimd(boolean)} switches
 * (the CLI's {@code --no-simd}, tests that compare both).
 */
public final class KernelProvider {
    private static final Logger LOG = Logger.getLogger(KernelProvider.class.getName());
    private static final Kernels SCALAR = new ScalarKernels();
    private static volatile Kernels current;

    private KernelProvider() {}

    static Kernels current() {
        Kernels k = current;
        if (k == null) {
            synchronized (KernelProvider.class) {
                if (current == null) current = lookupSimd(true);
                k = current;
            }
        }
        return k;
    }

    /** Selects the SIMD kernels ({@code true}, falling back to scalar when unavailable) or the scalar ones. */
    public static synchronized Kernels useSimd(boolean simd) {
        current = simd ? lookupSimd(false) : SCALAR;
        return current;
    }

    /** The scalar reference kernels, whatever is selected. */
    public static Kernels scalar() {
        return SCALAR;
    }

    /** The SIMD kernels, or empty when this JVM cannot run them. */
    public static java.util.Optional<Kernels> simd() {
        Kernels k = lookupSimd(false);
        return k == SCALAR ? java.util.Optional.empty() : java.util.Optional.of(k);
    }

    /** Whether the Vector API module is present in this JVM. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static Kernels lookupSimd(boolean logChoice) {
        if (!vectorModulePresent()) {
            if (logChoice) {
                LOG.fine("jdk.incubator.vector is absent: using scalar kernels "
                        + "(run java with --add-modules jdk.incubator.vector for SIMD)");
            }
            return SCALAR;
        }
        try {
            // Loaded reflectively so that this class never links against the incubator module.
            Class<?> c = Class.forName("dev.nabla.kernel.simd.VectorKernels");
            return (Kernels) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.warning("SIMD kernels unavailable (" + e + "): using scalar kernels");
            return SCALAR;
        }
    }
}
