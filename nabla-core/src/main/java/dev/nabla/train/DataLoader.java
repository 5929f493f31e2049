package dev.nabla.train;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.ImageSet;
import dev.nabla.kernel.Parallel;
import dev.nabla.random.NumpyRandom;
import dev.nabla.tensor.NDArray;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Cuts an {@link ImageSet} into mini-batches of {@code batchSize} (the last one may be smaller).
 *
 * <p>With {@code shuffle}, the order of epoch e is {@code NumpyRandom(s).permutation(count)} where s depends on
 * (seed, e) only ({@link #epochSeed}), so any epoch can be replayed alone: a resumed run reshuffles exactly as
 * an uninterrupted one. Without it, batches are consecutive rows, handed out as views (no copy).
 */
public final class DataLoader {
    /** Rows per thread below which a shuffled batch is gathered on the calling thread alone. */
    private static final int GATHER_GRAIN = 16;

    private final ImageSet set;
    private final NDArray pixels; // [count, features], wrapping the set's array
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;

    /** @throws InputException when {@code batchSize < 1} */
    public DataLoader(ImageSet set, int batchSize, boolean shuffle, long seed) {
        if (batchSize < 1) throw new InputException("batch size must be >= 1, got " + batchSize);
        this.set = set;
        this.pixels = NDArray.of(set.pixels(), set.count(), set.features());
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    /** The number of batches per epoch: ceil(count / batchSize). */
    public int batches() {
        return (set.count() + batchSize - 1) / batchSize;
    }

    /** The number of samples. */
    public int size() {
        return set.count();
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * The seed of epoch {@code epoch}'s permutation: SplitMix64's finaliser applied to
     * {@code seed + 0x9E3779B97F4A7C15 * (epoch + 1)}, low 32 bits (numpy's seed range).
     */
    public static long epochSeed(long seed, int epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return z & 0xffffffffL;
    }

    /** The sample order of {@code epoch}: a permutation when shuffling, else 0, 1, ..., count - 1. */
    public int[] order(int epoch) {
        if (!shuffle) {
            int[] o = new int[set.count()];
            Arrays.setAll(o, i -> i);
            return o;
        }
        return new NumpyRandom(epochSeed(seed, epoch)).permutation(set.count());
    }

    /** The batches of {@code epoch} (numbered as {@link EpochMetrics#epoch()}, from 1), in order. */
    public Iterable<Batch> batches(int epoch) {
        return batches(epoch, false);
    }

    /**
     * Like {@link #batches(int)}, but shuffled batches of full size are gathered into one buffer that is reused:
     * a batch is valid only until the next one is taken. For loops that are done with a batch (forward and
     * backward) before asking for the next, such as the trainer's; it saves allocating and zeroing a
     * [batchSize, features] array per step.
     */
    Iterable<Batch> reusingBatches(int epoch) {
        return batches(epoch, true);
    }

    private Iterable<Batch> batches(int epoch, boolean reuse) {
        int[] order = shuffle ? order(epoch) : null;
        int features = set.features();
        return () -> new Iterator<>() {
            private int at;
            private float[] buffer;

            @Override
            public boolean hasNext() {
                return at < set.count();
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int end = Math.min(at + batchSize, set.count()), b = end - at;
                Batch out;
                if (order == null) {
                    out = new Batch(Tensor.of(pixels.slice(0, at, end)), Arrays.copyOfRange(set.labels(), at, end));
                } else {
                    float[] x = reuse && b == batchSize ? (buffer == null ? buffer = new float[b * features] : buffer) : new float[b * features];
                    int[] y = new int[b];
                    float[] src = set.pixels();
                    int[] labels = set.labels();
                    int first = at;
                    // The rows lie anywhere in the set, so the copy mostly waits on memory: split over the threads,
                    // more rows are fetched at once.
                    Parallel.forRange(b, GATHER_GRAIN, (lo, hi) -> {
                        for (int i = lo; i < hi; i++) System.arraycopy(src, order[first + i] * features, x, i * features, features);
                    });
                    for (int i = 0; i < b; i++) y[i] = labels[order[at + i]];
                    out = new Batch(Tensor.of(x, b, features), y);
                }
                at = end;
                return out;
            }
        };
    }
}
