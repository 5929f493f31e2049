package dev.nabla.train;

import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.datasets.mnist.TestMnist;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Training on the real MNIST (found or fetched by {@link TestMnist}). */
class TrainerMnistTest {

    @Test
    void oneEpochOfTheCourseTwoLayerNetReachesOver70PercentValidationAccuracy() {
        MnistSplits sets = Mnist.load(TestMnist.folder());
        Splits data = Splits.of(sets.train(), sets.validation(), sets.test());
        assertEquals(48_000, sets.train().count());
        assertEquals(12_000, sets.validation().count());
        TrainConfig cfg = TrainConfig.courseDefaults().withEpochs(1);
        Module model = Models.build(cfg.model());
        TrainResult r = Trainer.fit(model, Trainer.optimizer(model, cfg), data, cfg, null, null);
        assertEquals(TrainResult.OK, r.status(), r.message());
        assertEquals(1, r.history().size());
        assertTrue(r.history().get(0).valAcc() > 0.70, "validation accuracy after one epoch: " + r.history().get(0).valAcc());
        assertTrue(r.testAcc() > 0.70, "test accuracy: " + r.testAcc());
    }
}
