package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.kernel.KernelProvider;
import dev.nabla.kernel.Parallel;
import picocli.CommandLine.Option;

/**
 * The kernel options any compute-heavy command takes ({@code @Mixin KernelOptions kernel;} then
 * {@code kernel.apply()} before working): {@code --threads N} and {@code --no-simd}.
 */
public final class KernelOptions {

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads the kernels may use (default: all cores).")
    Integer threads;

    @Option(names = "--no-simd", description = "Use the plain-Java kernels instead of the Vector API ones.")
    boolean noSimd;

    /** Applies the options to the process-wide kernel settings. */
    public void apply() {
        if (threads != null) {
            if (threads < 1 || threads > RunConfig.maxThreads()) {
                throw new InputException("--threads " + threads + " is not allowed: expected " + RunConfig.threadsAllowed());
            }
            Parallel.setThreads(threads);
        }
        if (noSimd) KernelProvider.useSimd(false);
    }

    /** The thread count in force once {@link #apply()} ran. */
    public int threads() {
        return Parallel.threads();
    }
}
