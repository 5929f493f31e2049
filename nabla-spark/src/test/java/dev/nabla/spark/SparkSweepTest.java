package dev.nabla.spark;

import dev.nabla.cli.CliForTests;
import dev.nabla.InputException;
import dev.nabla.io.Json;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.sweep.TrialResult;
import dev.nabla.train.TrainConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Sweeps on embedded Spark ({@code --spark local[2]}): the same table as in one JVM, failures recorded, resume. */
class SparkSweepTest {

    static String[] sweep(Path out, String... extra) {
        String[] base = {"sweep", "--data", CliForTests.syntheticMnist().toString(), "--epochs", "1", "--model", "mlp",
                "--hidden", "16", "--param", "lr=0.5,0.1", "--param", "seed=3", "--out", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliForTests.nabla(args);
    }

    private static Path local; // the sweep in one JVM, made once

    @BeforeAll
    static void sweepInOneJvm(@TempDir Path tmp) {
        local = tmp.resolve("local");
        String[] l = sweep(local, "--parallel", "2", "--threads", "1");
        assertEquals("0", l[0], l[2]);
    }

    @Test
    void sameTableAsInOneJvmAFailedTrialIsRecordedAndResumeFinishesIt(@TempDir Path tmp) throws Exception {
        Path spark = tmp.resolve("spark");
        String[] s = sweep(spark, "--spark", "local[2]");
        assertEquals("0", s[0], s[2]);
        assertTrue(s[2].contains("on Spark (local[2])"), s[2]);
        assertEquals(SweepTables.withoutSeconds(local), SweepTables.withoutSeconds(spark));
        for (int t = 1; t <= 2; t++) {
            Path trial = spark.resolve(String.format("trial-%02d", t));
            for (String f : new String[] {"results.json", "history.csv", "model.safetensors", "config.yaml"}) {
                assertTrue(Files.isRegularFile(trial.resolve(f)), trial.resolve(f) + " collected on the driver");
            }
        }
        assertArrayEquals(Files.readAllBytes(local.resolve("trial-02/model.safetensors")),
                Files.readAllBytes(spark.resolve("trial-02/model.safetensors")), "the same weights, bit for bit");

        // trial 2 unfinished with a damaged checkpoint: it fails on its executor, is recorded, and the others stay
        Path t2 = spark.resolve("trial-02");
        Files.delete(t2.resolve("results.json"));
        Files.writeString(t2.resolve("checkpoint.safetensors"), "not a checkpoint");
        String[] r = CliForTests.nabla("sweep", "--resume", spark.toString(), "--spark", "local[2]");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("1 of 2 trials already finished"), r[2]);
        assertTrue(r[2].contains("[trial-02] failed on "), r[2]);
        String csv = Files.readString(spark.resolve("results.csv"));
        assertTrue(csv.lines().filter(x -> x.startsWith("2,")).findFirst().orElseThrow().contains(",failed,"), csv);
        assertEquals(1, csv.lines().filter(x -> x.contains(",ok,")).count(), csv);

        // the checkpoint repaired (removed), resume runs trial 2 again and the table is the local one
        Files.delete(t2.resolve("checkpoint.safetensors"));
        r = CliForTests.nabla("sweep", "--resume", spark.toString(), "--spark", "local[2]");
        assertEquals("0", r[0], r[2]);
        assertEquals(SweepTables.withoutSeconds(local), SweepTables.withoutSeconds(spark));
    }

    @Test
    void theJavaApiRunsTheSweepOfTheCliAndResumeSkipsTheFinishedTrials(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("java");
        StringWriter log = new StringWriter();
        TrainConfig base = RunConfig.defaults().withOverrides(List.of("epochs=1", "model=mlp", "hidden=16")).resolve();
        SparkSweep sweep = SparkSweep.on("local[2]").base(base)
                .param("lr", 0.5, 0.1).seeds(3).data(CliForTests.syntheticMnist()).out(out).log(new PrintWriter(log, true));
        List<TrialResult> table = sweep.run();
        assertEquals(SweepTables.withoutSeconds(local), SweepTables.withoutSeconds(out));
        assertEquals(2, table.size());
        assertEquals(Map.of("lr", "0.5", "seed", "3"), table.get(0).params());
        assertEquals(Map.of("lr", "0.1", "seed", "3"), table.get(1).params());
        for (TrialResult t : table) { // the rows carry the metrics of the same trial run in one JVM
            Path f = local.resolve(String.format("trial-%02d/results.json", t.index()));
            Map<String, Object> r = Json.parseObject(Files.readString(f), f.toString());
            assertEquals("ok", t.status());
            assertEquals(((Number) r.get("best_val_acc")).doubleValue(), t.bestValAcc(), 0.0, "trial " + t.index());
            assertEquals(((Number) r.get("test_acc")).doubleValue(), t.testAcc(), 0.0, "trial " + t.index());
            List<Double> valLoss = ((List<?>) r.get("history")).stream()
                    .map(e -> ((Number) ((Map<?, ?>) e).get("val_loss")).doubleValue()).toList();
            assertEquals(valLoss, t.valLoss(), "trial " + t.index() + "'s validation losses");
        }

        // a folder that holds the sweep is refused without resume
        InputException held = assertThrows(InputException.class, sweep::run);
        assertTrue(held.getMessage().contains("already holds a sweep") && held.getMessage().contains("resume(true)"), held.getMessage());
        // another sweep is refused even with resume
        InputException other = assertThrows(InputException.class, () -> SparkSweep.on("local[2]")
                .base(Map.of("epochs", "1", "model", "mlp", "hidden", "16")).param("lr", 0.2).seeds(3)
                .data(CliForTests.syntheticMnist()).out(out).resume(true).log(new PrintWriter(new StringWriter())).run());
        assertTrue(other.getMessage().contains("holds another sweep"), other.getMessage());

        // trial 2 lost: resume runs it alone, trial 1 is read back untouched
        byte[] trial1 = Files.readAllBytes(out.resolve("trial-01/results.json"));
        Path t2 = out.resolve("trial-02");
        try (var files = Files.list(t2)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        log.getBuffer().setLength(0);
        // the same sweep with its settings given by key
        List<TrialResult> again = SparkSweep.on("local[2]").base(Map.of("epochs", "1", "model", "mlp", "hidden", "16"))
                .param("lr", 0.5, 0.1).seeds(3).data(CliForTests.syntheticMnist()).out(out).log(new PrintWriter(log, true))
                .resume(true).run();
        assertTrue(log.toString().contains("1 of 2 trials already finished"), log.toString());
        assertFalse(log.toString().contains("[trial-01]"), "trial 1 did not run again:\n" + log);
        assertTrue(log.toString().contains("[trial-02]"), log.toString());
        assertArrayEquals(trial1, Files.readAllBytes(out.resolve("trial-01/results.json")));
        assertEquals(SweepTables.withoutSeconds(local), SweepTables.withoutSeconds(out));
        assertEquals(table.get(1).bestValAcc(), again.get(1).bestValAcc());
    }
}
