package dev.nabla.train;

import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class WarmupTest {
    private static final Splits DATA = Synthetic.data(3);

    private static TrainConfig config() {
        ModelSpec spec = new ModelSpec("twolayer", Synthetic.FEATURES, new int[] {16}, "sigmoid", Synthetic.CLASSES, "xavier", 7);
        return TrainConfig.courseDefaults().withModel(spec).withLr(0.5).withBatchSize(32).withEpochs(2).withThreads(1);
    }

    private static Map<String, NDArray> train(TrainConfig cfg) {
        Module model = Models.build(cfg.model());
        TrainResult r = Trainer.fit(model, Trainer.optimizer(model, cfg), DATA, cfg, null, null);
        assertEquals(TrainResult.OK, r.status(), r.message());
        return model.weights();
    }

    @Test
    void runsStepsUntilClosedAndThenStops() throws InterruptedException {
        Warmup w = Warmup.start(config());
        long until = System.nanoTime() + 10_000_000_000L;
        while (w.steps() < 3 && System.nanoTime() < until) Thread.sleep(5);
        w.close();
        int steps = w.steps();
        assertTrue(steps >= 3, "steps: " + steps);
        Thread.sleep(50);
        assertEquals(steps, w.steps(), "a closed warm-up takes no more steps");
    }

    @Test
    void aRunGivesTheSameWeightsWithOrWithoutAWarmUpBesideIt() {
        TrainConfig cfg = config();
        Map<String, NDArray> plain = train(cfg);
        Map<String, NDArray> warmed;
        // the warm-up runs during the whole training here, a harder case than the CLI's (closed before)
        try (Warmup w = Warmup.start(cfg)) {
            warmed = train(cfg);
        }
        assertEquals(plain.keySet(), warmed.keySet());
        for (String k : plain.keySet()) {
            assertArrayEquals(plain.get(k).toFloatArray(), warmed.get(k).toFloatArray(), 0f, k);
        }
    }

    @Test
    void warmUpImagesHaveZeroBordersLikeDigitsSoTheKernelsZeroSkippingBranchesGetCompiled() {
        float[] x = Warmup.imageLike(64, 784, new SplittableRandom(1));
        int zeroInside = 0, inside = 0;
        for (int s = 0; s < 64; s++) {
            for (int f = 0; f < 784; f++) {
                float v = x[s * 784 + f];
                assertTrue(v >= 0f && v < 1f, "value " + v);
                int r = f / 28, c = f % 28;
                if (r < 4 || r >= 24 || c < 4 || c >= 24) {
                    assertEquals(0f, v, "border pixel " + f + " of image " + s);
                } else {
                    inside++;
                    if (v == 0f) zeroInside++;
                }
            }
        }
        double zeroShare = (double) zeroInside / inside;
        assertTrue(zeroShare > 0.4 && zeroShare < 0.6, "zero share inside: " + zeroShare);
        // not a square image: values everywhere, about half of them zero
        float[] flat = Warmup.imageLike(4, 10, new SplittableRandom(2));
        long nonZero = 0;
        for (float v : flat) if (v != 0f) nonZero++;
        assertTrue(nonZero > 5 && nonZero < 35, "non-zero values: " + nonZero);
    }
}
