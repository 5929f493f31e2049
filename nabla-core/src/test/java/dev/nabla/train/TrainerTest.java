package dev.nabla.train;

import dev.nabla.InputException;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.optim.Optimizer;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The training loop on small synthetic data (fast); {@link TrainerMnistTest} trains on MNIST. */
class TrainerTest {
    private static final MnistSplits SETS = Synthetic.splits(5);
    private static final Splits DATA = Synthetic.data(5);

    private static TrainConfig config() {
        ModelSpec spec = new ModelSpec("twolayer", Synthetic.FEATURES, new int[] {16}, "sigmoid", Synthetic.CLASSES, "xavier", 11);
        return TrainConfig.courseDefaults().withModel(spec).withLr(0.5).withBatchSize(32).withEpochs(3).withThreads(1);
    }

    /** Builds the model and optimizer the config names and fits. */
    private static Run run(TrainConfig cfg, TrainListener l, TrainState resume) {
        Module model = Models.build(cfg.model());
        Optimizer opt = Trainer.optimizer(model, cfg);
        return new Run(model, Trainer.fit(model, opt, DATA, cfg, l, resume));
    }

    private record Run(Module model, TrainResult result) {}

    /** Records what the listener hears. */
    private static final class Recorder implements TrainListener {
        final List<String> events = new ArrayList<>();
        final List<TrainState> states = new ArrayList<>();
        final List<Boolean> newBest = new ArrayList<>();
        int batches;
        String diverged;
        TrainConfig started;
        int startBatchSize;

        @Override
        public void onStart(Trainer trainer) {
            events.add("start " + trainer.batchesPerEpoch());
            started = trainer.config();
            startBatchSize = trainer.trainLoader().batchSize();
        }

        @Override
        public void onBatch(int epoch, int batch, int total, double runningLoss, double runningAcc) {
            batches++;
            assertTrue(batch >= 1 && batch <= total);
        }

        @Override
        public void onEpoch(EpochMetrics m, boolean best, TrainState state) {
            events.add("epoch " + m.epoch());
            states.add(state);
            newBest.add(best);
        }

        @Override
        public void onDiverged(int epoch, int batch, String message) {
            events.add("diverged " + epoch + " " + batch);
            diverged = message;
        }
    }

