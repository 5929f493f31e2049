package dev.nabla.cli;

import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class WannCommandTest {

    private static String[] args(Path out, String generations, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("experiment", "wann", "--data", TestData.synthetic().toString(),
                "--out", out.toString(), "--population", "16", "--generations", generations, "--batch", "200",
                "--elites", "3", "--link-probability", "0.1", "--threads", "2", "--json"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aSmallSearchWritesResultsFiguresTheNetworkAndACheckpoint(@TempDir Path tmp) {
        Path out = tmp.resolve("w");
        TestData.Run r = TestData.nabla(args(out, "6"));
        assertEquals(0, r.exit(), r.err());
        Map<String, Object> json = Json.parseObject(r.out(), "stdout");
        Map<?, ?> best = (Map<?, ?>) json.get("best");
        assertEquals(6, ((List<?>) best.get("test_accuracy")).size(), "one accuracy per weight value");
        double ens = ((Number) best.get("ensemble_test_accuracy")).doubleValue();
        assertTrue(ens >= 0 && ens <= 1, "ensemble accuracy " + ens);
        assertEquals(6, ((List<?>) json.get("generations")).size());
        assertFalse(((List<?>) json.get("size_front")).isEmpty());
        for (String f : List.of("results.json", "results.md", "checkpoint.json", "best_network.svg",
                "accuracy_per_generation.png", "accuracy_per_generation.svg", "accuracy_vs_weight.png", "accuracy_vs_weight.svg")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        String md = TestData.nabla(args(tmp.resolve("w2"), "1")).out();
        assertTrue(md.contains("\"ensemble_test_accuracy\""), md);
    }

    @Test
    void aResumedRunEndsWhereAnUninterruptedOneDoes(@TempDir Path tmp) {
        TestData.Run straight = TestData.nabla(args(tmp.resolve("a"), "6"));
        assertEquals(0, straight.exit(), straight.err());
        TestData.Run first = TestData.nabla(args(tmp.resolve("b"), "3"));
        assertEquals(0, first.exit(), first.err());
        TestData.Run resumed = TestData.nabla(args(tmp.resolve("b"), "6", "--resume"));
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.err().contains("resumed after generation 3"), resumed.err());
        Map<String, Object> a = Json.parseObject(straight.out(), "a"), b = Json.parseObject(resumed.out(), "b");
        assertEquals(Json.write(a.get("best")), Json.write(b.get("best")));
        assertEquals(Json.write(a.get("generations")), Json.write(b.get("generations")));
        assertEquals(Json.write(a.get("size_front")), Json.write(b.get("size_front")));
    }

    @Test
    void resumingWithoutACheckpointOrWithOtherSettingsIsAUsageError(@TempDir Path tmp) {
        TestData.Run none = TestData.nabla(args(tmp.resolve("empty"), "2", "--resume"));
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("no checkpoint.json in"), none.err());
        assertEquals(0, TestData.nabla(args(tmp.resolve("c"), "1")).exit());
        TestData.Run other = TestData.nabla(args(tmp.resolve("c"), "2", "--resume", "--seed", "5"));
        assertEquals(2, other.exit());
        assertTrue(other.err().contains("setting 'seed' was 0 in the checkpoint, now 5"), other.err());
    }

    @Test
    void badSettingsAreUsageErrors(@TempDir Path tmp) {
        TestData.Run r = TestData.nabla("experiment", "wann", "--data", TestData.synthetic().toString(),
                "--out", tmp.resolve("x").toString(), "--population", "16", "--elites", "16");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("elites must be in [0, population), got 16"), r.err());
        r = TestData.nabla(args(tmp.resolve("x"), "2", "--size-pressure", "1.5"));
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("1.5"), r.err());
        r = TestData.nabla(args(tmp.resolve("x"), "2", "--mutation-rates", "0.5,0.5"));
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--mutation-rates: expected three numbers"), r.err());
        r = TestData.nabla(args(tmp.resolve("x"), "2", "--mutation-rates", "0.5,-1,0.5"));
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("mutation-rates must be three numbers >= 0"), r.err());
        r = TestData.nabla(args(tmp.resolve("x"), "2", "--start", "dense"));
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("start must be minimal or signed, got 'dense'"), r.err());
        r = TestData.nabla(args(tmp.resolve("x"), "2", "--fitness", "mse"));
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("fitness must be loglik, scaled or accuracy"), r.err());
    }
}
