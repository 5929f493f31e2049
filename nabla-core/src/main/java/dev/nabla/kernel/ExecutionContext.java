package dev.nabla.kernel;

import java.util.Objects;

/**
 * The kernels and thread count that tensor operations on this thread use, as a scope:
 * <pre>{@code
 * try (var ctx = ExecutionContext.with(KernelProvider.scalar(), 2)) {
 *     ... // every op here, and in threads started here, runs on the scalar kernels with 2 threads
 * }
 * }</pre>
 * Contexts nest; closing one restores the one before it. A thread started inside a scope inherits its context
 * (an inheritable thread-local), and each context owns its worker team, so parallel jobs (sweep trials) with
 * contexts of their own neither share nor resize each other's threads. Outside any scope the default context
 * applies: {@link KernelProvider#preferred()} on all cores.
 *
 * <p>A context with a given thread count gives the same bits whichever thread runs it (see {@link Parallel}).
 */
public final class ExecutionContext implements AutoCloseable {
    private static final InheritableThreadLocal<ExecutionContext> CURRENT = new InheritableThreadLocal<>();
    private static volatile ExecutionContext defaultContext;

    private final Kernels kernels;
    private final int threads;
    private final ExecutionContext previous;
    private final Thread owner;
    private volatile Parallel.Team team;
    private volatile boolean closed;

    private ExecutionContext(Kernels kernels, int threads, ExecutionContext previous, Thread owner) {
        this.kernels = Objects.requireNonNull(kernels, "kernels");
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.previous = previous;
        this.owner = owner;
    }

    /** Opens a scope with these kernels and at most {@code threads} threads ({@code >= 1}) on this thread. */
    public static ExecutionContext with(Kernels kernels, int threads) {
        ExecutionContext ctx = new ExecutionContext(kernels, threads, CURRENT.get(), Thread.currentThread());
        CURRENT.set(ctx);
        return ctx;
    }

    /** Opens a scope with the current kernels and {@code threads} threads. */
    public static ExecutionContext withThreads(int threads) {
        return with(current().kernels, threads);
    }

    /** Opens a scope with these kernels and the current thread count. */
    public static ExecutionContext withKernels(Kernels kernels) {
        return with(kernels, current().threads);
    }

    /** The context in force on this thread. */
    public static ExecutionContext current() {
        ExecutionContext c = CURRENT.get();
        return c != null ? c : defaultContext();
    }

    private static ExecutionContext defaultContext() {
        ExecutionContext d = defaultContext;
        if (d == null) {
            synchronized (ExecutionContext.class) {
                if (defaultContext == null) {
                    defaultContext = new ExecutionContext(KernelProvider.preferred(),
                            Runtime.getRuntime().availableProcessors(), null, null);
                }
                d = defaultContext;
            }
        }
        return d;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** The most threads a kernel call in this context runs on, the caller included. */
    public int threads() {
        return threads;
    }

    /** This context's worker team, started on first use; null with one thread or once closed. */
    Parallel.Team team() {
        Parallel.Team t = team;
        if (t == null && threads > 1 && !closed) {
            synchronized (this) {
                if (team == null && !closed) team = new Parallel.Team(threads - 1, this);
                t = team;
            }
        }
        return t;
    }

    /** Parallel jobs this context's workers have been offered (0 before the team starts). */
    long jobsPosted() {
        Parallel.Team t = team;
        return t == null ? 0 : t.jobsPosted;
    }

    /** Whether a call in this context has split its work and so started the worker team. */
    boolean workersStarted() {
        return team != null;
    }

    /** Ends the scope: stops this context's workers and restores the context that was current before. */
    @Override
    public void close() {
        if (owner == null) throw new IllegalStateException("the default execution context cannot be closed");
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("an execution context is closed by the thread that opened it");
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("execution contexts must be closed in the reverse order of opening");
        }
        synchronized (this) {
            closed = true;
            if (team != null) team.stop();
            team = null;
        }
        CURRENT.set(previous);
    }

    /**
     * Marks this thread's current context: closing the mark closes the contexts opened on this thread since,
     * newest first. A program that runs commands one after another (tests, a shell) wraps each in a mark, so a
     * command's {@code --threads} or {@code --no-simd} ends with it.
     */
    public static Mark mark() {
        return new Mark(CURRENT.get(), Thread.currentThread());
    }

    /** See {@link #mark()}. */
    public static final class Mark implements AutoCloseable {
        private final ExecutionContext saved;
        private final Thread thread;

        private Mark(ExecutionContext saved, Thread thread) {
            this.saved = saved;
            this.thread = thread;
        }

        @Override
        public void close() {
            for (ExecutionContext c = CURRENT.get(); c != null && c != saved && c.owner == thread; c = CURRENT.get()) {
                c.close();
            }
        }
    }

    /** Makes {@code ctx} current on a worker thread of its team. */
    static void bindWorker(ExecutionContext ctx) {
        CURRENT.set(ctx);
    }

    /** The kernels' description and the thread count, e.g. {@code "simd-512 (...), 2 threads"}. */
    @Override
    public String toString() {
        return kernels.description() + ", " + threads + (threads == 1 ? " thread" : " threads");
    }
}
