package dev.nabla.train;

import dev.nabla.data.Mnist;
import dev.nabla.data.MnistSplits;
import dev.nabla.data.TestMnist;
import dev.nabla.nn.Models;
import dev.nabla.nn.Module;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Training on the real MNIST (found or fetched by {@link TestMnist}). */
class TrainerMnistTest {

    @Test
    void oneEpochOfTheCourseTwoLayerNetReachesOver70PercentValidationAccuracy() {
        MnistSplits data = Mnist.load(TestMnist.folder());
        assertEquals(48_000, data.train().count());
        assertEquals(12_000, data.validation().count());
        TrainConfig cfg = TrainConfig.courseDefaults().withEpochs(1);
        Module model = Models.build(cfg.model());
        TrainResult r = Trainer.fit(model, Trainer.optimizer(model, cfg), data, cfg, null, null);
        assertEquals(TrainResult.OK, r.status(), r.message());
        assertEquals(1, r.history().size());
        assertTrue(r.history().get(0).valAcc() > 0.70, "validation accuracy after one epoch: " + r.history().get(0).valAcc());
        assertTrue(r.testAcc() > 0.70, "test accuracy: " + r.testAcc());
    }
}
