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
}
