package dev.nabla.cli;

import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nabla experiment shift} on the synthetic digits: the JSON, the table and the figures, and bad options. */
class ShiftCommandTest {

    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void itReportsTheLessonAndAccuracyAgainstShiftForBothModels() {
        Path out = tmp.resolve("shift");
        TestData.Run r = nabla("experiment", "shift", "--data", TestData.synthetic().toString(), "--train-size", "300",
                "--test-size", "40", "--epochs", "1", "--max-shift", "2", "--hidden", "8", "--channels", "2", "--kernel", "3",
                "--fc", "8", "--out", out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        Map<String, Object> j = Json.parseObject(r.out(), "stdout");
        Map<String, Object> lesson = (Map<String, Object>) j.get("lesson");
        Map<String, Object> matrix = (Map<String, Object>) lesson.get("matrix_max_abs_diff");
        assertEquals(List.of("3x3", "5x5"), List.copyOf(matrix.keySet()));
        for (Object e : matrix.values()) assertTrue(((Number) e).doubleValue() < 1e-12, matrix.toString());
        assertTrue(((Number) lesson.get("equivariance_max_abs_diff")).doubleValue() < 1e-12);
        Map<String, Object> shifted = (Map<String, Object>) j.get("shifted_test");
        List<Map<String, Object>> models = (List<Map<String, Object>>) shifted.get("models");
        assertEquals(List.of("MLP", "CNN"), models.stream().map(m -> m.get("name")).toList());
        for (Map<String, Object> m : models) {
            List<Object> mean = (List<Object>) m.get("mean_accuracy");
            assertEquals(3, mean.size());
            Map<String, Object> perDirection = (Map<String, Object>) m.get("accuracy");
            assertEquals(List.of("right", "left", "down", "up"), List.copyOf(perDirection.keySet()));
            for (Object a : mean) assertTrue(((Number) a).doubleValue() >= 0 && ((Number) a).doubleValue() <= 1);
        }
        for (String f : List.of("results.md", "results.json", "accuracy_vs_shift.svg", "accuracy_vs_shift.png",
                "pooling_invariance.svg", "pooling_invariance.png")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
    }

    @Test
    void badOptionsAreOneLineAndExitTwo() {
        for (String[] bad : List.of(new String[] {"--max-shift", "-1"}, new String[] {"--kernel", "4"},
                new String[] {"--channels", "0"}, new String[] {"--test-size", "20000"})) {
            List<String> args = new java.util.ArrayList<>(List.of("experiment", "shift", "--data", TestData.synthetic().toString(),
                    "--out", tmp.resolve("bad").toString()));
            args.addAll(List.of(bad));
            TestData.Run r = nabla(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", bad) + ": " + r.err());
            String err = r.err().replaceAll("(?m)^WARNING.*\n", "");
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("nabla experiment shift: "), err);
        }
    }
}
