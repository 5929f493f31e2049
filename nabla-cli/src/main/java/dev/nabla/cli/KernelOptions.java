package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.kernel.KernelProvider;
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

    /**
     * Opens the command's {@link ExecutionContext} on this thread with the options' kernels and threads; it stays
     * current for the rest of the command.
     */
    public void apply() {
        if (threads != null && (threads < 1 || threads > RunConfig.maxThreads())) {
            throw new InputException("--threads " + threads + " is not allowed: expected " + RunConfig.threadsAllowed());
        }
        ExecutionContext cur = ExecutionContext.current();
        ExecutionContext.with(noSimd ? KernelProvider.scalar() : cur.kernels(),
                threads != null ? threads : cur.threads());
    }

    /** The thread count in force once {@link #apply()} ran. */
    public int threads() {
        return ExecutionContext.current().threads();
    }
}
