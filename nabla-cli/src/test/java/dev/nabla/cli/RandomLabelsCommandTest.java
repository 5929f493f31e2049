package dev.nabla.cli;

import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RandomLabelsCommandTest {

    @Test
    void aSmallNetworkMemorizesRandomLabelsButDoesNotGeneralize(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("rl");
        StringWriter so = new StringWriter(), se = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(so, true));
        cl.setErr(new PrintWriter(se, true));
        int code = cl.execute("experiment", "random-labels", "--data", TestData.realMnist().toString(), "--train-size", "300",
                "--epochs", "25", "--hidden", "256", "--probs", "0,1", "--out", out.toString(), "--json");
        assertEquals(0, code, se.toString());
        Map<String, Object> json = Json.parseObject(so.toString(), "stdout");
        List<?> rows = (List<?>) json.get("conditions");
        assertEquals(5, rows.size(), "two label levels and three pixel corruptions");
        Map<?, ?> clean = (Map<?, ?>) rows.get(0), random = (Map<?, ?>) rows.get(1);
        assertEquals("true labels", clean.get("condition"));
        assertEquals("random labels", random.get("condition"));
        assertTrue(((Number) random.get("final_train_acc")).doubleValue() > 0.9, "random labels are fitted: " + random);
        assertTrue(((Number) random.get("test_acc")).doubleValue() < 0.2, "and do not generalize: " + random);
        assertTrue(((Number) clean.get("test_acc")).doubleValue() > 0.6, "true labels generalize: " + clean);
        for (String f : List.of("results.md", "results.json", "train_loss.png", "train_loss.svg",
                "test_accuracy_vs_p.png", "test_accuracy_vs_p.svg")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
    }

    @Test
    void badProbabilityIsAUsageError(@TempDir Path tmp) {
        StringWriter se = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(se, true));
        int code = cl.execute("experiment", "random-labels", "--probs", "0,1.5", "--out", tmp.resolve("x").toString());
        assertEquals(2, code);
        assertTrue(se.toString().contains("1.5 is not a probability"), se.toString());
    }
}
