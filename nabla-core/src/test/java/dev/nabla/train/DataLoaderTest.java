package dev.nabla.train;

import dev.nabla.data.ImageSet;
import dev.nabla.random.NumpyRandom;
import dev.nabla.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DataLoaderTest {

    /** 10 samples of 2 features: feature 0 is the sample's index, feature 1 its label (index % 3). */
    private static ImageSet indexed(int n) {
        float[] px = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            px[2 * i] = i;
            px[2 * i + 1] = y[i];
        }
        return new ImageSet(px, y, n, 1, 2, 3);
    }

    private static List<Batch> all(DataLoader l, int epoch) {
        List<Batch> out = new ArrayList<>();
        for (Batch b : l.batches(epoch)) out.add(b);
        return out;
    }

    @Test
    void theBatchCountRoundsUpAndTheLastBatchHoldsTheRest() {
        DataLoader l = new DataLoader(indexed(10), 4, true, 1);
        assertEquals(3, l.batches());
        assertEquals(List.of(4, 4, 2), all(l, 1).stream().map(Batch::size).toList());
        assertArrayEquals(new int[] {2, 2}, all(l, 1).get(2).x().shape());
    }

    /** The sample indices of each batch of an epoch. */
    private static List<List<Integer>> rows(DataLoader l, int epoch) {
        List<List<Integer>> out = new ArrayList<>();
        for (Batch b : l.reusingBatches(epoch)) {
            List<Integer> r = new ArrayList<>();
            for (int i = 0; i < b.size(); i++) r.add((int) b.x().value().get(i, 0));
            out.add(r);
        }
        return out;
    }

    @Test
    void theShardsOfABatchAreItsConsecutiveSlicesWhetherShuffledOrNot() {
        for (boolean shuffle : new boolean[] {true, false}) {
            DataLoader whole = new DataLoader(indexed(23), 8, shuffle, 5); // batches of 8, 8 and 7
            List<List<Integer>> w = rows(whole, 2);
            List<List<List<Integer>>> shards = new ArrayList<>();
            for (int k = 0; k < 3; k++) shards.add(rows(whole.shard(k, 3), 2));
            for (int b = 0; b < 3; b++) {
                List<Integer> joined = new ArrayList<>();
                for (int k = 0; k < 3; k++) joined.addAll(shards.get(k).get(b));
                assertEquals(w.get(b), joined, "batch " + b + ", shuffle " + shuffle);
            }
            assertEquals(List.of(2, 3, 3), shards.stream().map(s -> s.get(0).size()).toList(), "rows [k n / 3, (k + 1) n / 3)");
            assertEquals(List.of(2, 2, 3), shards.stream().map(s -> s.get(2).size()).toList());
            assertEquals(3, whole.shard(1, 3).batches());
        }
        assertThrows(dev.nabla.InputException.class, () -> new DataLoader(indexed(4), 2, true, 1).shard(2, 2));
    }

    @Test
    void aShuffledEpochVisitsEverySampleOnceAndEachRowKeepsItsLabel() {
        DataLoader l = new DataLoader(indexed(10), 4, true, 7);
        List<Integer> seen = new ArrayList<>();
        for (Batch b : l.batches(3)) {
            assertEquals(DType.F32, b.x().dtype());
            for (int i = 0; i < b.size(); i++) {
                seen.add((int) b.x().value().get(i, 0));
                assertEquals(b.labels()[i], (int) b.x().value().get(i, 1));
            }
        }
        assertNotEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen, "shuffled");
        seen.sort(null);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
    }

    @Test
    void theOrderOfAnEpochDependsOnlyOnTheSeedAndTheEpoch() {
        ImageSet s = indexed(50);
        DataLoader a = new DataLoader(s, 8, true, 1024), b = new DataLoader(s, 8, true, 1024);
        all(a, 1);
        all(a, 2);
        assertArrayEquals(a.order(3), b.order(3), "epoch 3 alone equals epoch 3 after epochs 1 and 2");
        assertFalse(Arrays.equals(a.order(3), a.order(4)), "each epoch reshuffles");
        assertFalse(Arrays.equals(a.order(3), new DataLoader(s, 8, true, 1025).order(3)), "the seed matters");
        // the order is numpy's permutation under the documented per-epoch seed
        assertArrayEquals(new NumpyRandom(DataLoader.epochSeed(1024, 3)).permutation(50), a.order(3));
    }

    @Test
    void epochSeedsStayInNumpysRange() {
        for (long seed : new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            for (int e = 0; e < 100; e++) {
                long s = DataLoader.epochSeed(seed, e);
                assertTrue(s >= 0 && s <= 0xffffffffL, seed + "/" + e + " -> " + s);
            }
        }
    }

    @Test
    void withoutShufflingBatchesAreConsecutiveRows() {
        DataLoader l = new DataLoader(indexed(10), 4, false, 1);
        List<Batch> bs = all(l, 5);
        assertArrayEquals(new int[] {0, 1, 2, 0}, bs.get(0).labels());
        assertEquals(8, (int) bs.get(2).x().value().get(0, 0));
        assertEquals(9, (int) bs.get(2).x().value().get(1, 0));
    }

    @Test
    void reusingBatchesHoldTheSameSamplesInOneBufferForFullBatches() {
        DataLoader l = new DataLoader(indexed(10), 4, true, 3);
        List<Batch> fresh = all(l, 2);
        List<float[]> storages = new ArrayList<>();
        int k = 0;
        for (Batch b : l.reusingBatches(2)) {
            Batch f = fresh.get(k++);
            assertArrayEquals(f.labels(), b.labels());
            assertArrayEquals(f.x().value().toFloatArray(), b.x().value().toFloatArray());
            storages.add(b.x().value().floatStorage());
        }
        assertEquals(3, k);
        assertSame(storages.get(0), storages.get(1), "full batches share one buffer");
        assertNotSame(storages.get(0), storages.get(2), "the smaller last batch has its own array");
        assertNotSame(fresh.get(0).x().value().floatStorage(), fresh.get(1).x().value().floatStorage(),
                "batches() hands out independent arrays");
    }

    @Test
    void batchesGatheredOnTwoThreadsHoldTheRowsOfTheOrder() {
        try (var ctx = dev.nabla.kernel.ExecutionContext.withThreads(2)) {
            DataLoader l = new DataLoader(indexed(300), 64, true, 5); // 64 rows: split between the two threads
            int[] order = l.order(1);
            int at = 0;
            for (Batch b : l.reusingBatches(1)) {
                float[] x = b.x().value().toFloatArray();
                for (int i = 0; i < b.size(); i++) {
                    assertEquals(order[at + i], (int) x[2 * i], "row " + i + " of the batch at " + at);
                    assertEquals(order[at + i] % 3, b.labels()[i]);
                }
                at += b.size();
            }
            assertEquals(300, at);
        }
    }
}
