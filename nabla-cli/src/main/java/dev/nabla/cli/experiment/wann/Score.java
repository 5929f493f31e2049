package dev.nabla.cli.experiment.wann;

/**
 * How a genome did on a set of images: the accuracy with each shared weight value ({@code accuracy[i]} for
 * {@code weights[i]}), and the accuracy of the ensemble over the values (the mean of the softmax outputs;
 * NaN when not computed).
 */
public record Score(double[] accuracy, double ensemble) {

    /** The accuracy of {@code genome} on {@code images} with each weight value; with the ensemble if asked. */
    public static Score of(Genome genome, Images images, float[] weights, boolean ensemble) {
        Forward f = new Forward(genome);
        double[] acc = new double[weights.length];
        double[][] probs = ensemble ? new double[genome.outputs()][images.count()] : null;
        float[][][] outs = f.outputs(images, weights);
        for (int i = 0; i < weights.length; i++) {
            float[][] out = outs[i];
            acc[i] = Forward.accuracy(Forward.predictions(out), images.labels());
            if (ensemble) Forward.addSoftmax(out, probs);
        }
        double ens = ensemble ? Forward.accuracy(Forward.predictions(probs), images.labels()) : Double.NaN;
        return new Score(acc, ens);
    }

    /** The mean accuracy over the weight values: the search's main objective. */
    public double mean() {
        double s = 0;
        for (double a : accuracy) s += a;
        return s / accuracy.length;
    }

    /** The accuracy of the best weight value. */
    public double max() {
        return accuracy[best()];
    }

    /** The index of the best weight value (the first of equals). */
    public int best() {
        int b = 0;
        for (int i = 1; i < accuracy.length; i++) if (accuracy[i] > accuracy[b]) b = i;
        return b;
    }
}
