package dev.nabla.cli.experiment.wann;

import java.util.List;

/**
 * The forward pass of a genome with every link weight set to one shared value {@code w}, over many images at
 * once: node {@code v} computes {@code act_v(w * sum of its enabled inputs' values)}, visiting the hidden nodes
 * in the genome's topological order and then the outputs; inputs are the pixels and the bias is 1. The outputs
 * are logits for a softmax over the classes. Sums run in a fixed order (see {@link #outputs(Images, float[])}),
 * so a genome gives the same bits whichever thread evaluates it.
 */
public final class Forward {

    private final Genome genome;
    private final int[][] sources; // by computed node (hidden in order, then outputs): ids of enabled inputs
    private final int[] computed;

    public Forward(Genome genome) {
        this.genome = genome;
        int[] hidden = genome.hidden();
        computed = new int[hidden.length + genome.outputs()];
        System.arraycopy(hidden, 0, computed, 0, hidden.length);
        for (int k = 0; k < genome.outputs(); k++) computed[hidden.length + k] = genome.output(k);
        int[] slot = new int[genome.nodeCount()];
        java.util.Arrays.fill(slot, -1);
        for (int c = 0; c < computed.length; c++) slot[computed[c]] = c;
        int[] counts = new int[computed.length];
        List<Genome.Link> links = genome.links();
        for (Genome.Link l : links) if (l.enabled()) counts[slot[l.to()]]++;
        sources = new int[computed.length][];
        for (int c = 0; c < computed.length; c++) sources[c] = new int[counts[c]];
        int[] fill = new int[computed.length];
        for (Genome.Link l : links) {
            if (!l.enabled()) continue;
            int c = slot[l.to()];
            sources[c][fill[c]++] = l.from();
        }
    }

    /**
     * The output values {@code [outputs][count]} for the shared weight {@code w}.
     *
     * @throws IllegalArgumentException when the images do not have the genome's input count
     */
    public float[][] outputs(Images images, float w) {
        return outputs(images, new float[]{w})[0];
    }

    /**
     * The output values {@code [weights][outputs][count]} for each shared weight. The part of a node's sum that
     * comes straight from pixels and bias does not depend on the weight, so it is summed once for all of them
     * (most links start at a pixel); the sums from hidden nodes are added per weight. Each sum adds the pixel
     * and bias sources first, then the hidden ones, each group in link order.
     *
     * @throws IllegalArgumentException when the images do not have the genome's input count
     */
    public float[][][] outputs(Images images, float[] weights) {
        if (images.features() != genome.inputs()) {
            throw new IllegalArgumentException("genome has " + genome.inputs() + " inputs, images have "
                    + images.features() + " pixels");
        }
        int n = images.count();
        float[][] pixels = images.pixels();
        float[][] direct = new float[computed.length][];
        for (int c = 0; c < computed.length; c++) {
            float[] acc = new float[n];
            for (int src : sources[c]) {
                if (src < genome.inputs()) {
                    float[] v = pixels[src];
                    for (int j = 0; j < n; j++) acc[j] += v[j];
                } else if (src == genome.bias()) {
                    for (int j = 0; j < n; j++) acc[j] += 1f;
                }
            }
            direct[c] = acc;
        }
        float[][][] out = new float[weights.length][genome.outputs()][];
        float[][] value = new float[genome.nodeCount()][];
        for (int wi = 0; wi < weights.length; wi++) {
            float w = weights[wi];
            for (int c = 0; c < computed.length; c++) {
                float[] acc = direct[c].clone();
                for (int src : sources[c]) {
                    if (src <= genome.bias()) continue;
                    float[] v = value[src];
                    for (int j = 0; j < n; j++) acc[j] += v[j];
                }
                genome.activation(computed[c]).applyScaled(acc, w);
                value[computed[c]] = acc;
            }
            for (int k = 0; k < genome.outputs(); k++) out[wi][k] = value[genome.output(k)];
        }
        return out;
    }

