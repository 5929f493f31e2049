package dev.nabla.spark;

import dev.nabla.cli.CliForTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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

    @Test
    void sameTableAsInOneJvmAFailedTrialIsRecordedAndResumeFinishesIt(@TempDir Path tmp) throws Exception {
        Path local = tmp.resolve("local"), spark = tmp.resolve("spark");
        String[] l = sweep(local, "--parallel", "2", "--threads", "1");
        assertEquals("0", l[0], l[2]);
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
}
