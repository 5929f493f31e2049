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

    /** Six significant digits without trailing zeros: 0.1, 1e+30, 2.5e-07 (the exponent keeps its digits). */
    static String fmt(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        double a = Math.abs(v);
        if (a == 0 || (a >= 1e-4 && a < 1e6)) {
            return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
        }
        String s = String.format(java.util.Locale.ROOT, "%.5e", v); // 1.00000e+30
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e).replaceAll("0+$", "").replaceAll("\\.$", "");
        return mantissa + s.substring(e);
    }
}
