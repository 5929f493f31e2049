package dev.nabla.train;

/**
 * Stops a run with status {@link TrainResult#DIVERGED} when a batch's training loss turns NaN or infinite
 * (before that step's update), or the validation loss does (the last steps made the weights non-finite without
 * a non-finite training loss yet). The message names where and suggests a ten times smaller learning rate.
 */
public final class DivergenceStop implements TrainListener {

    @Override
    public void onLoss(Trainer trainer, int epoch, int batch, double loss) {
        if (!Double.isFinite(loss)) trainer.stop(TrainResult.DIVERGED, message("training", loss, epoch, batch, trainer));
    }

    @Override
    public void onValidated(Trainer trainer, EpochMetrics m) {
        if (trainer.validates() && !Double.isFinite(m.valLoss())) {
            trainer.stop(TrainResult.DIVERGED, message("validation", m.valLoss(), m.epoch(), trainer.batchesPerEpoch(), trainer));
        }
    }

    private static String message(String which, double loss, int epoch, int batch, Trainer t) {
        double lr = t.optimizer().learningRate();
        return String.format("training diverged: the %s loss became %s at epoch %d, batch %d of %d (learning rate %s); "
                + "try a smaller learning rate, e.g. %s", which, Double.isNaN(loss) ? "NaN" : "infinite", epoch, batch,
                t.batchesPerEpoch(), fmt(lr), fmt(lr / 10));
    }

    private static String fmt(double v) {
        return String.format("%.6g", v).replaceAll("\\.?0+(e|$)", "$1");
    }
}
