package dev.nabla.cli.run;

import dev.nabla.cli.config.RunConfig;
import dev.nabla.train.EpochMetrics;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainListener;
import dev.nabla.train.TrainState;
import dev.nabla.train.Trainer;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a training's progress. On a terminal, a one-line bar on {@code bar} (epoch, batch i/n, images per
 * second, time left in the epoch, running loss and accuracy), redrawn in place with {@code \r} at most ten times
 * a second. Always, one summary line per epoch on {@code lines}: training and validation loss and accuracy,
 * seconds, and whether the epoch is the best so far.
 */
public final class Progress implements TrainListener {

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 20;

    private final PrintWriter bar;
    private final PrintWriter lines;
    private final boolean terminal;
    private int epochs;
    private int batchSize;
    private long epochStart;
    private long lastDraw;
    private int drawnWidth;

    /**
     * @param bar      where the live bar goes (stderr)
     * @param lines    where the per-epoch lines go (stdout, or stderr when stdout is reserved for JSON)
     * @param terminal whether {@code bar} is a terminal that understands {@code \r}; if not, no bar is drawn
     */
    public Progress(PrintWriter bar, PrintWriter lines, boolean terminal) {
        this.bar = bar;
        this.lines = lines;
        this.terminal = terminal;
    }

    /** Everything on stderr, with the bar when the process runs on a terminal. */
    public static Progress toStderr() {
        PrintWriter err = new PrintWriter(System.err, true);
        return new Progress(err, err, onTerminal());
    }

    /**
     * Whether this process talks to a terminal: {@code System.console()} is non-null (and, on JDK 22+, which
     * returns a console for redirected streams too, {@code Console.isTerminal()} says so).
     */
    public static boolean onTerminal() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only for a terminal
        }
    }

    @Override
    public void onStart(Trainer trainer) {
        epochs = trainer.epochs();
        batchSize = trainer.trainLoader().batchSize();
        TrainConfig c = trainer.config();
        String what = c != null ? RunConfig.describe(c) : trainer.model().getClass().getSimpleName();
        lines.println("training " + what + ": " + epochs + (epochs == 1 ? " epoch" : " epochs")
                + " of " + trainer.batchesPerEpoch() + " batches");
        lines.flush();
        startEpochClock();
    }

    // the next epoch starts as soon as a listener returns: from onStart, or from onEpoch for the following one
    private void startEpochClock() {
        epochStart = System.nanoTime();
        lastDraw = epochStart;
    }

    @Override
    public void onBatch(int epoch, int batch, int batches, double runningLoss, double runningAcc) {
        if (!terminal) return;
        long now = System.nanoTime();
        if (batch != batches && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        double elapsed = Math.max(1e-9, (now - epochStart) / 1e9);
        double rate = (double) batch * batchSize / elapsed;
        double eta = elapsed / batch * (batches - batch);
        int filled = (int) ((long) BAR_WIDTH * batch / batches);
        String line = String.format(Locale.ROOT, "epoch %d/%d [%s%s] %d/%d  %,.0f img/s  ETA %s  loss %.4f  acc %.4f",
                epoch, epochs, "=".repeat(filled), " ".repeat(BAR_WIDTH - filled), batch, batches, rate,
                clock(eta), runningLoss, runningAcc);
        int pad = Math.max(0, drawnWidth - line.length());
        bar.print("\r" + line + " ".repeat(pad));
        bar.flush();
        drawnWidth = line.length();
    }

    @Override
    public void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
        clearBar();
        lines.println(summary(m, epochs, newBest));
        lines.flush();
        startEpochClock();
    }

    @Override
    public void onDiverged(int epoch, int batch, String message) {
        clearBar();
    }

    /** The per-epoch line, e.g. {@code epoch  3/10  train loss 0.3124 acc 0.9112 | val loss ... | 5.2 s + 0.4 s}. */
    public static String summary(EpochMetrics m, int epochs, boolean newBest) {
        int w = Integer.toString(Math.max(epochs, m.epoch())).length();
        return String.format(Locale.ROOT, "epoch %" + w + "d/%d  train loss %.4f acc %.4f | val loss %.4f acc %.4f | %.1f s + %.1f s eval%s",
                m.epoch(), epochs, m.trainLoss(), m.trainAcc(), m.valLoss(), m.valAcc(), m.trainSeconds(),
                m.evalSeconds(), newBest ? "  (best)" : "");
    }

    private void clearBar() {
        if (terminal && drawnWidth > 0) {
            bar.print("\r" + " ".repeat(drawnWidth) + "\r");
            bar.flush();
            drawnWidth = 0;
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
