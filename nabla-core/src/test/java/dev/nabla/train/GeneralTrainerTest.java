package dev.nabla.train;

import dev.nabla.autograd.Tensor;
import dev.nabla.data.Dataset;
import dev.nabla.loss.BCEWithLogitsLoss;
import dev.nabla.loss.CrossEntropyLoss;
import dev.nabla.loss.MSELoss;
import dev.nabla.metrics.Accuracy;
import dev.nabla.nn.Init;
import dev.nabla.nn.Linear;
import dev.nabla.nn.Module;
import dev.nabla.optim.SGD;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The trainer on data other than images: regression, binary targets, early stopping, the listeners' events. */
class GeneralTrainerTest {

    /** y = 2 x0 - 3 x1 + 0.5 + noise(0.01): inputs [n, 2], targets [n, 1]. */
    private static Dataset regression(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 2], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) r.nextGaussian();
            x[2 * i + 1] = (float) r.nextGaussian();
            y[i] = (float) (2 * x[2 * i] - 3 * x[2 * i + 1] + 0.5 + 0.01 * r.nextGaussian());
        }
        return Dataset.ofTargets(NDArray.of(x, n, 2), NDArray.of(y, n, 1));
    }

    private static Module linear(int in, int out) {
        return new Linear(in, out, true, Init.normal(7));
    }

    @Test
    void aLinearModelLearnsASyntheticRegressionWithMse() {
        Module model = linear(2, 1);
        Trainer t = new Trainer(model, new SGD(model.namedParameters(), 0.05, 0.9, false, 0), new MSELoss());
        TrainResult r = t.fit(new DataLoader(regression(512, 1), 32, true, 3), new DataLoader(regression(128, 2), 64, false, 0), 20);
        assertEquals(TrainResult.OK, r.status());
        assertEquals(20, r.history().size());
        assertTrue(Double.isNaN(r.history().get(0).trainAcc()), "no accuracy for regression targets");
        EpochMetrics last = r.history().get(19);
        assertTrue(last.valLoss() < 1e-3, "the noise's variance is 1e-4: " + last.valLoss());
        assertTrue(last.trainLoss() < r.history().get(0).trainLoss() / 100, r.history().toString());
        // the best epoch is the one with the lowest validation loss, and the model ends with its weights
        int best = 0;
        for (int i = 1; i < 20; i++) if (r.history().get(i).valLoss() < r.history().get(best).valLoss()) best = i;
        assertEquals(best + 1, r.bestEpoch());
        Tensor p = model.forward(Tensor.of(new float[] {1, 1, 0, 0}, 2, 2));
        assertEquals(-0.5, p.value().get(0, 0), 0.02);
        assertEquals(0.5, p.value().get(1, 0), 0.02);
    }

    /** Two Gaussian blobs in 2-D, targets 0 or 1 as [n, 1]. */
    private static Dataset blobs(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 2], y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextBoolean() ? 1 : 0;
            double c = y[i] == 1 ? 1.5 : -1.5;
            x[2 * i] = (float) (c + r.nextGaussian());
            x[2 * i + 1] = (float) (-c + r.nextGaussian());
        }
        return Dataset.ofTargets(NDArray.of(x, n, 2), NDArray.of(y, n, 1));
    }

    @Test
    void aBinaryTaskLearnsWithBceOnLogitsAndReportsBinaryAccuracy() {
        Module model = linear(2, 1);
        Trainer t = new Trainer(model, new SGD(model.namedParameters(), 0.1, 0, false, 0), new BCEWithLogitsLoss())
                .accuracy(new Accuracy());
        TrainResult r = t.fit(new DataLoader(blobs(400, 1), 16, true, 5), new DataLoader(blobs(200, 2), 50, false, 0), 5);
        EpochMetrics last = r.history().get(4);
        assertTrue(last.trainAcc() > 0.95 && last.valAcc() > 0.95, last.toString());
        assertTrue(last.valLoss() < 0.2, last.toString());
        assertEquals(r.history().get(r.bestEpoch() - 1).valAcc(), r.bestValAcc());
    }

    @Test
    void earlyStoppingEndsTheRunAfterPatienceEpochsWithoutImprovement() {
        Module model = linear(2, 1);
        // nothing beats the first epoch by 1e9: the run stops after 1 + 2 epochs
        Trainer t = new Trainer(model, new SGD(model.namedParameters(), 0.05, 0, false, 0), new MSELoss())
                .listen(new EarlyStopping(2, 1e9));
        TrainResult r = t.fit(new DataLoader(regression(64, 1), 16, true, 3), new DataLoader(regression(32, 2), 32, false, 0), 10);
        assertEquals(TrainResult.OK, r.status());
        assertEquals(3, r.history().size());
        assertEquals("stopped early at epoch 3: no improvement of the validation loss for 2 epochs", r.message());
    }

    @Test
    void listenersHearEveryEventInOrderAndMayStopTheRun() {
        List<String> events = new ArrayList<>();
        TrainListener rec = new TrainListener() {
            @Override public void onStart(Trainer t) { events.add("start " + t.epochs() + "x" + t.batchesPerEpoch()); }
            @Override public void onEpochStart(Trainer t, int epoch) { events.add("epoch " + epoch); }
            @Override public void onLoss(Trainer t, int epoch, int batch, double loss) { events.add("loss " + batch); }
            @Override public void onBatch(int epoch, int batch, int batches, double l, double a) { events.add("batch " + batch); }
            @Override public void onValidated(Trainer t, EpochMetrics m) { events.add("validated " + m.epoch()); }
            @Override public void onEpoch(EpochMetrics m, boolean newBest, TrainState s) {
                events.add("end " + m.epoch() + (newBest ? " best" : "") + " state " + s.epochsDone());
            }
            @Override public void onDiverged(int epoch, int batch, String message) { events.add("diverged"); }
        };
        int[] labels = {0, 1, 1, 0, 1};
        Dataset data = Dataset.ofLabels(NDArray.of(new float[] {1, 0, 0, 1, 0, 2, 3, 0, 0, 1}, 5, 2), labels);
        Module model = linear(2, 2);
        Trainer t = new Trainer(model, new SGD(model.namedParameters(), 0.1, 0, false, 0), new CrossEntropyLoss()).listen(rec);
        // drop-last: 5 samples in batches of 2 are 2 batches
        TrainResult r = t.fit(new DataLoader(data, 2, true, true, 1), new DataLoader(data, 5, false, 0), 2);
        assertEquals(List.of("start 2x2", "epoch 1", "loss 1", "batch 1", "loss 2", "batch 2", "validated 1", "end 1 best state 1",
                "epoch 2", "loss 1", "batch 1", "loss 2", "batch 2", "validated 2",
                r.bestEpoch() == 2 ? "end 2 best state 2" : "end 2 state 2"), events);

        // a listener that stops on the first loss prevents the update and ends the run as diverged
        events.clear();
        Module frozen = linear(2, 2);
        var before = frozen.weights();
        Trainer stopping = new Trainer(frozen, new SGD(frozen.namedParameters(), 0.1, 0, false, 0), new CrossEntropyLoss())
                .listen(new TrainListener() {
                    @Override public void onLoss(Trainer tr, int epoch, int batch, double loss) { tr.stop(TrainResult.DIVERGED, "stop here"); }
                }, rec);
        TrainResult s = stopping.fit(new DataLoader(data, 2, true, 1), null, 3);
        assertEquals(List.of("start 3x3", "epoch 1", "loss 1", "diverged"), events);
        assertTrue(s.diverged());
        assertEquals("stop here", s.message());
        for (String k : before.keySet()) assertArrayEquals(before.get(k).toFloatArray(), frozen.weights().get(k).toFloatArray());
    }
}
