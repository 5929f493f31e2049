package dev.nabla.spark;

import dev.nabla.InputException;
import dev.nabla.cli.CliForTests;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainResult;
import dev.nabla.datasets.mnist.TestMnist;
import dev.nabla.io.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Data-parallel training on embedded Spark ({@code local[2]}): two workers with batch B train the model one
 * process trains with batch 2B, a worker lost mid-run is replaced by Spark's retry of the stage, and
 * {@code --resume} continues a run exactly.
 */
class DataParallelTrainingTest {
    private static Path subset;
    private static Path twoWorkers; // the reference two-worker run, made once through the Java API
    private static TrainResult twoWorkersResult;
    private static String twoWorkersLog;

    /** The run's settings as TrainConfig: those {@link #train} gives the CLI, with {@code batch}. */
    private static TrainConfig config(int epochs, int batch) {
        return RunConfig.defaults().withOverrides(List.of("model=mlp", "hidden=32", "epochs=" + epochs, "lr=0.2",
                "momentum=0.9", "seed=5", "batch=" + batch)).resolve();
    }

    /** Two workers, batch 24 each, two epochs, through {@link DataParallelTraining}. */
    private static synchronized Path twoWorkers() {
        if (twoWorkers == null) {
            Path two = subset.resolveSibling("two");
            StringWriter log = new StringWriter();
            twoWorkersResult = DataParallelTraining.on("local[2]").workers(2).data(subset).out(two)
                    .log(new PrintWriter(log, true)).train(config(2, 24));
            twoWorkersLog = log.toString();
            assertEquals("ok", twoWorkersResult.status(), twoWorkersResult.message() + "\n" + twoWorkersLog);
            assertTrue(twoWorkersLog.contains("2 workers, batch 24 each, global batch 48"), twoWorkersLog);
            twoWorkers = two;
        }
        return twoWorkers;
    }

    /** The first 1,000 training and 200 test images of the real MNIST (800 train, 200 validate). */
    @BeforeAll
    static void mnistSubset(@TempDir Path tmp) throws IOException {
        subset = tmp.resolve("mnist-1000");
        Files.createDirectories(subset);
        Path mnist = TestMnist.folder();
        copyHead(mnist, subset, "train-images-idx3-ubyte", 1000, 784);
        copyHead(mnist, subset, "train-labels-idx1-ubyte", 1000, 1);
        copyHead(mnist, subset, "t10k-images-idx3-ubyte", 200, 784);
        copyHead(mnist, subset, "t10k-labels-idx1-ubyte", 200, 1);
        System.setProperty("spark.driver.host", "127.0.0.1"); // the workers' ring listens there too
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
    }

    @AfterAll
    static void driverAddressBack() {
        System.clearProperty("spark.driver.host");
        System.clearProperty("spark.driver.bindAddress");
    }

    @AfterEach
    void noHook() {
        DataParallelTask.afterEpochForTests = null;
    }

    /** The first {@code count} items of an idx file (gzipped or not), as a plain idx file. */
    private static void copyHead(Path from, Path to, String name, int count, int itemBytes) throws IOException {
        Path f = Files.exists(from.resolve(name)) ? from.resolve(name) : from.resolve(name + ".gz");
        try (InputStream raw = Files.newInputStream(f);
             DataInputStream in = new DataInputStream(f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw);
             DataOutputStream out = new DataOutputStream(Files.newOutputStream(to.resolve(name)))) {
            int magic = in.readInt(), dims = magic & 0xff;
            out.writeInt(magic);
            in.readInt();
            out.writeInt(count);
            for (int d = 1; d < dims; d++) out.writeInt(in.readInt());
            out.write(in.readNBytes(count * itemBytes));
        }
    }

    private static String[] train(Path out, String... extra) {
        return train(2, out, extra);
    }

