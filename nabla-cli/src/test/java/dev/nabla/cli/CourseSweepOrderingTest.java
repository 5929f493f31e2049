package dev.nabla.cli;

import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A reduced version of the course's sweeps on the real MNIST (2 epochs instead of 10), checking the orderings
 * the course's write-ups discuss: lr 0.01 learns slowest, and reg 1 stays near chance.
 */
class CourseSweepOrderingTest {

    /** best validation accuracy by the swept value */
    private static Map<String, Double> sweep(Path out, String param) {
        TestData.Run r = TestData.nabla("sweep", "--data", TestData.realMnist().toString(), "--epochs", "2",
                "--param", param, "--out", out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        Map<String, Double> acc = new HashMap<>();
        for (Object o : (List<?>) Json.parseObject(r.out(), "stdout").get("trials")) {
            Map<?, ?> t = (Map<?, ?>) o;
            assertEquals("ok", t.get("status"));
            acc.put(((Map<?, ?>) t.get("params")).values().iterator().next().toString(), ((Number) t.get("best_val_acc")).doubleValue());
        }
        return acc;
    }

    @Test
    void learningRateOneHundredthLearnsSlowest(@TempDir Path tmp) {
        Map<String, Double> acc = sweep(tmp.resolve("lr"), "lr=1,0.1,0.01,0.05");
        double slowest = acc.get("0.01");
        for (String lr : List.of("1", "0.1", "0.05")) assertTrue(acc.get(lr) > slowest + 0.05, acc.toString());
        assertTrue(acc.get("1") > acc.get("0.1") && acc.get("0.1") > acc.get("0.05"), "larger steps learn faster here: " + acc);
    }

    @Test
    void regularizationOneStaysNearChance(@TempDir Path tmp) {
        Map<String, Double> acc = sweep(tmp.resolve("reg"), "reg=1,0.001");
        assertTrue(acc.get("1") < 0.2, "reg 1: " + acc);
        assertTrue(acc.get("0.001") > 0.8, "reg 0.001: " + acc);
    }
}
