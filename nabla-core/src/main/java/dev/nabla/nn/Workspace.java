package dev.nabla.nn;

import dev.nabla.tensor.DType;

import java.util.ArrayList;
import java.util.List;

/**
 * Reused float32 scratch arrays for the convolution's big buffers (im2col columns, channel-major products), kept
 * per thread: a training step takes the arrays the previous step gave back instead of allocating tens of
 * megabytes each time. An array is taken for exclusive use and given back when no longer read (the columns a
 * forward pass keeps for its backward are given back by that backward); one never given back is simply left to the
 * garbage collector. Contents are stale: every user overwrites what it reads. float64 (gradient checks) is not
 * pooled.
 */
final class Workspace {
    /** Arrays kept per thread: a network's layers need a few at a time. */
    private static final int KEEP = 8;
    private static final ThreadLocal<List<float[]>> FREE = ThreadLocal.withInitial(ArrayList::new);

    private Workspace() {}

    /** An array of at least {@code n} elements of {@code dtype}, for exclusive use until {@link #give}n back. */
    static Object take(DType dtype, int n) {
        if (dtype != DType.F32) return new double[n];
        List<float[]> free = FREE.get();
        int best = -1;
        for (int i = 0; i < free.size(); i++) {
            int len = free.get(i).length;
            if (len >= n && (best < 0 || len < free.get(best).length)) best = i;
        }
        return best >= 0 ? free.remove(best) : new float[n];
    }

    /** Returns an array from {@link #take} (null is ignored); the pool drops its smallest array when full. */
    static void give(Object array) {
        if (!(array instanceof float[] a)) return;
        List<float[]> free = FREE.get();
        free.add(a);
        if (free.size() > KEEP) {
            int smallest = 0;
            for (int i = 1; i < free.size(); i++) if (free.get(i).length < free.get(smallest).length) smallest = i;
            free.remove(smallest);
        }
    }
}
