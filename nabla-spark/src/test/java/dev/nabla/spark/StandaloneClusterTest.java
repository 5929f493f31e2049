package dev.nabla.spark;

import dev.nabla.cli.CliForTests;
import dev.nabla.cli.Cluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A real Spark standalone cluster (master and two workers, separate JVMs on 127.0.0.1): a two-worker training
 * (one replica per worker) gives the losses of one process with both batches together; then, in a sweep, one
 * worker is killed while trials run on it, Spark runs its lost trials again on the other, and the table is the
 * one a run in one JVM gives. Part of the default suite; {@code -Pfast} leaves it out.
 */
@Tag("cluster")
class StandaloneClusterTest {

    @Test
    @Timeout(value = 175, unit = TimeUnit.SECONDS)
    void twoWorkerTrainingThenASweepThatSurvivesALostWorker(@TempDir Path tmp) throws Exception {
        Path local = tmp.resolve("local"), remote = tmp.resolve("cluster");
        String[] sweep = {"sweep", "--data", CliForTests.syntheticMnist().toString(), "--epochs", "1", "--model", "mlp",
                "--hidden", "16", "--param", "lr=0.5,0.1", "--param", "seed=1,2"};
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.executor.memory", "768m");
        // the reference table in this JVM while the cluster's JVMs start
        ExecutorService runs = Executors.newFixedThreadPool(2); // its threads keep this thread's class loader
        Future<String[]> reference = runs.submit(() -> CliForTests.nabla(concat(sweep, "--out", local.toString(), "--threads", "1")));
        Path alone = tmp.resolve("alone"), pair = tmp.resolve("pair");
        String[] train = {"train", "--data", CliForTests.syntheticMnist().toString(), "--epochs", "1", "--model", "mlp",
                "--hidden", "16", "--seed", "3"};
        Future<String[]> referenceTraining = runs.submit(() -> CliForTests.nabla(concat(train, "--out", alone.toString(), "--batch", "32")));
        try (StandaloneCluster cluster = new StandaloneCluster(tmp.resolve("spark"), 2)) {
            String[] l = reference.get(60, TimeUnit.SECONDS);
            assertEquals("0", l[0], l[2]);
            String[] lt = referenceTraining.get(60, TimeUnit.SECONDS);
            assertEquals("0", lt[0], lt[2]);

            // a two-worker training first, while both workers live: one replica on each, the model of one process
            // with the two workers' batches together
            Future<String[]> training = runs.submit(() -> CliForTests.nabla(concat(train, "--out", pair.toString(),
                    "--batch", "16", "--spark", cluster.masterUrl, "--workers", "2")));
            String[] t;
            try {
                t = training.get(90, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the two-worker training did not end within 90 s\nworker 1:\n" + cluster.tail("worker-1")
                        + "\nworker 2:\n" + cluster.tail("worker-2") + "\nmaster:\n" + cluster.tail("master"), e);
            }
            assertEquals("0", t[0], () -> t[2] + "\nmaster:\n" + cluster.tail("master"));
            double[] a = trainLoss(alone), b = trainLoss(pair);
            assertEquals(a[0], b[0], 1e-5 * Math.abs(a[0]), "train loss");
            assertEquals(a[1], b[1], 1e-5 * Math.abs(a[1]), "validation loss");
            assertTrue(Files.readString(pair.resolve(Cluster.DISTRIBUTED)).contains("\"workers\": 2"));

            // then the sweep, losing a worker on the way (once the training's executors have gone)
            long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((cluster.hasExecutor(1) || cluster.hasExecutor(2)) && System.nanoTime() < gone) Thread.sleep(100);
            Future<String[]> run = runs.submit(() -> CliForTests.nabla(concat(sweep, "--out", remote.toString(), "--spark", cluster.masterUrl)));
            // kill worker 2 while its executor runs a trial (no trial has come back yet, or only some)
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!(cluster.hasExecutor(1) && cluster.hasExecutor(2)) && !run.isDone() && System.nanoTime() < end) Thread.sleep(100);
            assertTrue(cluster.hasExecutor(2), () -> "worker 2 never ran an executor:\n" + cluster.tail("worker-2"));
            Thread.sleep(3000); // its first trial is under way
            assertFalse(Files.exists(remote.resolve("trial-04/results.json")), "the sweep had not finished when the worker went");
            cluster.killWorker(2);
            String[] r = run.get(170, TimeUnit.SECONDS);
            assertEquals("0", r[0], () -> r[2] + "\nmaster:\n" + cluster.tail("master"));
            assertEquals(SweepTables.withoutSeconds(local), SweepTables.withoutSeconds(remote), r[2]);
            assertFalse(Files.readString(remote.resolve("results.csv")).contains("failed"));
        } finally {
            runs.shutdownNow();
            System.clearProperty("spark.driver.host");
            System.clearProperty("spark.driver.bindAddress");
            System.clearProperty("spark.executor.memory");
        }
    }

    /** Epoch 1's train and validation loss from a run's history.csv. */
    private static double[] trainLoss(Path run) throws java.io.IOException {
        String[] c = Files.readAllLines(run.resolve("history.csv")).get(1).split(",");
        return new double[] {Double.parseDouble(c[1]), Double.parseDouble(c[3])};
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