    private static String[] train(int epochs, Path out, String... extra) {
        String[] base = {"train", "--data", subset.toString(), "--model", "mlp", "--hidden", "32", "--epochs", String.valueOf(epochs),
                "--lr", "0.2", "--momentum", "0.9", "--seed", "5", "--out", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliForTests.nabla(args);
    }

    private static List<double[]> history(Path run) throws IOException {
        return Files.readAllLines(run.resolve("history.csv")).stream().skip(1)
                .map(l -> List.of(l.split(",")).stream().mapToDouble(Double::parseDouble).toArray()).toList();
    }

    private static Map<String, Object> distributed(Path run) throws IOException {
        return Json.parseObject(Files.readString(run.resolve("distributed.json")), "distributed.json");
    }

    @Test
    void twoWorkersWithBatch24TrainTheModelOfOneProcessWithBatch48() throws Exception {
        Path one = subset.resolveSibling("one"), two = twoWorkers();
        String[] l = train(one, "--batch", "48");
        assertEquals("0", l[0], l[2]);
        List<double[]> a = history(one), b = history(two);
        assertEquals(2, b.size());
        for (int e = 0; e < 2; e++) {
            for (int col : new int[] {1, 3}) { // train loss, validation loss
                assertEquals(a.get(e)[col], b.get(e)[col], 1e-5 * Math.abs(a.get(e)[col]), "epoch " + (e + 1) + " column " + col);
            }
            assertEquals(a.get(e)[2], b.get(e)[2], 1.5 / 800, "train accuracy over both shards, epoch " + (e + 1));
            assertEquals(a.get(e)[4], b.get(e)[4], 1.5 / 200, "validation accuracy, epoch " + (e + 1));
        }
        for (String f : new String[] {"config.yaml", "model.safetensors", "checkpoint.safetensors", "results.json", "loss.png"}) {
            assertTrue(Files.isRegularFile(two.resolve(f)), f + " written by worker 0");
        }
        Map<String, Object> d = distributed(two);
        assertEquals(2, ((Number) d.get("workers")).intValue());
        assertEquals(48, ((Number) d.get("global_batch")).intValue());
        int values = ((Number) d.get("values_per_step")).intValue();
        assertEquals(784 * 32 + 32 + 32 * 10 + 10 + 1, values, "the parameters and the sample count");
        // two workers: each sends one half in the reduce-scatter and the other in the allgather
        assertEquals(4.0 * values, ((Number) d.get("bytes_sent_per_step")).doubleValue(), 4.0);
        assertEquals(2 * 17, ((Number) d.get("steps")).intValue(), "ceil(800 / 48) steps per epoch");
        assertTrue(((Number) d.get("images_per_second")).doubleValue() > 0);

        // what the Java API returns is the run folder's result
        Map<String, Object> results = Json.parseObject(Files.readString(two.resolve("results.json")), "results.json");
        assertEquals(2, twoWorkersResult.history().size());
        assertEquals(((Number) results.get("test_acc")).doubleValue(), twoWorkersResult.testAcc(), 0.0);
        assertEquals(((Number) results.get("best_val_acc")).doubleValue(), twoWorkersResult.bestValAcc(), 0.0);
        assertEquals(b.get(1)[1], twoWorkersResult.history().get(1).trainLoss(), 0.0);
        // one process tests the best weights as worker 0 did (validation and test run on worker 0 alone)
        Map<String, Object> oneResults = Json.parseObject(Files.readString(one.resolve("results.json")), "results.json");
        assertEquals(((Number) oneResults.get("test_acc")).doubleValue(), twoWorkersResult.testAcc(), 1.5 / 200);
    }

    @Test
    void workerZerosProgressReachesTheDriversLogThroughTheRunFolder() throws Exception {
        Path two = twoWorkers();
        String progress = Files.readString(two.resolve(DataParallelTask.PROGRESS));
        for (String epoch : new String[] {"epoch 1/2  train loss", "epoch 2/2  train loss"}) {
            assertTrue(progress.contains(epoch), progress);
            // worker 0 writes to the file alone (not to its stderr), so the driver's log has the lines only by the tail
            String line = progress.lines().filter(l -> l.startsWith(epoch)).findFirst().orElseThrow();
            assertTrue(twoWorkersLog.contains(line), "the driver's log has '" + line + "':\n" + twoWorkersLog);
        }
        assertEquals(1, twoWorkersLog.lines().filter(l -> l.startsWith("epoch 2/2")).count(), twoWorkersLog);
    }

    @Test
    void aStaleDistributedRecordInAFolderWithoutARunIsRemoved() throws Exception {
        Path dir = subset.resolveSibling("stale");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("distributed.json"), "{\"workers\": 2}\n"); // a start that never finished an epoch
        String[] r = train(1, dir, "--batch", "48");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("note: removed the distributed.json"), r[2]);
        assertFalse(Files.exists(dir.resolve("distributed.json")));
        // so the one-process run resumes as one
        String[] more = CliForTests.nabla("train", "--resume", dir.toString(), "--epochs", "1");
        assertEquals("0", more[0], more[2]);
    }

    @Test
    void aLostWorkerIsReplacedByTheStagesRetryAndResumeContinuesExactly() throws Exception {
        Path straight = twoWorkers(), lost = subset.resolveSibling("lost"), resumed = subset.resolveSibling("resumed");

        // worker 1 fails after epoch 1 of the first attempt: Spark runs the stage again, which resumes at epoch 2
        DataParallelTask.afterEpochForTests = (ctx, m) -> {
            if (ctx.stageAttemptNumber() == 0 && ctx.partitionId() == 1 && m.epoch() == 1) {
                throw new IllegalStateException("worker 1 lost for the test");
            }
        };
        String[] r = train(lost, "--batch", "24", "--spark", "local[2]", "--workers", "2");
        DataParallelTask.afterEpochForTests = null;
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("training on Spark (local[2]): 2 workers, batch 24 each, global batch 48"), r[1]);
        assertTrue(r[1].contains("epoch 2/2  train loss"), "worker 0's epochs on the command's output:\n" + r[1]);
        assertTrue(((Number) distributed(lost).get("stage_attempt")).intValue() >= 1, "a second attempt finished the run");
        assertEquals(2 * 17 / 2, ((Number) distributed(lost).get("steps")).intValue(), "the retry trained epoch 2 only");
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(lost.resolve("model.safetensors")),
                "the same weights, bit for bit");

        // one epoch, then --resume to two: the same run again
        String[] first = train(1, resumed, "--batch", "24", "--spark", "local[2]", "--workers", "2");
        assertEquals("0", first[0], first[2]);
        String[] wrong = CliForTests.nabla("train", "--resume", resumed.toString(), "--epochs", "2");
        assertEquals("2", wrong[0], wrong[2]);
        assertTrue(wrong[2].contains("trained by 2 workers") && wrong[2].contains("--spark MASTER --workers 2"), wrong[2]);
        InputException fewer = assertThrows(InputException.class, () -> DataParallelTraining.on("local[2]").workers(3)
                .out(resumed).resume(true).train(config(2, 24)));
        assertTrue(fewer.getMessage().contains("trained by 2 workers"), fewer.getMessage());
        String[] more = CliForTests.nabla("train", "--resume", resumed.toString(), "--epochs", "2", "--spark", "local[2]", "--workers", "2");
        assertEquals("0", more[0], more[2]);
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(resumed.resolve("model.safetensors")));
        assertEquals(Files.readString(straight.resolve("history.csv")).lines().map(DataParallelTrainingTest::withoutSeconds).toList(),
                Files.readString(resumed.resolve("history.csv")).lines().map(DataParallelTrainingTest::withoutSeconds).toList());
    }

    private static String withoutSeconds(String historyLine) {
        String[] c = historyLine.split(",");
        return String.join(",", List.of(c).subList(0, 5));
    }
}
