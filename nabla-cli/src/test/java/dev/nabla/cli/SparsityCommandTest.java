package dev.nabla.cli;

import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SparsityCommandTest {

    @Test
    void theProximalStepGivesExactZerosAndTheSubgradientStepDoesNot(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sp");
        TestData.Run r = TestData.nabla("experiment", "sparsity", "--data", TestData.realMnist().toString(), "--train-size", "1000",
                "--epochs", "1", "--models", "mlp", "--hidden", "64", "--strengths", "0,0.003", "--out", out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        List<?> runs = (List<?>) Json.parseObject(r.out(), "stdout").get("runs");
        assertEquals(3, runs.size(), "the reference once, then proximal and subgradient: " + runs);
        Map<?, ?> none = (Map<?, ?>) runs.get(0), prox = (Map<?, ?>) runs.get(1), sub = (Map<?, ?>) runs.get(2);
        assertEquals(List.of("none", "proximal", "subgradient"), List.of(none.get("method"), prox.get("method"), sub.get("method")));
        assertEquals(0.0, ((Number) none.get("zero_fraction")).doubleValue());
        assertTrue(((Number) prox.get("zero_fraction")).doubleValue() > 0.02, "proximal: " + prox);
        assertTrue(((Number) sub.get("zero_fraction")).doubleValue() < 0.001, "subgradient: " + sub);
        assertTrue(((Number) prox.get("test_acc")).doubleValue() > 0.5, "the sparse network still classifies: " + prox);
        for (String f : List.of("results.md", "results.json", "accuracy_vs_zeros.png", "accuracy_vs_zeros.svg")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
    }

    @Test
    void theCoursesTwoLayerNetworkLeavesChanceLevelWithinTwoShortEpochs(@TempDir Path tmp) {
        // with its own 0.001 * randn weights it stays at chance for hundreds of steps; the experiment starts it
        // from Xavier init
        TestData.Run r = TestData.nabla("experiment", "sparsity", "--data", TestData.realMnist().toString(), "--train-size", "3000",
                "--epochs", "2", "--models", "twolayer", "--strengths", "0", "--out", tmp.resolve("tl").toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        Map<?, ?> run = (Map<?, ?>) ((List<?>) Json.parseObject(r.out(), "stdout").get("runs")).get(0);
        assertTrue(((Number) run.get("test_acc")).doubleValue() > 0.3, "twolayer after 94 steps: " + run);
    }

    @Test
    void aPenaltyWithAdamIsAUsageError(@TempDir Path tmp) {
        TestData.Run r = TestData.nabla("train", "--optimizer", "adam", "--penalty", "l1:0.001", "--out", tmp.resolve("x").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("penalty l1:0.001 needs optimizer proxsgd"), r.err());
        r = TestData.nabla("train", "--optimizer", "proxsgd", "--penalty", "l3:1", "--out", tmp.resolve("y").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--penalty l3:1 is not allowed"), r.err());
    }
}
