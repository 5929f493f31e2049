package dev.nabla.kernel;

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
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * On two threads, a training step of the course's dense networks (batch 64) is too small to pay for a second
 * thread: waking one costs tens of microseconds, a step of the softmax regression about a hundred. Every
 * kernel of the step (gather, GEMMs, SGD update) stays on the calling thread, so the worker team is never
 * started; a validation batch of 1000 rows does start it.
 */
class SmallStepThreadsTest {

    @Test
    void courseBatchStepsStayOnTheCallingThreadAndValidationBatchesUseTheWorkers() {
        for (ModelSpec spec : new ModelSpec[] {ModelSpec.courseTwoLayer(), ModelSpec.courseSoftmax()}) {
            Dataset data = digits(640, new Random(7));
            try (var ctx = ExecutionContext.withThreads(2)) {
                Module net = Models.build(spec);
                var opt = Trainer.optimizer(net, TrainConfig.courseDefaults().withModel(spec));
                new Trainer(net, opt, new CrossEntropyLoss()).fit(new DataLoader(data, 64, true, 1), null, 1, null);
                assertFalse(ctx.workersStarted(), spec.type() + ": ten batch-64 steps on two threads");
                if (spec.type().equals("softmax")) continue; // 1000 x 784 x 10 is still a one-thread product
                try (var off = Grad.disabled()) {
                    net.forward(Tensor.of(digits(1000, new Random(8)).inputs()));
                }
                assertTrue(ctx.workersStarted(), spec.type() + ": a 1000-row forward on two threads");
            }
        }
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
