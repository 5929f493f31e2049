package dev.nabla.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ExecutionContextTest {

    @Test
    void aScopeSetsKernelsAndThreadsAndClosingRestoresThePreviousOne() {
        ExecutionContext outside = ExecutionContext.current();
        try (var a = ExecutionContext.with(KernelProvider.scalar(), 3)) {
            assertSame(KernelProvider.scalar(), Kernels.get());
            assertEquals(3, Parallel.threads());
            try (var b = ExecutionContext.withThreads(1)) {
                assertEquals(1, Parallel.threads());
                assertSame(KernelProvider.scalar(), Kernels.get(), "withThreads keeps the kernels");
            }
            assertEquals(3, Parallel.threads());
        }
        assertSame(outside, ExecutionContext.current());
    }

    @Test
    void rejectsLessThanOneThreadNamingTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> ExecutionContext.withThreads(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExecutionContext.withThreads(-3));
    }

    @Test
    void scopesCloseInReverseOrderOnly() {
        var a = ExecutionContext.withThreads(2);
        var b = ExecutionContext.withThreads(3);
        assertThrows(IllegalStateException.class, a::close);
        b.close();
        a.close();
    }

    @Test
    void aMarkClosesTheContextsOpenedSinceIt() {
        ExecutionContext outside = ExecutionContext.current();
        try (var mark = ExecutionContext.mark()) {
            ExecutionContext.withThreads(3);
            ExecutionContext.withKernels(KernelProvider.scalar()); // left open, as a command's options are
            assertSame(KernelProvider.scalar(), Kernels.get());
        }
        assertSame(outside, ExecutionContext.current());
    }

    @Test
    void threadsStartedInAScopeInheritItAndPiecesRunInIt() throws Exception {
        try (var ctx = ExecutionContext.with(KernelProvider.scalar(), 2)) {
            AtomicReference<ExecutionContext> seen = new AtomicReference<>();
            Thread t = new Thread(() -> seen.set(ExecutionContext.current()));
            t.start();
            t.join();
            assertSame(ctx, seen.get());
            // every piece of a parallel call, on the caller or on a worker, sees the context of the call
            Set<ExecutionContext> inPieces = ConcurrentHashMap.newKeySet();
            Parallel.forEachTask(64, i -> inPieces.add(ExecutionContext.current()));
            assertEquals(Set.of(ctx), inPieces);
        }
    }

    @Test
    void parallelScopesOnTwoThreadsKeepTheirOwnThreadCounts() throws Exception {
        CyclicBarrier both = new CyclicBarrier(2);
        int[] seen = new int[2];
        Thread[] ts = new Thread[2];
        for (int i = 0; i < 2; i++) {
            int idx = i;
            ts[i] = new Thread(() -> {
                try (var ctx = ExecutionContext.withThreads(idx + 1)) {
                    both.await(); // both scopes are open at once
                    seen[idx] = Parallel.threads();
                    both.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        assertEquals(1, seen[0]);
        assertEquals(2, seen[1]);
    }
}
