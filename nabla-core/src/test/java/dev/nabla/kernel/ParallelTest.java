package dev.nabla.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
