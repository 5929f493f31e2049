package dev.nabla.train;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Copies the rows of the next training batch on a thread of its own while the caller trains on the current one:
 * a batch of 64 MNIST images is 64 rows from anywhere in the set, so its copy mostly waits on memory (about a
 * fifth of a softmax-regression step), and that wait can overlap the step's arithmetic. Every row is a plain copy
 * of the caller's own rows, so the bits never depend on who made it.
 *
 * <p>One copy is outstanding at a time, in {@link #PIECES} pieces claimed in order by whoever is free: when the
 * caller {@link #take}s it, it copies the pieces not yet started itself (the thread was not scheduled in time, as
 * on a busy machine) and waits only for those under way. The thread parks between copies and ends after
 * {@link #IDLE_NANOS} without work, so a loader that is no longer used leaves no thread behind.
 */
final class RowPrefetch {
    /** How long the thread waits for the next copy before it ends. */
    static final long IDLE_NANOS = 50_000_000L;
    /** Pieces of a copy (16 rows each for a batch of 64). */
    static final int PIECES = 4;

    /** Rows {@code rows} of {@code from} ({@code row} floats each, from {@code offset}) into {@code into}. */
    private static final class Copy {
        final float[] from, into;
        final int offset, row;
        final int[] rows;
        final AtomicInteger next = new AtomicInteger(), remaining = new AtomicInteger(PIECES);

        Copy(float[] from, int offset, int row, int[] rows, float[] into) {
            this.from = from;
            this.offset = offset;
            this.row = row;
            this.rows = rows;
            this.into = into;
        }

        /** Copies unclaimed pieces until none is left. */
        void work() {
            for (int p; (p = next.getAndIncrement()) < PIECES; ) {
                int n = rows.length;
                DataLoader.copyRows(from, offset, rows, row, into, n * p / PIECES, n * (p + 1) / PIECES);
                remaining.decrementAndGet();
            }
        }
    }

    private volatile Copy copy;
    private volatile Thread thread;

    /** Starts copying {@code rows} of {@code from} into {@code into}; the copy posted before must have been taken. */
    void post(float[] from, int offset, int row, int[] rows, float[] into) {
        if (copy != null) throw new IllegalStateException("the previous copy was not taken");
        copy = new Copy(from, offset, row, rows, into);
        Thread t = thread;
        if (t == null || !t.isAlive()) {
            t = new Thread(this::loop, "nabla-batches");
            t.setDaemon(true);
            thread = t;
            t.start();
        } else {
            LockSupport.unpark(t);
        }
    }

    /** Whether a copy was posted and not yet taken. */
    boolean posted() {
        return copy != null;
    }

    /** Returns the buffer of the posted copy once it is complete, copying here the pieces not yet started. */
    float[] take() {
        Copy c = copy;
        if (c == null) throw new IllegalStateException("no copy was posted");
        c.work();
        for (int spin = 0; c.remaining.get() > 0; spin++) {
            if (spin < 200) Thread.onSpinWait();
            else Thread.yield();
        }
        copy = null;
        return c.into;
    }

    private void loop() {
        Copy done = null;
        while (true) {
            Copy c = copy;
            if (c != null && c != done) {
                c.work();
                done = c;
                continue;
            }
            // parked, not polling: a polling thread takes its share of a busy machine's cores from the caller, and
            // being woken (microseconds) is short beside a training step
            long parked = System.nanoTime();
            LockSupport.parkNanos(this, IDLE_NANOS);
            if (System.nanoTime() - parked >= IDLE_NANOS) {
                // ends only when nothing new is posted; a post after this finds the thread gone and starts another
                thread = null;
                Copy k = copy;
                if (k == null || k == done || thread != null) return;
                thread = Thread.currentThread();
            }
        }
    }
}
