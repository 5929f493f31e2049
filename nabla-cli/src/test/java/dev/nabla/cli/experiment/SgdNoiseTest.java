package dev.nabla.cli.experiment;

import dev.nabla.autograd.Grad;
import dev.nabla.data.ImageSet;
import dev.nabla.loss.CrossEntropyLoss;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.nn.Parameter;
import dev.nabla.train.Batch;
import dev.nabla.train.DataLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Full-batch gradient descent computed in chunks is gradient descent on the whole set. */
class SgdNoiseTest {

    @Test
    void theGradientSummedOverUnequalChunksIsTheWholeSetsGradient() {
        // 2,500 images: chunks of 1,000, 1,000 and 500, so the weights by chunk size matter
        int n = 2 * SgdNoise.CHUNK + SgdNoise.CHUNK / 2, rows = 4, cols = 5;
        Random r = new Random(2);
        float[] px = new float[n * rows * cols];
        for (int i = 0; i < px.length; i++) px[i] = r.nextFloat();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(3);
        ImageSet set = new ImageSet(px, labels, n, rows, cols, 3);
        Module model = Models.build(new ModelSpec("mlp", rows * cols, new int[] {8}, "relu", 3, "kaiming", 1));
        CrossEntropyLoss loss = new CrossEntropyLoss();

        try (var on = Grad.enabled()) {
            double whole = SgdNoise.gradient(model, loss, new DataLoader(set, n, false, 0).batches(1), n);
            List<double[]> expected = grads(model);
            double chunked = SgdNoise.gradient(model, loss, new DataLoader(set, SgdNoise.CHUNK, false, 0).batches(1), n);
            List<double[]> actual = grads(model);

            assertEquals(whole, chunked, 1e-6 * whole, "the mean loss");
            assertTrue(whole > 0.5, "an untrained network's loss, about ln 3: " + whole);
            for (int p = 0; p < expected.size(); p++) {
                double[] e = expected.get(p), a = actual.get(p);
                double scale = 0;
                for (double v : e) scale = Math.max(scale, Math.abs(v));
                assertTrue(scale > 0, "parameter " + p + " has a gradient");
                for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], 1e-5 * scale, "parameter " + p + ", entry " + i);
            }
        }
    }

    @Test
    void aSingleBatchGivesItsOwnLossAndGradientUnweighted() {
        int n = 30;
        Random r = new Random(5);
        float[] px = new float[n * 6];
        for (int i = 0; i < px.length; i++) px[i] = r.nextFloat();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 2;
        ImageSet set = new ImageSet(px, labels, n, 2, 3, 2);
        Module model = Models.build(new ModelSpec("mlp", 6, new int[] {4}, "relu", 2, "kaiming", 3));
        CrossEntropyLoss loss = new CrossEntropyLoss();
        try (var on = Grad.enabled()) {
            Batch b = new DataLoader(set, n, false, 0).batches(1).iterator().next();
            double viaHelper = SgdNoise.gradient(model, loss, List.of(b), n);
            List<double[]> helper = grads(model);
            for (Parameter p : model.parameters()) p.tensor().releaseGrad();
            var l = loss.forward(model.forward(b.x()), b.labels(), b.targets());
            double direct = l.item();
            l.backward();
            assertEquals(direct, viaHelper, 0.0);
            List<double[]> plain = grads(model);
            for (int p = 0; p < plain.size(); p++) {
                assertEquals(java.util.Arrays.toString(plain.get(p)), java.util.Arrays.toString(helper.get(p)), "parameter " + p);
            }
        }
    }

    /** Copies of the parameters' gradients (the next backward may reuse their storage). */
    private static List<double[]> grads(Module model) {
        List<double[]> g = new ArrayList<>();
        for (Parameter p : model.parameters()) g.add(p.tensor().grad().toDoubleArray());
        return g;
    }
}
