package dev.nabla.cli;

import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code nabla bench train} and {@code nabla bench data} on the real MNIST files. */
class BenchTrainAndDataTest {

    @Test
    void jsonGivesOneSamplePerTimedEpochAfterTheWarmUpOnesAndTheirMedian() {
        Map<String, Object> r = json(0, "bench", "train", "--model", "softmax", "--warmup", "2", "--epochs", "2", "--threads", "1",
                "--data", TestData.realMnist().toString(), "--json");
        assertEquals("nabla", r.get("impl"));
        assertEquals("softmax", r.get("model"));
        assertEquals(1.0, r.get("threads"));
        List<?> samples = (List<?>) r.get("samples");
        assertEquals(2, samples.size());
        double a = (Double) samples.get(0), b = (Double) samples.get(1);
        assertTrue(a > 0 && b > 0, samples.toString());
        assertEquals((a + b) / 2, (Double) r.get("epoch_seconds"), 1e-9);
        assertTrue((Double) r.get("warmup_seconds") > 0);
        assertEquals(2.0, r.get("warmup_epochs"));
        assertTrue((Double) r.get("load_seconds") > 0);
    }

    @Test
    void trainsTheCourseModelAboveChanceAccuracy() {
        Map<String, Object> r = json(0, "bench", "train", "--epochs", "1", "--data", TestData.realMnist().toString(), "--json");
        assertEquals("twolayer", r.get("model"));
        // two epochs of the course's two-layer network: about 0.85 training accuracy; chance is 0.1
        assertTrue((Double) r.get("train_acc") > 0.5, r.toString());
        assertTrue((Double) r.get("train_loss") < 1.5, r.toString());
    }

    @Test
    void dataReadsTheCourseSplitAndTimesEveryRead() {
        Map<String, Object> r = json(0, "bench", "data", "--repeat", "1", "--data", TestData.realMnist().toString(), "--json");
        assertEquals(48_000.0, r.get("train"));
        assertEquals(12_000.0, r.get("validation"));
        assertEquals(10_000.0, r.get("test"));
        assertTrue((Double) r.get("first_seconds") > 0);
        assertTrue((Double) r.get("median_seconds") > 0);
    }

    @Test
    void unknownModelIsAUsageErrorNamingTheValue() {
        String err = errorOf("bench", "train", "--model", "lenet");
        assertTrue(err.contains("nabla bench train: --model 'lenet': expected twolayer, softmax, lenet5 or cnn"), err);
    }

    @Test
    void zeroEpochsIsAUsageError() {
        String err = errorOf("bench", "train", "--epochs", "0");
        assertTrue(err.contains("--epochs must be >= 1, got 0"), err);
        err = errorOf("bench", "train", "--warmup", "0");
        assertTrue(err.contains("--warmup must be >= 1, got 0"), err);
    }

    @Test
    void missingDataFolderIsAUsageErrorNamingIt() {
        String err = errorOf("bench", "data", "--data", "no/such/folder");
        assertTrue(err.contains("nabla bench data: no") && err.contains("such") && err.contains("folder"), err);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, BenchData.median(new double[] {4, 1, 3, 2}));
        assertEquals(3, BenchData.median(new double[] {5, 3, 1}));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(int exit, String... args) {
        String out = run(exit, args, false);
        return (Map<String, Object>) Json.parse(out.strip());
    }

    private static String errorOf(String... args) {
        return run(Main.EXIT_USAGE, args, true);
    }

    private static String run(int exit, String[] args, boolean stderr) {
        PrintStream old = stderr ? System.err : System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        var cl = Main.commandLine();
        if (stderr) cl.setErr(new java.io.PrintWriter(ps, true));
        else System.setOut(ps);
        try {
            assertEquals(exit, cl.execute(args));
        } finally {
            if (!stderr) System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
