package dev.nabla.cli.run;

import dev.nabla.cli.config.RunConfig;
import dev.nabla.data.ImageSet;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.io.Json;
import dev.nabla.models.ModelFile;
import dev.nabla.train.Evaluator;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run that crashes (or meets a full disk) just before any one of the files it writes, then is resumed, ends
 * with a consistent folder: results.json says what the uninterrupted run says, and the model file in the
 * folder is the one results.json describes (its epoch, and its test accuracy when evaluated).
 */
class RunFolderCrashTest {

    @TempDir
    Path tmp;

    @AfterEach
    void removeHook() {
        RunFolder.beforeWrite = null;
    }

    /** Tiny 4x4 images of 3 classes (class c is bright in row c), so a run takes milliseconds. */
    private static MnistSplits tinyData() {
        Random rng = new Random(3);
        ImageSet all = images(rng, 260);
        return new MnistSplits(all.slice(0, 200), all.slice(200, 260), images(rng, 60));
    }

    private static ImageSet images(Random rng, int n) {
        float[] px = new float[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(3);
            for (int p = 0; p < 16; p++) px[i * 16 + p] = rng.nextFloat() * (p / 4 == labels[i] ? 1.0f : 0.8f);
        }
        return new ImageSet(px, labels, n, 4, 4, 3);
    }

    private static TrainConfig config() {
        return RunConfig.defaults().with("hidden", "6", "test").with("epochs", "3", "test").with("lr", "0.5", "test")
                .with("batch", "20", "test").with("threads", "1", "test").resolve();
    }

    /** A failure at a write, as a full disk or a killed process leaves it: the files before it are written. */
    private static final class Crash extends UncheckedIOException {
        Crash(String file) {
            super("simulated crash before writing " + file, new IOException("No space left on device"));
        }
    }

    @Test
    void resumingAfterACrashBeforeAnyFileOfAnyEpochGivesAConsistentFolder() throws IOException {
        MnistSplits data = tinyData();
        TrainConfig cfg = config();
        List<String> writes = Collections.synchronizedList(new ArrayList<>());
        RunFolder.beforeWrite = writes::add;
        Path whole = tmp.resolve("whole");
        TrainResult expected = RunRecorder.runTraining(cfg, data, whole, null, null);
        RunFolder.beforeWrite = null;
        assertEquals("ok", expected.status());
        assertConsistent(whole, data, expected);
        // every kind of file is written, several epochs over, and some epochs are not a new best
        assertTrue(writes.containsAll(List.of(RunFolder.CONFIG, RunFolder.MODEL, RunFolder.CHECKPOINT,
                RunFolder.CHECKPOINT_JSON, RunFolder.HISTORY, RunFolder.LOSS_CHART, RunFolder.ACCURACY_CHART,
                RunFolder.RESULTS)), writes.toString());
        assertTrue(writes.stream().filter(RunFolder.CHECKPOINT::equals).count() == 3, writes.toString());

        for (int k = 0; k < writes.size(); k++) {
            Path dir = tmp.resolve("crash-" + k);
            int crashAt = k;
            AtomicInteger count = new AtomicInteger(); // (the charts are written on a thread of their own)
            RunFolder.beforeWrite = name -> {
                if (count.getAndIncrement() == crashAt) throw new Crash(name);
            };
            assertThrows(Crash.class, () -> RunRecorder.runTraining(cfg, data, dir, null, null), "write " + k);
            RunFolder.beforeWrite = null;

            // what nabla train --resume does
            RunFolder folder = new RunFolder(dir);
            RunFolder.Checkpoint ck = Files.isRegularFile(folder.file(RunFolder.CHECKPOINT)) ? folder.readCheckpoint() : null;
            TrainResult resumed = RunRecorder.runTraining(cfg, data, dir, ck, null);
            String where = "crash before write " + k + " (" + writes.get(k) + ")";
            assertEquals(expected.bestEpoch(), resumed.bestEpoch(), where);
            assertEquals(expected.testAcc(), resumed.testAcc(), where);
            assertEquals(expected.history().size(), resumed.history().size(), where);
            assertConsistent(dir, data, resumed);
        }
    }

    @Test
    void aModelFileNewerThanItsCheckpointIsReplacedOnResume() throws IOException {
        // the checkpoint of epoch 2 names the model of epoch 2; a model of another run put in its place (a crash
        // after writing the model of epoch 3) is rewritten from the checkpoint's best weights
        MnistSplits data = tinyData();
        TrainConfig two = config().withEpochs(2);
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        RunRecorder.runTraining(two, data, a, null, null);
        RunRecorder.runTraining(config().withEpochs(3), data, b, null, null);
        Files.copy(b.resolve(RunFolder.MODEL), a.resolve(RunFolder.MODEL), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        RunFolder folder = new RunFolder(a);
        TrainResult r = RunRecorder.runTraining(two, data, a, folder.readCheckpoint(), null);
        assertConsistent(a, data, r);
    }

    /** results.json is final and the model file is the one it describes; the checkpoint names that file. */
    private static void assertConsistent(Path dir, MnistSplits data, TrainResult r) throws IOException {
        Map<String, Object> res = Json.parseObject(Files.readString(dir.resolve(RunFolder.RESULTS)), "results.json");
        assertEquals("ok", res.get("status"), dir.toString());
        assertEquals((double) r.bestEpoch(), res.get("best_epoch"), dir.toString());
        assertEquals(r.testAcc(), (Double) res.get("test_acc"), dir.toString());
        ModelFile.Loaded m = ModelFile.load(dir.resolve(RunFolder.MODEL));
        assertEquals(Integer.toString(r.bestEpoch()), m.metadata().get("nabla.epoch"), dir + ": the model's epoch");
        assertEquals(r.testAcc(), Evaluator.evaluate(m.model(), data.test(), 64).accuracy(),
                dir + ": the model file's test accuracy");
        RunFolder.Checkpoint ck = new RunFolder(dir).readCheckpoint();
        assertEquals(r.history().size(), ck.state().epochsDone(), dir.toString());
        assertEquals(RunFolder.sha256(dir.resolve(RunFolder.MODEL)), ck.modelSha256(), dir + ": the checkpoint names another model");
        assertEquals(r.history().size() + 1, Files.readAllLines(dir.resolve(RunFolder.HISTORY)).size(), dir.toString());
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), dir + ": temporary files left");
        }
    }
}