    private static void assertSameBits(Map<String, NDArray> a, Map<String, NDArray> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), 0f, k);
    }

    @Test
    void trainingLearnsAndReportsEveryEpochAndBatch() {
        Recorder rec = new Recorder();
        TrainConfig cfg = config();
        TrainResult r = run(cfg, rec, null).result();
        assertEquals(TrainResult.OK, r.status());
        assertEquals(List.of("start 19", "epoch 1", "epoch 2", "epoch 3"), rec.events);
        assertSame(cfg, rec.started, "the listener is told the run's settings");
        assertEquals(32, rec.startBatchSize);
        assertEquals(3 * 19, rec.batches);
        assertEquals(3, r.history().size());
        assertTrue(r.bestValAcc() > 0.8, "clusters are separable: " + r.bestValAcc());
        assertTrue(r.testAcc() > 0.8, "test: " + r.testAcc());
        assertEquals(r.history().get(2).trainAcc(), r.finalTrainAcc());
        assertTrue(r.history().get(2).trainLoss() < r.history().get(0).trainLoss());
        for (int i = 0; i < 3; i++) assertEquals(i + 1, rec.states.get(i).epochsDone());
    }

    @Test
    void theModelEndsWithTheBestEpochsWeightsAndTheTestUsesThem() {
        Recorder rec = new Recorder();
        Run run = run(config().withEpochs(4).withLr(2.0), rec, null);
        TrainResult r = run.result();
        int best = 0;
        for (int i = 1; i < r.history().size(); i++) if (r.history().get(i).valAcc() > r.history().get(best).valAcc()) best = i;
        assertEquals(best + 1, r.bestEpoch(), "the first epoch with the highest validation accuracy");
        assertEquals(r.history().get(best).valAcc(), r.bestValAcc());
        assertSameBits(rec.states.get(best).weights(), run.model().weights());
        assertSameBits(rec.states.get(3).bestWeights(), run.model().weights());
        assertEquals(Evaluator.evaluate(run.model(), SETS.test(), 7).accuracy(), r.testAcc());
        for (int i = 0; i < 4; i++) assertEquals(i == 0 || r.history().get(i).valAcc() > maxBefore(r.history(), i), rec.newBest.get(i));
    }

    private static double maxBefore(List<EpochMetrics> h, int i) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < i; j++) m = Math.max(m, h.get(j).valAcc());
        return m;
    }

    @Test
    void theSameSeedTwiceGivesIdenticalWeightsAndAnotherSeedDoesNot() {
        TrainConfig cfg = config().withEpochs(2);
        Map<String, NDArray> a = run(cfg, null, null).model().weights();
        Map<String, NDArray> b = run(cfg, null, null).model().weights();
        assertSameBits(a, b);
        Map<String, NDArray> c = run(cfg.withSeed(1025), null, null).model().weights();
        assertFalse(Arrays.equals(a.get("0.weight").toFloatArray(), c.get("0.weight").toFloatArray()), "another shuffle seed, other weights");
    }

    /** Two epochs in one go, and one epoch then a resume from its state, end with the same bits. */
    @ParameterizedTest
    @ValueSource(strings = {"sgd", "sgd+nesterov", "adam"})
    void resumingFromAnEpochsStateEqualsTheUninterruptedRunBitForBit(String optimizer) {
        TrainConfig cfg = config().withEpochs(2).withLr(optimizer.equals("adam") ? 0.01 : 0.5)
                .withOptimizer(optimizer.startsWith("sgd") ? "sgd" : optimizer)
                .withMomentum(optimizer.contains("nesterov") ? 0.9 : 0, optimizer.contains("nesterov"));
        Recorder straight = new Recorder();
        Run full = run(cfg, straight, null);

        Recorder first = new Recorder();
        run(cfg.withEpochs(1), first, null);
        TrainState after1 = first.states.get(0);
        assertEquals(1, after1.epochsDone());
        assertSameBits(straight.states.get(0).weights(), after1.weights());

        Recorder second = new Recorder();
        Run resumed = run(cfg, second, after1);
        assertEquals(List.of("start 19", "epoch 2"), second.events);
        assertSameBits(straight.states.get(1).weights(), second.states.get(0).weights());
        assertSameBits(straight.states.get(1).optimizerState(), second.states.get(0).optimizerState());
        assertSameBits(full.model().weights(), resumed.model().weights());
        assertEquals(full.result().history().size(), resumed.result().history().size());
        assertEquals(full.result().history().get(1).valAcc(), resumed.result().history().get(1).valAcc());
        assertEquals(full.result().bestEpoch(), resumed.result().bestEpoch());
        assertEquals(full.result().testAcc(), resumed.result().testAcc());
    }

    private static TrainConfig exploding() {
        ModelSpec spec = new ModelSpec("mlp", Synthetic.FEATURES, new int[] {32, 32}, "relu", Synthetic.CLASSES, "kaiming", 3);
        return config().withModel(spec).withLr(1e4);
    }

    @Test
    void aNonFiniteLossStopsTheRunAsDivergedNamingWhereAndSuggestingASmallerRate() {
        Recorder rec = new Recorder();
        TrainResult r = run(exploding(), rec, null).result();
        assertEquals(TrainResult.DIVERGED, r.status());
        assertTrue(r.diverged());
        assertEquals("start 19", rec.events.get(0));
        assertTrue(rec.events.get(1).startsWith("diverged 1 "), rec.events.toString());
        assertEquals(2, rec.events.size(), "no epoch is reported after the divergence");
        assertEquals(rec.diverged, r.message());
        assertTrue(r.message().contains("epoch 1, batch "), r.message());
        assertTrue(r.message().contains("learning rate 10000") && r.message().contains("try a smaller learning rate, e.g. 1000"), r.message());
        assertTrue(r.history().isEmpty());
        assertEquals(0, r.bestEpoch());
        assertTrue(Double.isNaN(r.testAcc()));
    }

    @Test
    void aDivergedRunKeepsTheHistoryOfTheEpochsBeforeIt() {
        TrainConfig cfg = exploding().withLr(0.05);
        Recorder good = new Recorder();
        Run calm = run(cfg.withEpochs(1), good, null);
        TrainState state = good.states.get(0);

        Recorder rec = new Recorder();
        Module model = Models.build(cfg.model());
        TrainConfig hot = cfg.withLr(1e4).withEpochs(3);
        TrainResult r = Trainer.fit(model, Trainer.optimizer(model, hot), DATA, hot, rec, state);
        assertEquals(TrainResult.DIVERGED, r.status());
        assertTrue(r.message().contains("epoch 2, batch "), r.message());
        assertEquals(1, r.history().size());
        assertEquals(calm.result().history().get(0), r.history().get(0));
        assertEquals(1, r.bestEpoch());
        assertSameBits(state.bestWeights(), model.weights());
        assertEquals(calm.result().testAcc(), r.testAcc(), "the test uses the best (pre-divergence) weights");
    }

    @Test
    void dataThatDoesNotFitTheModelFailsBeforeTrainingNamingTheLayer() {
        TrainConfig cfg = config().withModel(ModelSpec.courseTwoLayer());
        InputException e = assertThrows(InputException.class, () -> run(cfg, null, null));
        assertEquals("0 (Linear in=784, out=128, bias=true): input [1, 20] does not match in=784", e.getMessage());
    }

    @Test
    void theOptimizerUsesTheConfiguredMomentum() {
        TrainConfig cfg = config().withMomentum(0.9, true);
        dev.nabla.optim.SGD sgd = (dev.nabla.optim.SGD) Trainer.optimizer(Models.build(cfg.model()), cfg);
        assertEquals(0.9, sgd.momentum());
        assertTrue(sgd.nesterov());
    }

    @Test
    void theScheduleSetsTheLearningRateOfEachEpoch() {
        TrainConfig cfg = config().withSchedule(dev.nabla.optim.Schedule.step(1, 0.5));
        Module model = Models.build(cfg.model());
        Optimizer opt = Trainer.optimizer(model, cfg);
        List<Double> rates = new ArrayList<>();
        Trainer.fit(model, opt, DATA, cfg, new TrainListener() {
            @Override
            public void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
                rates.add(opt.learningRate());
            }
        }, null);
        assertEquals(List.of(0.5, 0.25, 0.125), rates);
    }

    @Test
    void configValuesOutOfRangeAreRejectedNamingTheSetting() {
        TrainConfig c = config();
        assertThrows(InputException.class, () -> c.withLr(0));
        InputException b = assertThrows(InputException.class, () -> c.withBatchSize(0));
        assertEquals("batch = 0 is not allowed: expected an integer >= 1", b.getMessage());
        InputException o = assertThrows(InputException.class, () -> c.withOptimizer("rmsprop"));
        assertEquals("optimizer = rmsprop is not allowed: expected one of sgd, adam, adamw, proxsgd", o.getMessage());
        assertThrows(InputException.class, () -> c.withEpochs(0));
        assertThrows(InputException.class, () -> c.withMomentum(1, false));
        InputException n = assertThrows(InputException.class, () -> c.withMomentum(0, true));
        assertTrue(n.getMessage().contains("nesterov"), n.getMessage());
    }

    @Test
    void courseDefaultsAreTheCoursesSettings() {
        TrainConfig d = TrainConfig.courseDefaults();
        assertEquals(ModelSpec.courseTwoLayer(), d.model());
        assertEquals("twolayer", d.model().type());
        assertArrayEquals(new int[] {128}, d.model().hidden());
        assertEquals("sigmoid", d.model().activation());
        assertEquals("numpy", d.model().init());
        assertEquals(0.1, d.lr());
        assertEquals(0.001, d.reg());
        assertEquals(64, d.batchSize());
        assertEquals(10, d.epochs());
        assertEquals(0.0, d.momentum());
        assertEquals("sgd", d.optimizer());
        assertEquals(1024, d.seed());
        assertEquals(1024, d.model().seed());
    }

    @Test
    void theDivergenceMessageWritesLearningRatesWithWholeExponents() {
        assertEquals("1e+30", DivergenceStop.fmt(1e30));
        assertEquals("1e+29", DivergenceStop.fmt(1e29));
        assertEquals("2.5e-07", DivergenceStop.fmt(2.5e-7));
        assertEquals("1e+10", DivergenceStop.fmt(1e10));
        assertEquals("0.1", DivergenceStop.fmt(0.1));
        assertEquals("0.01", DivergenceStop.fmt(0.01));
        assertEquals("1000", DivergenceStop.fmt(1000));
        assertEquals("123457", DivergenceStop.fmt(123456.7));
        assertEquals("1.5e+06", DivergenceStop.fmt(1.5e6));
    }
}
