package dev.nabla.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * nabla's worker threads. Work is split into pieces whose results depend only on the problem size and
 * the thread count, never on timing, so results are bit-identical from run to run for a given {@link #threads()}.
 *
 * <p>The thread count and the workers belong to the current {@link ExecutionContext}: {@code threads() - 1}
 * daemon threads per context (the caller is the last one), started on its first parallel call. A training step
 * makes many parallel calls of a hundred microseconds each (a batch-64 step of the course's dense network splits
 * its two large products while the workers keep up, see {@link #workersOnTime}), about what waking a parked
 * thread costs, so after each
 * job a worker keeps polling for the next one (yielding its core between looks) for {@link #SPIN_NANOS}
 * before it parks. The caller never waits
 * for a worker that has not started: it claims pieces itself until none is left, so a busy machine degrades
 * to one thread rather than to a stall. Only one job runs at a time; a call made while one runs (from another
 * thread, or from inside a piece) runs all its pieces on the calling thread.
 */
public final class Parallel {
    /** How long an idle worker polls for the next job before parking. */
    static final long SPIN_NANOS = 200_000L;
    /**
     * A wait this long for a piece a worker holds marks the workers as late (see {@link #workersOnTime}): longer
     * than a worker's usual start and the pieces' imbalance (tens of microseconds), shorter than the time slice
     * of a worker preempted by another process (milliseconds). With 100 us, the two-layer epoch on a quiet AMD
     * Zen 3 counted its workers late so often that it lost most of the split's gain (0.37-0.48 s against 0.29).
     */
    static final long LATE_NANOS = 1_000_000L;
    /** How long the workers then count as late. */
    static final long LATE_FOR_NANOS = 50_000_000L;

    private Parallel() {}

    /** A body that processes the index range [lo, hi). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int lo, int hi);
    }

    /**
     * Whether the current context's workers have kept up: there are some, and no parallel call in the last
     * {@link #LATE_FOR_NANOS} waited more than {@link #LATE_NANOS} for a piece a worker held. Work that only just
     * pays for a second thread is split only while they have: on a machine whose cores other processes take, a
     * worker preempted in the middle of its piece holds the caller for a whole time slice, which costs more than
     * the split saves. Only the split depends on this, never a result.
     */
    public static boolean workersOnTime() {
        ExecutionContext ctx = ExecutionContext.current();
        if (ctx.threads() <= 1) return false;
        Team t = ctx.team();
        return t != null && System.nanoTime() - t.lateSince > LATE_FOR_NANOS;
    }

    /** The number of threads kernels may use: the current {@link ExecutionContext}'s. */
    public static int threads() {
        return ExecutionContext.current().threads();
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} contiguous chunks of at least
     * {@code grain} indices each; runs inline when one chunk suffices.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(threads(), Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        forEachTask(chunks, c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }

    /** Pieces per thread of {@link #forPieces}. */
    static final int PIECES_PER_THREAD = 4;

    /**
     * Like {@link #forRange}, but in up to {@link #PIECES_PER_THREAD} contiguous pieces per thread (still of at
     * least {@code grain} indices), claimed by whichever thread is free. A worker that wakes late (it parks after
     * {@link #SPIN_NANOS} without work, and waking takes tens of microseconds or more on a busy machine) then still
     * takes a share, where with one piece per thread the caller would run both. For bodies that write each index's
     * results from that index alone: the pieces depend on sizes only, and nothing may depend on them.
     */
    public static void forPieces(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int pieces = (int) Math.min((long) PIECES_PER_THREAD * threads(), Math.max(1, n / Math.max(1, grain)));
        if (pieces <= 1 || threads() <= 1) {
            body.run(0, n);
            return;
        }
        forEachTask(pieces, c -> body.run((int) ((long) n * c / pieces), (int) ((long) n * (c + 1) / pieces)));
    }

    /**
     * Runs {@code body} once for each task index in [0, tasks), on the calling thread and on up to
     * {@link #threads()} - 1 workers, each claiming the next unclaimed index when it is free; returns when all
     * are done, rethrowing the first failure. Which thread runs a task depends on timing, so a task's result
     * must not: split the work by sizes only.
     */
    public static void forEachTask(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        Team t = tasks > 1 ? ExecutionContext.current().team() : null;
        if (t == null || !t.busy.compareAndSet(false, true)) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        try {
            Job job = new Job(tasks, body, Thread.currentThread());
            t.post(job);
            job.work();
            if (job.await() > LATE_NANOS) t.lateSince = System.nanoTime();
            Throwable failure = job.failure.get();
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new IllegalStateException(failure);
        } finally {
            t.busy.set(false);
        }
    }

    /** One call of {@link #forEachTask}: the tasks are claimed in order by whoever is free. */
    private static final class Job {
        final int tasks;
        final IntConsumer body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger remaining;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int tasks, IntConsumer body, Thread caller) {
            this.tasks = tasks;
            this.body = body;
            this.caller = caller;
            this.remaining = new AtomicInteger(tasks);
        }

        void work() {
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                try {
                    if (failure.get() == null) body.accept(i);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (remaining.decrementAndGet() == 0) LockSupport.unpark(caller);
                }
            }
        }

        /**
         * Waits for the tasks still running on workers (they usually end within microseconds, so it polls first);
         * returns the nanoseconds it waited.
         */
        long await() {
            if (remaining.get() == 0) return 0;
            long start = System.nanoTime();
            for (int spin = 0; remaining.get() > 0 && spin < 1_000; spin++) Thread.yield();
            while (remaining.get() > 0) LockSupport.parkNanos(this, 100_000L);
            return System.nanoTime() - start;
        }
    }

    /** The worker threads of one {@link ExecutionContext} and the job they are to help with. */
    static final class Team {
        final Thread[] workers;
        final AtomicBoolean busy = new AtomicBoolean();
        volatile Job job;
        volatile boolean stopped;
        /** Jobs offered to the workers so far (posted by one caller at a time: {@link #busy} is held). */
        long jobsPosted;
        /** When a caller last waited more than {@link #LATE_NANOS} for a worker's piece. */
        volatile long lateSince = System.nanoTime() - LATE_FOR_NANOS - 1;

        Team(int size, ExecutionContext ctx) {
            workers = new Thread[size];
            for (int i = 0; i < size; i++) {
                Thread w = new Thread(() -> {
                    ExecutionContext.bindWorker(ctx); // a piece that calls a kernel runs in the same context
                    loop();
                }, "nabla-" + (i + 1));
                w.setDaemon(true);
                workers[i] = w;
                w.start();
            }
        }

        void post(Job j) {
            jobsPosted++;
            job = j;
            // a worker that is polling sees the job at once; unparking one that is not is harmless
            for (Thread w : workers) LockSupport.unpark(w);
        }

        void stop() {
            stopped = true;
            for (Thread w : workers) LockSupport.unpark(w);
        }

        private void loop() {
            Job done = null;
            while (!stopped) {
                Job j = job;
                if (j != null && j != done) {
                    done = j;
                    j.work();
                    continue;
                }
                long until = System.nanoTime() + SPIN_NANOS;
                boolean found = false;
                while (!stopped && System.nanoTime() < until) {
                    Job k = job;
                    if (k != null && k != done) {
                        found = true;
                        break;
                    }
                    // yield, not a busy spin: on a machine with more runnable threads than cores, a spinning
                    // worker would take the core of the very caller whose next job it waits for
                    Thread.yield();
                }
                if (!found && !stopped) {
                    Job k = job;
                    if (k == null || k == done) LockSupport.park(this);
                }
            }
        }
    }
}
