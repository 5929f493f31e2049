package dev.nabla.cli;

import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SgdNoiseCommandTest {

    @Test
    void fullBatchDescentNeverRaisesTheTrainingLossWhileSmallBatchesOftenDo(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sn");
        TestData.Run r = TestData.nabla("experiment", "sgd-noise", "--data", TestData.realMnist().toString(), "--train-size", "1500",
                "--batches", "1500,5", "--steps", "40", "--hidden", "32", "--out", out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        Map<String, Object> report = Json.parseObject(r.out(), "stdout");
        assertEquals(1500, ((Number) report.get("eval_size")).intValue(), "the full training loss by default");
        List<?> runs = (List<?>) report.get("runs");
        Map<?, ?> gd = (Map<?, ?>) runs.get(0), sgd = (Map<?, ?>) runs.get(1);
        assertEquals(true, gd.get("full_batch"));
        assertEquals(40, ((List<?>) gd.get("train_loss")).size());
        assertEquals(0.0, ((Number) gd.get("up_fraction")).doubleValue(), "gradient descent with a small rate: " + gd);
        assertTrue(((Number) sgd.get("up_fraction")).doubleValue() > 0.1, "batches of 5: " + sgd);
        for (Map<?, ?> run : List.of(gd, sgd)) {
            assertEquals(upFraction(run), ((Number) run.get("up_fraction")).doubleValue(), "the steps after which the loss rose: " + run);
        }
        // the first step of gradient descent starts from the loss its own batch (the whole set, in chunks) measured
        assertEquals(((Number) gd.get("initial_train_loss")).doubleValue(), number(gd, "batch_loss", 0), 1e-6);
        for (String f : List.of("results.md", "results.json", "train_loss_per_step.png", "batch_loss_per_step.svg")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertTrue(Files.readString(out.resolve("results.md")).contains("training loss evaluated on all 1500 training images"));
    }

    @Test
    void aSubsetOfTheTrainingImagesCanStandInForTheFullLossAndBadSizesAreRefused(@TempDir Path tmp) throws Exception {
        TestData.Run r = TestData.nabla("experiment", "sgd-noise", "--data", TestData.realMnist().toString(), "--train-size", "200",
                "--batches", "50", "--steps", "3", "--eval-size", "100", "--hidden", "8", "--out", tmp.resolve("sub").toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(100, ((Number) Json.parseObject(r.out(), "stdout").get("eval_size")).intValue());
        assertTrue(Files.readString(tmp.resolve("sub/results.md")).contains("on the first 100 training images"));
        r = TestData.nabla("experiment", "sgd-noise", "--eval-size", "0", "--out", tmp.resolve("bad").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--eval-size must be at least 1, got 0"), r.err());
    }

    /** The fraction of steps whose training loss is above the one before it (the initial loss for the first). */
    private static double upFraction(Map<?, ?> run) {
        List<?> losses = (List<?>) run.get("train_loss");
        double before = ((Number) run.get("initial_train_loss")).doubleValue();
        int up = 0;
        for (Object l : losses) {
            double after = ((Number) l).doubleValue();
            if (after > before) up++;
            before = after;
        }
        return (double) up / losses.size();
    }

    private static double number(Map<?, ?> run, String key, int i) {
        return ((Number) ((List<?>) run.get(key)).get(i)).doubleValue();
    }

    @Test
    void trainWithLogStepsWritesEveryStepsLoss(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        TestData.Run r = TestData.nabla("train", "--data", TestData.realMnist().toString(), "--val-fraction", "0.98", "--epochs", "2",
                "--batch", "100", "--hidden", "16", "--log-steps", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(out.resolve("steps.csv"));
        assertEquals("step,epoch,batch,loss", lines.get(0));
        int perEpoch = (60000 - 58800) / 100;
        assertEquals(1 + 2 * perEpoch, lines.size(), "one row per step of both epochs");
        assertEquals("13,2,1", lines.get(perEpoch + 1).substring(0, lines.get(perEpoch + 1).lastIndexOf(',')));
        assertTrue(Double.parseDouble(lines.get(1).split(",")[3]) > 2, "the first step's loss is about ln 10");
        assertTrue(Files.isRegularFile(out.resolve("steps.png")));
        assertTrue(Files.readString(out.resolve("config.yaml")).contains("log-steps: true"));
        // the history's training loss of an epoch is the mean of that epoch's step losses
        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        for (int epoch = 1; epoch <= 2; epoch++) {
            double sum = 0;
            for (int i = 1 + (epoch - 1) * perEpoch; i <= epoch * perEpoch; i++) sum += Double.parseDouble(lines.get(i).split(",")[3]);
            assertEquals(Double.parseDouble(history.get(epoch).split(",")[1]), sum / perEpoch, 1e-12, "epoch " + epoch);
        }
    }
}
