package dev.nabla.cli.experiment.wann;

/**
 * How a genome did on a set of images: for each shared weight value ({@code weights[i]}) the accuracy
 * {@code accuracy[i]} and the mean log-likelihood of the true labels under the softmax of the outputs
 * {@code logLikelihood[i]}, the same with the outputs standardized per image ({@code scaledLogLikelihood[i]},
 * {@link Forward#meanScaledLogLikelihood}), and the accuracy of the ensemble over the values (the mean of the softmax outputs;
 * NaN when not computed). Serializable, so that scores computed in cluster tasks come back to the driver.
 */
public record Score(double[] accuracy, double[] logLikelihood, double[] scaledLogLikelihood, double ensemble) implements java.io.Serializable {

    /** The score of {@code genome} on {@code images} with each weight value; with the ensemble if asked. */
    public static Score of(Genome genome, Images images, float[] weights, boolean ensemble) {
        Forward f = new Forward(genome);
        double[] acc = new double[weights.length], ll = new double[weights.length], scaled = new double[weights.length];
        double[][] probs = ensemble ? new double[genome.outputs()][images.count()] : null;
        float[][][] outs = f.outputs(images, weights);
        for (int i = 0; i < weights.length; i++) {
            float[][] out = outs[i];
            acc[i] = Forward.accuracy(Forward.predictions(out), images.labels());
            ll[i] = Forward.meanLogLikelihood(out, images.labels());
            scaled[i] = Forward.meanScaledLogLikelihood(out, images.labels());
            if (ensemble) Forward.addSoftmax(out, probs);
        }
        double ens = ensemble ? Forward.accuracy(Forward.predictions(probs), images.labels()) : Double.NaN;
        return new Score(acc, ll, scaled, ens);
    }

    /** The mean accuracy over the weight values. */
    public double mean() {
        return mean(accuracy);
    }

    /** The accuracy of the best weight value. */
    public double max() {
        return accuracy[best()];
    }

    /** The index of the weight value of highest accuracy (the first of equals). */
    public int best() {
        return argmax(accuracy);
    }

    /** The mean log-likelihood over the weight values. */
    public double meanLogLikelihood() {
        return mean(logLikelihood);
    }

    /** The log-likelihood of the weight value where it is highest. */
    public double maxLogLikelihood() {
        return logLikelihood[argmax(logLikelihood)];
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double a : v) s += a;
        return s / v.length;
    }

    private static int argmax(double[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }
}
