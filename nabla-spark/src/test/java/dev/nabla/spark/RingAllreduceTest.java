package dev.nabla.spark;

import dev.nabla.train.Evaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The ring allreduce among threads on 127.0.0.1: sums in a fixed order, the same bits everywhere, a lost peer named. */
class RingAllreduceTest {

    /** Joins {@code n} rings on 127.0.0.1, swapping addresses through a shared array. */
    private static List<Future<RingAllreduce>> rings(int n, ExecutorService pool, int timeoutMillis) {
        String[] book = new String[n];
        CountDownLatch all = new CountDownLatch(n);
        List<Future<RingAllreduce>> out = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int rank = r;
            out.add(pool.submit(() -> RingAllreduce.join(rank, n, "127.0.0.1", mine -> {
                book[rank] = mine;
                all.countDown();
                try {
                    all.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return List.of(book);
            }, timeoutMillis)));
        }
        return out;
    }

    @Test
    @Timeout(30)
    void everyWorkerGetsTheSumInRingOrderBitForBit() throws Exception {
        int n = 3, len = 10; // chunks of 3, 3 and 4 values
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<RingAllreduce>> rings = rings(n, pool, 10_000);
            float[][] x = new float[n][len];
            for (int r = 0; r < n; r++) for (int i = 0; i < len; i++) x[r][i] = (float) Math.pow(10, r * 3 - 4) * (1 + i / 7f);
            List<Future<float[]>> sums = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                sums.add(pool.submit(() -> {
                    float[] v = x[rank].clone();
                    try (RingAllreduce ring = rings.get(rank).get()) {
                        ring.sum(v);
                        ring.sum(new double[0]); // an empty array passes too
                        assertEquals(2L * (n - 1) * 4 * len / n, ring.bytesSent(), 4.0 * n, "2 (n-1)/n of the array");
                    }
                    return v;
                }));
            }
            float[] first = sums.get(0).get(10, TimeUnit.SECONDS);
            for (int r = 1; r < n; r++) assertArrayEquals(first, sums.get(r).get(10, TimeUnit.SECONDS), "the same bits everywhere");
            for (int i = 0; i < len; i++) {
                int chunk = i < 3 ? 0 : i < 6 ? 1 : 2; // chunk c is added up from worker c, round the ring
                float expected = x[chunk][i];
                for (int k = 1; k < n; k++) expected = expected + x[(chunk + k) % n][i];
                assertEquals(expected, first[i], 0f, "value " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(30)
    void aWorkerThatGoesAwayIsNamedByItsNeighbour() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<RingAllreduce>> rings = rings(2, pool, 10_000);
            RingAllreduce zero = rings.get(0).get(10, TimeUnit.SECONDS);
            rings.get(1).get(10, TimeUnit.SECONDS).close(); // worker 1 fails before the step
            RingAllreduce.PeerLost e = assertThrows(RingAllreduce.PeerLost.class, () -> zero.sum(new float[1000]));
            assertTrue(e.getMessage().contains("worker 1 (127.0.0.1:"), e.getMessage());
            zero.close();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(30)
    void aWorkerThatHangsIsGivenUpAfterTheTimeout() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<RingAllreduce>> rings = rings(2, pool, 500);
            RingAllreduce zero = rings.get(0).get(10, TimeUnit.SECONDS);
            try (RingAllreduce one = rings.get(1).get(10, TimeUnit.SECONDS)) { // joined, but never steps
                RingAllreduce.PeerLost e = assertThrows(RingAllreduce.PeerLost.class, () -> zero.sum(new float[4]));
                assertTrue(e.getMessage().contains("worker 1 (127.0.0.1:") && e.getMessage().contains("sent nothing"), e.getMessage());
                assertEquals(1, one.rank());
            }
            zero.close();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(30)
    void workerZeroEvaluatesAloneAndEveryWorkerGetsItsResultsBitForBit() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<RingAllreduce>> rings = rings(2, pool, 10_000);
            // a negative zero and a NaN (a class without samples) must come through as they are
            Evaluation e = new Evaluation(0.123456789012345, -0.0, new double[] {0.5, Double.NaN, 1.0 / 3},
                    new int[][] {{1, 1, 0}, {0, 0, 0}, {2, 0, 1}});
            List<Future<Evaluation>> got = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int rank = r;
                got.add(pool.submit(() -> {
                    try (RingAllreduce ring = rings.get(rank).get()) {
                        return new RingReplicas(ring).evaluate(() -> {
                            if (rank != 0) throw new AssertionError("worker " + rank + " evaluated");
                            return e;
                        });
                    }
                }));
            }
            assertSame(e, got.get(0).get(10, TimeUnit.SECONDS));
            Evaluation one = got.get(1).get(10, TimeUnit.SECONDS);
            assertEquals(e, one, "Evaluation.equals compares the doubles' bits");
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(one.accuracy()));
        } finally {
            pool.shutdownNow();
        }
    }
}
