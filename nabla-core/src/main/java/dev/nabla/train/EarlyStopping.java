package dev.nabla.train;

/**
 * Ends a run (status {@link TrainResult#OK}) when the validation score has not improved for {@code patience}
 * epochs in a row: the score is the validation accuracy when there is one, else the validation loss (lower is
 * better). An epoch improves when it beats the best so far by more than {@code minDelta}.
 */
public final class EarlyStopping implements TrainListener {
    private final int patience;
    private final double minDelta;
    private double best = Double.NaN;
    private int since;

    public EarlyStopping(int patience, double minDelta) {
        if (patience < 1) throw new dev.nabla.InputException("early stopping: patience must be >= 1 epoch, got " + patience);
        if (!(minDelta >= 0)) throw new dev.nabla.InputException("early stopping: min delta must be >= 0, got " + minDelta);
        this.patience = patience;
        this.minDelta = minDelta;
    }

    public EarlyStopping(int patience) {
        this(patience, 0);
    }

    @Override
    public void onValidated(Trainer trainer, EpochMetrics m) {
        double score = Double.isNaN(m.valAcc()) ? -m.valLoss() : m.valAcc();
        if (Double.isNaN(best) || score > best + minDelta) {
            best = score;
            since = 0;
        } else if (++since >= patience) {
            trainer.stop(TrainResult.OK, String.format(java.util.Locale.ROOT,
                    "stopped early at epoch %d: no improvement of the validation %s for %d epochs",
                    m.epoch(), Double.isNaN(m.valAcc()) ? "loss" : "accuracy", patience));
        }
    }
}