    /**
     * The predicted class of each image: the output with the largest value (the first of equals; a NaN output
     * never wins), {@code [count]}.
     */
    public static int[] predictions(float[][] outputs) {
        int n = outputs[0].length;
        int[] pred = new int[n];
        for (int j = 0; j < n; j++) {
            int best = 0;
            float bv = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < outputs.length; k++) {
                float v = outputs[k][j];
                if (v > bv) {
                    bv = v;
                    best = k;
                }
            }
            pred[j] = best;
        }
        return pred;
    }

    /** The fraction of images whose prediction is their label. */
    public static double accuracy(int[] predictions, int[] labels) {
        int right = 0;
        for (int j = 0; j < labels.length; j++) if (predictions[j] == labels[j]) right++;
        return labels.length == 0 ? 0 : (double) right / labels.length;
    }

    /**
     * Adds the softmax of each image's outputs to {@code probs} ({@code [classes][count]}), computed stably (the
     * largest value subtracted first); an image whose outputs are not all finite adds a uniform distribution.
     */
    public static void addSoftmax(float[][] outputs, double[][] probs) {
        int n = outputs[0].length, classes = outputs.length;
        double[] e = new double[classes];
        for (int j = 0; j < n; j++) {
            double max = finiteMax(outputs, j);
            if (Double.isNaN(max)) {
                for (int k = 0; k < classes; k++) probs[k][j] += 1.0 / classes;
                continue;
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                e[k] = StrictMath.exp(outputs[k][j] - max);
                sum += e[k];
            }
            for (int k = 0; k < classes; k++) probs[k][j] += e[k] / sum;
        }
    }

    /**
     * The mean over images of {@code log softmax(outputs)[label]}, computed stably; an image whose outputs are not
     * all finite counts as a uniform guess, {@code -log(classes)}.
     */
    public static double meanLogLikelihood(float[][] outputs, int[] labels) {
        int n = labels.length, classes = outputs.length;
        if (n == 0) return 0;
        double total = 0;
        for (int j = 0; j < n; j++) {
            double max = finiteMax(outputs, j);
            if (Double.isNaN(max)) {
                total -= StrictMath.log(classes);
                continue;
            }
            double sum = 0;
            float m = (float) max; // one of the outputs, so exact
            for (float[] o : outputs) sum += FloatMath.exp(o[j] - m);
            total += outputs[labels[j]][j] - max - StrictMath.log(sum);
        }
        return total / n;
    }

    /**
     * The mean over images of {@code log softmax(z)[label]} where {@code z} is the image's outputs standardized
     * across the classes (mean 0, standard deviation 1): a log-likelihood that does not change when the outputs
     * are scaled, so a network is not rewarded for small outputs or punished for large ones, only for how far
     * the true class stands above the others. An image whose outputs are all equal or not all finite counts as a
     * uniform guess, {@code -log(classes)}.
     */
    public static double meanScaledLogLikelihood(float[][] outputs, int[] labels) {
        int n = labels.length, classes = outputs.length;
        if (n == 0) return 0;
        double total = 0;
        float[] z = new float[classes];
        for (int j = 0; j < n; j++) {
            double mean = 0;
            boolean finite = true;
            for (float[] o : outputs) {
                finite &= Float.isFinite(o[j]);
                mean += o[j];
            }
            mean /= classes;
            double var = 0;
            for (float[] o : outputs) var += (o[j] - mean) * (o[j] - mean);
            double sd = Math.sqrt(var / classes);
            if (!finite || !(sd > 0) || !Double.isFinite(sd)) {
                total -= StrictMath.log(classes);
                continue;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                z[k] = (float) ((outputs[k][j] - mean) / sd);
                max = Math.max(max, z[k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) sum += FloatMath.exp(z[k] - max);
            total += z[labels[j]] - max - StrictMath.log(sum);
        }
        return total / n;
    }

    /** The class with the largest summed probability for each image (the first of equals). */
    public static int[] predictions(double[][] probs) {
        int n = probs[0].length;
        int[] pred = new int[n];
        for (int j = 0; j < n; j++) {
            int best = 0;
            for (int k = 1; k < probs.length; k++) if (probs[k][j] > probs[best][j]) best = k;
            pred[j] = best;
        }
        return pred;
    }

    /** The largest of image {@code j}'s outputs, or NaN when one of them is not finite. */
    private static double finiteMax(float[][] outputs, int j) {
        double max = Double.NEGATIVE_INFINITY;
        for (float[] o : outputs) {
            if (!Float.isFinite(o[j])) return Double.NaN;
            max = Math.max(max, o[j]);
        }
        return max;
    }
}
