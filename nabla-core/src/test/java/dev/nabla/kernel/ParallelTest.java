package dev.nabla.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void forRangeVisitsEveryIndexOnce() {
        for (int t : new int[] {1, 2, 5}) {
            try (var ctx = ExecutionContext.withThreads(t)) {
                for (int n : new int[] {0, 1, 7, 1000}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
                    Parallel.forRange(n, 3, (lo, hi) -> {
                        for (int i = lo; i < hi; i++) seen.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "threads " + t + " n " + n + " index " + i);
                }
            }
        }
    }

    @Test
    void forPiecesVisitsEveryIndexOnce() {
        for (int t : new int[] {1, 2, 5}) {
            try (var ctx = ExecutionContext.withThreads(t)) {
                for (int n : new int[] {0, 1, 7, 1000}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
                    Parallel.forPieces(n, 3, (lo, hi) -> {
                        for (int i = lo; i < hi; i++) seen.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "threads " + t + " n " + n + " index " + i);
                }
            }
        }
    }

    @Test
    void forEachTaskRunsEveryTaskOnce() {
        for (int t : new int[] {1, 2, 4}) {
            try (var ctx = ExecutionContext.withThreads(t)) {
                for (int n : new int[] {0, 1, 3, 100}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
                    Parallel.forEachTask(n, seen::incrementAndGet);
                    for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "threads " + t + " n " + n + " task " + i);
                }
            }
        }
    }

    @Test
    void workersCountAsLateAfterTheCallerWaitedForOne() throws InterruptedException {
        try (var one = ExecutionContext.withThreads(1)) {
            assertFalse(Parallel.workersOnTime(), "one thread has no workers");
        }
        try (var ctx = ExecutionContext.withThreads(2)) {
            assertTrue(Parallel.workersOnTime(), "fresh workers");
            // the caller's piece is short and the worker's long, so the caller waits for the worker; a worker that
            // wakes after the caller finished both pieces leaves nothing to wait for: try again until it took one
            boolean workerRan = false;
            for (int attempt = 0; attempt < 50 && !workerRan; attempt++) {
                boolean[] byWorker = new boolean[2];
                Parallel.forEachTask(2, i -> {
                    boolean worker = Thread.currentThread().getName().startsWith("nabla-");
                    byWorker[i] = worker;
                    sleep(worker ? 20 : 2);
                });
                workerRan = byWorker[0] || byWorker[1];
            }
            assertTrue(workerRan, "a worker took a piece in 50 tries");
            assertFalse(Parallel.workersOnTime(), "just after the caller waited 18 ms for a worker");
            Thread.sleep(Parallel.LATE_FOR_NANOS / 1_000_000 + 20);
            assertTrue(Parallel.workersOnTime(), "once the late spell is over");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void forEachTaskRethrowsAFailure() {
        try (var ctx = ExecutionContext.withThreads(2)) {
            rethrowsAndStaysUsable();
        }
    }

    private static void rethrowsAndStaysUsable() {
        var e = assertThrows(IllegalStateException.class, () -> Parallel.forEachTask(8, i -> {
            if (i == 5) throw new IllegalStateException("task 5 failed");
        }));
        assertEquals("task 5 failed", e.getMessage());
        // the pool is still usable afterwards
        AtomicIntegerArray seen = new AtomicIntegerArray(4);
        Parallel.forEachTask(4, seen::incrementAndGet);
        for (int i = 0; i < 4; i++) assertEquals(1, seen.get(i));
    }

    @Test
    void nestedCallsRunInlineWithoutDeadlock() {
        try (var ctx = ExecutionContext.withThreads(2)) {
            AtomicIntegerArray seen = new AtomicIntegerArray(12);
            Parallel.forEachTask(3, outer -> Parallel.forEachTask(4, inner -> seen.incrementAndGet(outer * 4 + inner)));
            for (int i = 0; i < 12; i++) assertEquals(1, seen.get(i), "task " + i);
        }
    }
}
