package dev.nabla.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private static final int THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    @Test
    void setThreadsRejectsLessThanOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(-3));
        assertEquals(THREADS, Parallel.threads());
    }

    @Test
    void setThreadsChangesTheBudget() {
        Parallel.setThreads(3);
        assertEquals(3, Parallel.threads());
        Parallel.setThreads(1);
        assertEquals(1, Parallel.threads());
    }

    @Test
    void forRangeVisitsEveryIndexOnce() {
        for (int t : new int[] {1, 2, 5}) {
            Parallel.setThreads(t);
            for (int n : new int[] {0, 1, 7, 1000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
                Parallel.forRange(n, 3, (lo, hi) -> {
                    for (int i = lo; i < hi; i++) seen.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "threads " + t + " n " + n + " index " + i);
            }
        }
    }

    @Test
    void forEachTaskRunsEveryTaskOnce() {
        for (int t : new int[] {1, 2, 4}) {
            Parallel.setThreads(t);
            for (int n : new int[] {0, 1, 3, 100}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
                Parallel.forEachTask(n, seen::incrementAndGet);
                for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "threads " + t + " n " + n + " task " + i);
            }
        }
    }

    @Test
    void forEachTaskRethrowsAFailure() {
        Parallel.setThreads(2);
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
        Parallel.setThreads(2);
        AtomicIntegerArray seen = new AtomicIntegerArray(12);
        Parallel.forEachTask(3, outer -> Parallel.forEachTask(4, inner -> seen.incrementAndGet(outer * 4 + inner)));
        for (int i = 0; i < 12; i++) assertEquals(1, seen.get(i), "task " + i);
    }
}
