package dev.nabla.train;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.Augment;
import dev.nabla.data.Dataset;
import dev.nabla.data.ImageSet;
import dev.nabla.kernel.Parallel;
import dev.nabla.random.NumpyRandom;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Cuts a {@link Dataset} into mini-batches of {@code batchSize} samples; the last one may be smaller, unless
 * {@code dropLast} leaves it out.
 *
 * <p>With {@code shuffle}, the order of epoch e is {@code NumpyRandom(s).permutation(count)} where s depends on
 * (seed, e) only ({@link #epochSeed}), so any epoch can be replayed alone: a resumed run reshuffles exactly as
 * an uninterrupted one. Without it, batches are consecutive samples, handed out as views (no copy).
 */
public final class DataLoader {
    /**
     * Rows per thread below which a shuffled batch is gathered on the calling thread alone: splitting a training
     * batch of 64 MNIST images, like splitting the optimizer's update, cost a training step more than it saved
     * (bench/RESULTS.md, "Ideas tried"); the evaluation's batches of 1000 are still split.
     */
    private static final int GATHER_GRAIN = 128;

    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final Augment augment;
    private final int shardIndex, shardCount; // this loader hands out part shardIndex of shardCount of every batch

    /**
     * @param shuffle  a new seeded order every epoch
     * @param dropLast leave out the last batch when it is smaller than {@code batchSize}
     * @param seed     the seed of the orders (ignored without shuffle)
     * @throws InputException when {@code batchSize < 1}
     */
    public DataLoader(Dataset data, int batchSize, boolean shuffle, boolean dropLast, long seed) {
        if (batchSize < 1) throw new InputException("batch size must be >= 1, got " + batchSize);
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.seed = seed;
        this.augment = Augment.NONE;
        this.shardIndex = 0;
        this.shardCount = 1;
    }

    private DataLoader(DataLoader d, Augment augment, int shardIndex, int shardCount) {
        this.data = d.data;
        this.batchSize = d.batchSize;
        this.shuffle = d.shuffle;
        this.dropLast = d.dropLast;
        this.seed = d.seed;
        this.augment = augment;
        this.shardIndex = shardIndex;
        this.shardCount = shardCount;
    }

    /**
     * This loader with every batch's inputs changed by {@code augment} (float32 image samples), drawn from
     * {@code NumpyRandom(epochSeed(seed ^ AUGMENT_SALT, epoch))} batch after batch ({@link Augment}); this loader
     * itself when {@code augment} changes nothing, so that the batches are bit for bit those without it.
     *
     * @throws InputException when the samples are not float32 images
     */
    public DataLoader withAugment(Augment augment) {
        if (augment == null || !augment.active()) return this;
        Augment.imageShape(data.sampleShape());
        if (data.inputs().dtype() != DType.F32) throw new InputException("augment needs float32 inputs");
        if (shardCount != 1) throw new InputException("augment is not supported with data-parallel workers");
        return new DataLoader(this, augment, shardIndex, shardCount);
    }

    /** Mixed into the seed of the augmentation's draws, so that they do not repeat the shuffle's. */
    static final long AUGMENT_SALT = 0x5DEECE66DL;

    /** All batches, the last one possibly smaller. */
    public DataLoader(Dataset data, int batchSize, boolean shuffle, long seed) {
        this(data, batchSize, shuffle, false, seed);
    }

    /** An image set's images [count, rows * cols] and labels. */
    public DataLoader(ImageSet set, int batchSize, boolean shuffle, long seed) {
        this(Dataset.of(set), batchSize, shuffle, false, seed);
    }

    /**
     * Part {@code index} of {@code count} of every batch of this loader, for data-parallel training
     * ({@link Replicas}): batch i is cut into {@code count} consecutive slices of sizes differing by at most one
     * (rows {@code [index * n / count, (index + 1) * n / count)} of its n), so the shards together hand out the
     * same batches in the same order, whatever the count. {@link #batches()}, {@link #batchSize()} and
     * {@link #size()} stay those of the whole loader.
     *
     * @throws InputException unless {@code 0 <= index < count}
     */
    public DataLoader shard(int index, int count) {
        if (count < 1 || index < 0 || index >= count) {
            throw new InputException("shard " + index + " of " + count + ": expected 0 <= index < count");
        }
        if (shardCount != 1) throw new IllegalStateException("this loader is already a shard");
        // each shard would draw its own augmentation, so that N workers would not train as one process does
        if (augment.active()) throw new InputException("augment is not supported with data-parallel workers");
        return new DataLoader(this, augment, index, count);
    }

    /** The data this loader cuts. */
    public Dataset dataset() {
        return data;
    }

    /** The number of batches per epoch: ceil(count / batchSize), or floor with {@code dropLast}. */
    public int batches() {
        return dropLast ? data.size() / batchSize : (data.size() + batchSize - 1) / batchSize;
    }

    /** The number of samples. */
    public int size() {
        return data.size();
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
            int[] o = new int[data.size()];
            Arrays.setAll(o, i -> i);
            return o;
        }
        return new NumpyRandom(epochSeed(seed, epoch)).permutation(data.size());
    }

    /** The batches of {@code epoch} (numbered as {@link EpochMetrics#epoch()}, from 1), in order. */
    public Iterable<Batch> batches(int epoch) {
        return batches(epoch, false);
    }

    /**
     * Like {@link #batches(int)}, but shuffled float32 inputs of full batches are gathered into one buffer that
     * is reused: a batch is valid only until the next one is taken. For loops that are done with a batch
     * (forward and backward) before asking for the next, such as the trainer's; it saves allocating and zeroing
     * a [batchSize, ...] array per step.
     */
    Iterable<Batch> reusingBatches(int epoch) {
        return batches(epoch, true);
    }

    private Iterable<Batch> batches(int epoch, boolean reuse) {
        int[] order = shuffle ? order(epoch) : null;
        int end = batches() * batchSize >= data.size() ? data.size() : batches() * batchSize;
        return () -> new Iterator<>() {
            private int at;
            private float[] buffer, augmented;
            private final NumpyRandom draws = augment.active()
                    ? new NumpyRandom(epochSeed(seed ^ AUGMENT_SALT, epoch)) : null;

            @Override
            public boolean hasNext() {
                return at < end;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int to = Math.min(at + batchSize, end), n = to - at;
                int from = at + (int) ((long) n * shardIndex / shardCount);
                int upTo = at + (int) ((long) n * (shardIndex + 1) / shardCount), b = upTo - from;
                int full = (int) ((long) batchSize * (shardIndex + 1) / shardCount - (long) batchSize * shardIndex / shardCount);
                int[] labels = data.labels();
                Batch out;
                if (order == null) {
                    out = new Batch(Tensor.of(data.inputs().slice(0, from, upTo)),
                            labels == null ? null : Arrays.copyOfRange(labels, from, upTo),
                            data.targets() == null ? null : Tensor.of(data.targets().slice(0, from, upTo)));
                } else {
                    int[] rows = Arrays.copyOfRange(order, from, upTo);
                    float[] reused = null;
                    if (reuse && b == full && data.inputs().dtype() == DType.F32) {
                        reused = buffer == null ? buffer = new float[b * rowSize(data.inputs())] : buffer;
                    }
                    int[] y = null;
                    if (labels != null) {
                        y = new int[b];
                        for (int i = 0; i < b; i++) y[i] = labels[rows[i]];
                    }
                    out = new Batch(Tensor.of(gather(data.inputs(), rows, reused)), y,
                            data.targets() == null ? null : Tensor.of(gather(data.targets(), rows, null)));
                }
                at = to;
                return draws == null ? out : augmented(out, reuse && b == full);
            }

            // the augmented copy of a batch; full batches of a reusing loop share one buffer
            private Batch augmented(Batch in, boolean reuseBuffer) {
                NDArray x = in.x().value().contiguous();
                int[] img = Augment.imageShape(data.sampleShape());
                float[] src = x.offset() == 0 && x.floatStorage().length == x.numel() ? x.floatStorage() : x.toFloatArray();
                float[] into = reuseBuffer && augmented != null ? augmented : new float[x.numel()];
                if (reuseBuffer) augmented = into;
                augment.apply(src, into, in.size(), img[0], img[1], img[2], draws);
                return new Batch(Tensor.of(NDArray.of(into, x.shape())), in.labels(), in.targets());
            }
        };
    }

    private static int rowSize(NDArray a) {
        return a.dim(0) == 0 ? 0 : a.numel() / a.dim(0);
    }

    /** Written by {@link #touchFirstElements}, so that the JIT keeps its reads. */
    private static int touched;

    /**
     * Reads the first element of rows {@code rows[lo..hi)}: their cache misses then wait together instead of one
     * row's copy after another's, which took a third off gathering a batch of 64 MNIST images (bench/RESULTS.md).
     */
    private static void touchFirstElements(float[] from, int offset, int[] rows, int row, int lo, int hi) {
        if (row == 0) return;
        int sum = 0;
        for (int i = lo; i < hi; i++) sum += Float.floatToRawIntBits(from[offset + rows[i] * row]);
        touched = sum;
    }

    /** Rows {@code rows} of the contiguous {@code src} [N, ...], into {@code into} when given (float32). */
    private static NDArray gather(NDArray src, int[] rows, float[] into) {
        int[] shape = src.shape().clone();
        shape[0] = rows.length;
        int row = rowSize(src), o = src.offset();
        if (src.dtype() == DType.F32) {
            float[] from = src.floatStorage(), x = into != null ? into : new float[rows.length * row];
            // The rows lie anywhere in the set, so the copy mostly waits on memory: split over the threads,
            // more rows are fetched at once.
            Parallel.forRange(rows.length, GATHER_GRAIN, (lo, hi) -> {
                touchFirstElements(from, o, rows, row, lo, hi);
                for (int i = lo; i < hi; i++) System.arraycopy(from, o + rows[i] * row, x, i * row, row);
            });
            return NDArray.of(x, shape);
        }
        double[] from = src.doubleStorage(), x = new double[rows.length * row];
        for (int i = 0; i < rows.length; i++) System.arraycopy(from, o + rows[i] * row, x, i * row, row);
        return NDArray.of(x, shape);
    }
}
