package dev.nabla.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * Records the loss of every training step: the mean loss of the step's batch, computed by the forward pass
 * before the step's update. Per-epoch means hide what a single step does; this log shows that an SGD step can
 * raise the loss.
 */
public final class StepLog implements TrainListener {
    private int[] epochs = new int[1024];
    private int[] batches = new int[1024];
    private double[] losses = new double[1024];
    private int n;

    @Override
    public synchronized void onLoss(Trainer trainer, int epoch, int batch, double loss) {
        if (n == losses.length) {
            epochs = Arrays.copyOf(epochs, 2 * n);
            batches = Arrays.copyOf(batches, 2 * n);
            losses = Arrays.copyOf(losses, 2 * n);
        }
        epochs[n] = epoch;
        batches[n] = batch;
        losses[n++] = loss;
    }

    /** The steps recorded so far. */
    public synchronized int size() {
        return n;
    }

    /** The batch loss of each step, in order. */
    public synchronized double[] losses() {
        return Arrays.copyOf(losses, n);
    }

    /** {@code step,epoch,batch,loss}: one row per step, steps from 1, the loss as Java prints a double (exact). */
    public synchronized String csv() {
        StringBuilder sb = new StringBuilder("step,epoch,batch,loss\n");
        for (int i = 0; i < n; i++) {
            sb.append(String.format(Locale.ROOT, "%d,%d,%d,", i + 1, epochs[i], batches[i])).append(losses[i]).append('\n');
        }
        return sb.toString();
    }
}
