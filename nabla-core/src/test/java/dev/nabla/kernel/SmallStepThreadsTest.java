package dev.nabla.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.Dataset;
import dev.nabla.loss.CrossEntropyLoss;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.tensor.NDArray;
import dev.nabla.train.DataLoader;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.Trainer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * On two threads, a training step of the course's softmax regression (batch 64, about a hundred microseconds)
 * is too small to pay for a second thread: every kernel of its step stays on the calling thread, so the worker
 * team is never started. The two-layer network's step splits its two 12.8 Mflop products while the workers
 * keep up. Either way the trained weights are the bits one thread gives.
 */
class SmallStepThreadsTest {

    @Test
    void softmaxStepsStayOnTheCallingThreadAndValidationBatchesUseTheWorkers() {
        ModelSpec spec = ModelSpec.courseSoftmax();
        try (var ctx = ExecutionContext.withThreads(2)) {
            Module net = train(spec);
            assertFalse(ctx.workersStarted(), "ten batch-64 softmax steps on two threads");
            assertEquals(0, ctx.jobsPosted());
            try (var off = Grad.disabled()) {
                Models.build(ModelSpec.courseTwoLayer()).forward(Tensor.of(digits(1000, new Random(8)).inputs()));
            }
            assertTrue(ctx.workersStarted(), "a 1000-row two-layer forward on two threads");
        }
    }

    @Test
    void twoLayerStepsSplitTheirLargeProductsAndGiveTheOneThreadBits() {
        ModelSpec spec = ModelSpec.courseTwoLayer();
        Map<String, NDArray> one;
        try (var ctx = ExecutionContext.withThreads(1)) {
            one = train(spec).stateDict();
        }
        try (var ctx = ExecutionContext.withThreads(2)) {
            Map<String, NDArray> two = train(spec).stateDict();
            // at least the first product goes to the workers: they count as on time until one is late
            assertTrue(ctx.jobsPosted() > 0, "ten batch-64 two-layer steps on two threads split a product");
            assertEquals(one.keySet(), two.keySet());
            for (String k : one.keySet()) {
                assertArrayEquals(one.get(k).toFloatArray(), two.get(k).toFloatArray(), 0f, k);
            }
        }
    }

    private static Module train(ModelSpec spec) {
        Dataset data = digits(640, new Random(7));
        Module net = Models.build(spec);
        var opt = Trainer.optimizer(net, TrainConfig.courseDefaults().withModel(spec));
        new Trainer(net, opt, new CrossEntropyLoss()).fit(new DataLoader(data, 64, true, 1), null, 1, null);
        return net;
    }

    // rows of 784 pixels in [0, 1), a third of them zero, with labels 0-9
    private static Dataset digits(int rows, Random r) {
        float[] x = new float[rows * 784];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(3) == 0 ? 0f : r.nextFloat();
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) y[i] = r.nextInt(10);
        return Dataset.ofLabels(NDArray.of(x, rows, 784), y, 10);
    }
}
