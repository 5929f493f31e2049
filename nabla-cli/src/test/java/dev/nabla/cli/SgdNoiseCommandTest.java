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
        TestData.Run r = TestData.nabla("experiment", "sgd-noise", "--data", TestData.realMnist().toString(), "--train-size", "500",
                "--batches", "500,5", "--steps", "40", "--eval-size", "500", "--hidden", "32", "--out", out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        List<?> runs = (List<?>) Json.parseObject(r.out(), "stdout").get("runs");
        Map<?, ?> gd = (Map<?, ?>) runs.get(0), sgd = (Map<?, ?>) runs.get(1);
        assertEquals(true, gd.get("full_batch"));
        assertEquals(40, ((List<?>) gd.get("train_loss")).size());
        assertEquals(0.0, ((Number) gd.get("up_fraction")).doubleValue(), "gradient descent with a small rate: " + gd);
        assertTrue(((Number) sgd.get("up_fraction")).doubleValue() > 0.1, "batches of 5: " + sgd);
        for (String f : List.of("results.md", "results.json", "train_loss_per_step.png", "batch_loss_per_step.svg")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
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
    }
}
