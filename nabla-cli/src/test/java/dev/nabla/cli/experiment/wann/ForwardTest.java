package dev.nabla.cli.experiment.wann;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ForwardTest {

    /**
     * Inputs x0 (id 0), x1 (1), bias (2), outputs o0 (3, linear) and o1 (4, abs), hidden h (5, tanh):
     * h = tanh(w (x0 + x1)), o0 = w (h + 1), o1 = |w x0| (the link x1 -> o1 is disabled).
     */
    static Genome tiny() {
        Activation[] act = GenomeTest.acts(6);
        act[4] = Activation.ABS;
        act[5] = Activation.TANH;
        return new Genome(2, 2, new int[]{5}, act, List.of(
                new Genome.Link(0, 5, true), new Genome.Link(1, 5, true), new Genome.Link(5, 3, true),
                new Genome.Link(2, 3, true), new Genome.Link(0, 4, true), new Genome.Link(1, 4, false)));
    }

    static Images images() {
        // image 0: (0.5, 0.25) label 1; image 1: (0, 1) label 0
        return new Images(new float[][]{{0.5f, 0f}, {0.25f, 1f}}, new int[]{1, 0}, 2, 2);
    }

    @Test
    void outputsMatchTheHandComputedValues() {
        float[][][] out = new Forward(tiny()).outputs(images(), new float[]{2f, -1f});
        // w = 2, image 0: h = tanh(1.5) = 0.9051483, o0 = 2 * 1.9051483 = 3.8102966, o1 = |2 * 0.5| = 1
        assertEquals(3.8102966, out[0][0][0], 1e-6);
        assertEquals(1.0, out[0][1][0], 1e-6);
        // w = 2, image 1: h = tanh(2) = 0.9640276, o0 = 3.9280552, o1 = 0
        assertEquals(3.9280552, out[0][0][1], 1e-6);
        assertEquals(0.0, out[0][1][1], 1e-6);
        // w = -1, image 0: h = tanh(-0.75) = -0.6351490, o0 = -(1 - 0.6351490) = -0.3648510, o1 = 0.5
        assertEquals(-0.3648510, out[1][0][0], 1e-6);
        assertEquals(0.5, out[1][1][0], 1e-6);
        // one weight at a time gives the same bits
        assertArrayEquals(out[1][0], new Forward(tiny()).outputs(images(), -1f)[0]);
    }

    @Test
    void scoreGivesAccuracyPerWeightAndOfTheSoftmaxEnsemble() {
        Score s = Score.of(tiny(), images(), new float[]{2f, -1f}, true);
        // w = 2: both images predict o0; labels 1, 0 -> 0.5. w = -1: image 0 -> o1 (right), image 1: h = tanh(-1),
        // o0 = -(1 - 0.7615942) = -0.2384058, o1 = 0 -> o1 (wrong) -> 0.5
        assertArrayEquals(new double[]{0.5, 0.5}, s.accuracy(), 0);
        // ensemble, image 0: softmax(3.8103, 1) = (0.9432, 0.0568), softmax(-0.3649, 0.5) = (0.2966, 0.7034):
        // mean (0.620, 0.380) -> class 0 (wrong); image 1: class 0 at w = 2 with 0.98 outweighs -> right
        assertEquals(0.5, s.ensemble(), 0);
        assertEquals(0.5, s.mean(), 0);
        assertEquals(0, s.best(), "the first of equals");
    }

    @Test
    void ensembleAveragesProbabilitiesNotVotes() {
        // two weights vote for different classes; the confident one wins
        float[][] a = {{5f}, {0f}}, b = {{0f}, {0.1f}};
        double[][] p = new double[2][1];
        Forward.addSoftmax(a, p);
        Forward.addSoftmax(b, p);
        assertArrayEquals(new int[]{0}, Forward.predictions(p));
        assertEquals(1.0 / (1 + Math.exp(-5)) + 1.0 / (1 + Math.exp(0.1)), p[0][0], 1e-9);
    }

    @Test
    void nonFiniteOutputsNeverWinAndAddAUniformDistribution() {
        float[][] out = {{Float.NaN}, {-3f}};
        assertArrayEquals(new int[]{1}, Forward.predictions(out));
        double[][] p = new double[2][1];
        Forward.addSoftmax(out, p);
        assertEquals(0.5, p[0][0], 0);
    }

    @Test
    void scaledLogLikelihoodStandardizesEachImagesOutputsSoScaleDoesNotMatter() {
        // image 0: outputs (1, 3), mean 2, sd 1: z = (-1, 1), label 1 gives -log(1 + e^-2); image 1: all equal, log 1/2
        float[][] out = {{1f, 5f}, {3f, 5f}};
        double expected = (-Math.log(1 + Math.exp(-2)) + Math.log(0.5)) / 2;
        assertEquals(expected, Forward.meanScaledLogLikelihood(out, new int[]{1, 0}), 1e-7);
        float[][] tenfold = {{10f, 50f}, {30f, 50f}};
        assertEquals(Forward.meanScaledLogLikelihood(out, new int[]{1, 0}), Forward.meanScaledLogLikelihood(tenfold, new int[]{1, 0}), 1e-7);
        assertEquals(Math.log(0.5), Forward.meanScaledLogLikelihood(new float[][]{{Float.POSITIVE_INFINITY}, {0f}}, new int[]{1}), 1e-12);
        Score s = Score.of(tiny(), images(), new float[]{2f, -1f}, false);
        float[][][] raw = new Forward(tiny()).outputs(images(), new float[]{2f, -1f});
        assertEquals(Forward.meanScaledLogLikelihood(raw[0], images().labels()), s.scaledLogLikelihood()[0], 0);
        assertEquals(s.scaledLogLikelihood()[1], Fitness.SCALED.of(s, 1), 0);
        assertEquals(Fitness.SCALED, Fitness.parse("scaled"));
    }

    @Test
    void logLikelihoodIsTheMeanLogSoftmaxOfTheLabelAndUniformForNonFiniteOutputs() {
        // image 0: logits (1, 3), label 1: log(e^3 / (e + e^3)) = -log(1 + e^-2); image 1: (0, 0), label 0: log 1/2
        float[][] out = {{1f, 0f}, {3f, 0f}};
        double expected = (-Math.log(1 + Math.exp(-2)) + Math.log(0.5)) / 2;
        assertEquals(expected, Forward.meanLogLikelihood(out, new int[]{1, 0}), 1e-7);
        // large logits do not overflow: (1000, 0), label 0 gives log(1 / (1 + e^-1000)) = 0
        assertEquals(0.0, Forward.meanLogLikelihood(new float[][]{{1000f}, {0f}}, new int[]{0}), 1e-12);
        assertEquals(Math.log(0.5), Forward.meanLogLikelihood(new float[][]{{Float.NaN}, {0f}}, new int[]{1}), 1e-12);
        Score s = Score.of(tiny(), images(), new float[]{2f, -1f}, false);
        float[][][] raw = new Forward(tiny()).outputs(images(), new float[]{2f, -1f});
        assertEquals(Forward.meanLogLikelihood(raw[1], images().labels()), s.logLikelihood()[1], 0);
        assertEquals(Math.max(s.logLikelihood()[0], s.logLikelihood()[1]), s.maxLogLikelihood(), 0);
    }

    @Test
    void activationsAreTheTenFunctions() {
        assertEquals(10, Activation.values().length);
        assertEquals(1f, Activation.STEP.apply(0.1f));
        assertEquals(0f, Activation.STEP.apply(0f));
        assertEquals(-2f, Activation.INVERSE.apply(2f));
        assertEquals(1f, Activation.GAUSSIAN.apply(0f));
        assertEquals(0.5f, Activation.SIGMOID.apply(0f));
        assertEquals(-1f, Activation.COS.apply(1f), 1e-6);
        assertEquals(1f, Activation.SIN.apply(0.5f), 1e-6);
        float[] x = {-1.5f, 0f, 0.3f, 2f};
        for (Activation a : Activation.values()) {
            float[] y = x.clone();
            a.applyScaled(y, -0.5f);
            for (int j = 0; j < x.length; j++) assertEquals(a.apply(-0.5f * x[j]), y[j], a + " at " + x[j]);
        }
    }
}
