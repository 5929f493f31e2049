package dev.nabla.spark;

import dev.nabla.cli.CliForTests;
import dev.nabla.cli.Cluster;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.sweep.TrialResult;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainResult;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A real Spark standalone cluster (master and two workers, separate JVMs on 127.0.0.1), driven through the Java
 * API in one application: a two-worker {@link DataParallelTraining} (one replica per worker) gives the losses of
 * one process with both batches together; then, in a {@link SparkSweep}, one worker is killed while it runs a
 * trial, Spark runs its lost trial again on the other, and the table is the one {@code nabla sweep} gives in one
 * JVM. Last, {@code nabla sweep --spark} gives that table too, on the worker left. Part of the
 * default suite; {@code -Pfast} leaves it out.
 */
@Tag("cluster")
class StandaloneClusterTest {

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS) // about 35 s on a quiet machine; JVM starts dominate under load
    void twoWorkerTrainingThenASweepThatSurvivesALostWorker(@TempDir Path tmp) throws Exception {
        Path local = tmp.resolve("local"), remote = tmp.resolve("cluster"), data = CliForTests.syntheticMnist();
        long start = System.nanoTime();
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.executor.memory", "768m");
        // nabla's executor flags, with the serial collector: on a loaded machine fewer threads start sooner
        System.setProperty("spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector -Xss8m -XX:+UseSerialGC");
        // the reference table and training in this JVM while the cluster's JVMs start
        ExecutorService runs = Executors.newFixedThreadPool(2); // its threads keep this thread's class loader
        Future<String[]> reference = runs.submit(() -> CliForTests.nabla("sweep", "--data", data.toString(), "--epochs", "1",
                "--model", "mlp", "--hidden", "16", "--param", "lr=0.5,0.1", "--param", "seed=1,2", "--out", local.toString(),
                "--threads", "1"));
        Path alone = tmp.resolve("alone"), pair = tmp.resolve("pair");
        Future<String[]> referenceTraining = runs.submit(() -> CliForTests.nabla("train", "--data", data.toString(),
                "--epochs", "1", "--model", "mlp", "--hidden", "16", "--seed", "3", "--out", alone.toString(), "--batch", "32"));
        StringWriter log = new StringWriter();
        PrintWriter driver = new PrintWriter(log, true);
        try (StandaloneCluster cluster = new StandaloneCluster(tmp.resolve("spark"), 2)) {
            phase(start, "the cluster is up");
            String[] l = reference.get(60, TimeUnit.SECONDS);
            assertEquals("0", l[0], l[2]);
            String[] lt = referenceTraining.get(60, TimeUnit.SECONDS);
            assertEquals("0", lt[0], lt[2]);

            // one application for both uses, so that its two executors start once
            phase(start, "the reference runs are done");
            try (JavaSparkContext spark = SparkCluster.context(cluster.masterUrl, "nabla cluster test", SparkCluster.BARRIER_WAIT)) {
                // a two-worker training first, while both workers live: one replica on each, the model of one
                // process with the two workers' batches together
                TrainConfig config = RunConfig.defaults().withOverrides(List.of("model=mlp", "hidden=16", "epochs=1", "seed=3",
                        "batch=16")).resolve();
                Future<TrainResult> training = runs.submit(() -> DataParallelTraining.on(spark).workers(2)
                        .data(data).out(pair).log(driver).train(config));
                TrainResult t;
                try {
                    t = training.get(120, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("the two-worker training did not end within 120 s\n" + log + "\nworker 1:\n"
                            + cluster.tail("worker-1") + "\nworker 2:\n" + cluster.tail("worker-2") + "\nmaster:\n" + cluster.tail("master"), e);
                }
                assertEquals("ok", t.status(), () -> t.message() + "\n" + log + "\nmaster:\n" + cluster.tail("master"));
                phase(start, "the training is done");
                double[] a = trainLoss(alone), b = trainLoss(pair);
                assertEquals(a[0], b[0], 1e-5 * Math.abs(a[0]), "train loss");
                assertEquals(a[1], b[1], 1e-5 * Math.abs(a[1]), "validation loss");
                assertEquals(b[0], t.history().get(0).trainLoss(), 0.0, "the result is the run folder's");
                assertTrue(Files.readString(pair.resolve(Cluster.DISTRIBUTED)).contains("\"workers\": 2"));
                // worker 0 ran in an executor JVM: its epoch line reached this driver through the run folder
                assertTrue(log.toString().contains("epoch 1/1  train loss"), log::toString);

                // then the sweep on the same executors, losing worker 2 while it runs a trial
                Future<List<TrialResult>> run = runs.submit(() -> SparkSweep.on(spark)
                        .base(Map.of("epochs", "1", "model", "mlp", "hidden", "16")).param("lr", 0.5, 0.1).seeds(1, 2)
                        .data(data).out(remote).log(driver).run());
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!cluster.executorLogged(2, "starting:") && !run.isDone() && System.nanoTime() < end) Thread.sleep(50);
                assertTrue(cluster.executorLogged(2, "starting:"), () -> "worker 2 never started a trial:\n" + log);
                assertFalse(Files.exists(remote.resolve("trial-04/results.json")), "the sweep had not finished when the worker went");
                cluster.killWorker(2);
                phase(start, "worker 2 is killed");
                List<TrialResult> table = run.get(90, TimeUnit.SECONDS);
                phase(start, "the sweep is done");
                assertEquals(4, table.size());
                for (TrialResult r : table) assertEquals("ok", r.status(), () -> log + "\nmaster:\n" + cluster.tail("master"));
                assertEquals(SweepTables.withoutSeconds(local), SweepTables.withoutSeconds(remote), log::toString);
            }
            // the command line's --spark reaches the same cluster (its own application, on the worker left)
            Path cli = tmp.resolve("cli");
            String[] c = CliForTests.nabla("sweep", "--data", data.toString(), "--epochs", "1", "--model", "mlp", "--hidden",
                    "16", "--param", "lr=0.5,0.1", "--param", "seed=1,2", "--out", cli.toString(), "--spark", cluster.masterUrl);
            assertEquals("0", c[0], () -> c[2] + "\nmaster:\n" + cluster.tail("master"));
            phase(start, "the command line's sweep is done");
            assertEquals(SweepTables.withoutSeconds(local), SweepTables.withoutSeconds(cli));
        } finally {
            runs.shutdownNow();
            System.clearProperty("spark.driver.host");
            System.clearProperty("spark.driver.bindAddress");
            System.clearProperty("spark.executor.memory");
            System.clearProperty("spark.executor.extraJavaOptions");
        }
    }

    /** Where the time goes, in the test's output: the cluster's JVMs start slowly on a loaded machine. */
    private static void phase(long start, String what) {
        System.err.printf(java.util.Locale.ROOT, "[cluster test] %.1f s: %s%n", (System.nanoTime() - start) / 1e9, what);
    }

    /** Epoch 1's train and validation loss from a run's history.csv. */
    private static double[] trainLoss(Path run) throws java.io.IOException {
        String[] c = Files.readAllLines(run.resolve("history.csv")).get(1).split(",");
        return new double[] {Double.parseDouble(c[1]), Double.parseDouble(c[3])};
    }
}
