package dev.nabla.cli;

import dev.nabla.cli.config.ConfigLoader;
import dev.nabla.cli.run.RunFolder;
import dev.nabla.io.Json;
import dev.nabla.io.SafeTensors;
import dev.nabla.models.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nabla train} end to end on a small synthetic MNIST: the run folder, --json, --resume, divergence. */
class TrainRunTest {

    @TempDir
    Path tmp;

    private static final List<String> RESULT_KEYS = List.of("config", "history", "best_epoch", "best_val_acc",
            "final_train_acc", "test_acc", "seconds", "status");
    private static final List<String> EPOCH_KEYS = List.of("epoch", "train_loss", "train_acc", "val_loss", "val_acc",
            "train_seconds", "eval_seconds");

    private TestData.Run train(Path out, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "train";
        all[1] = "--data";
        all[2] = TestData.synthetic().toString();
        all[3] = "--out";
        all[4] = out.toString();
        System.arraycopy(args, 0, all, 5, args.length);
        return nabla(all);
    }

    private static Map<String, Object> json(Path f) throws IOException {
        return Json.parseObject(Files.readString(f), f.toString());
    }

    @Test
    void aRunFolderHoldsEveryFileAfterTraining() throws IOException {
        Path out = tmp.resolve("run");
        TestData.Run r = train(out, "--epochs", "2", "--hidden", "16", "--lr", "0.5", "--activation", "relu",
                "--init", "kaiming");
        assertEquals(0, r.exit(), r.err());

        // one summary line per epoch, then the result
        List<String> epochLines = r.out().lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(2, epochLines.size(), r.out());
        assertTrue(epochLines.get(0).matches("epoch 1/2  train loss \\d\\.\\d{4} acc \\d\\.\\d{4} \\| val loss \\d\\.\\d{4} acc \\d\\.\\d{4} \\| .*"),
                epochLines.get(0));
        assertTrue(r.out().contains("run folder: " + out), r.out());

        for (String f : List.of("config.yaml", "history.csv", "results.json", "loss.png", "loss.svg", "accuracy.png",
                "accuracy.svg", "model.safetensors", "checkpoint.safetensors", "checkpoint.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " is missing");
        }
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left behind");
        }

        // config.yaml is the resolved config in nabla's format
        var cfg = ConfigLoader.load(out.resolve("config.yaml")).resolve();
        assertEquals(2, cfg.epochs());
        assertEquals(0.5, cfg.lr());
        assertArrayEquals(new int[]{16}, cfg.model().hidden());

        List<String> csv = Files.readAllLines(out.resolve("history.csv"));
        assertEquals("epoch,train_loss,train_acc,val_loss,val_acc,train_seconds,eval_seconds", csv.get(0));
        assertEquals(3, csv.size());
        assertTrue(csv.get(2).startsWith("2,"));

        Map<String, Object> res = json(out.resolve("results.json"));
        assertTrue(res.keySet().containsAll(RESULT_KEYS), res.keySet().toString());
        assertEquals("ok", res.get("status"));
        List<?> history = (List<?>) res.get("history");
        assertEquals(2, history.size());
        assertTrue(((Map<?, ?>) history.get(0)).keySet().containsAll(EPOCH_KEYS));
        double test = (Double) res.get("test_acc");
        assertTrue(test > 0.5 && test <= 1, "the synthetic digits are easy, yet test accuracy is " + test);
        assertEquals(0.5, ((Map<?, ?>) res.get("config")).get("lr"));
        assertEquals(dev.nabla.kernel.Kernels.get().description(), res.get("kernels"), "the kernels the run used");

        for (String chart : List.of("loss.png", "accuracy.png")) {
            BufferedImage img = ImageIO.read(out.resolve(chart).toFile());
            assertNotNull(img, chart);
            assertEquals(900, img.getWidth());
            assertEquals(560, img.getHeight());
        }
        String svg = Files.readString(out.resolve("loss.svg"));
        assertTrue(svg.contains("<svg") && svg.contains("viewBox=\"0 0 900 560\""), "not a 900x560 SVG");
        assertTrue(svg.strip().endsWith("</svg>"), "the SVG is cut short");

        // the best model rebuilds from its own metadata
        ModelFile.Loaded m = ModelFile.load(out.resolve("model.safetensors"));
        assertEquals("twolayer", m.spec().type());
        assertArrayEquals(new int[]{16}, m.spec().hidden());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(m.model().namedParameters().keySet()));

        RunFolder.Checkpoint ck = new RunFolder(out).readCheckpoint();
        assertEquals(2, ck.state().epochsDone());
        assertEquals(2, ck.state().history().size());
        assertEquals(Json.parseObject(Files.readString(out.resolve("checkpoint.json")), "checkpoint.json").get("epochs_done"), 2.0);
    }

    @Test
    void jsonPrintsOnlyTheResultsOnStdout() throws IOException {
        Path out = tmp.resolve("run");
        TestData.Run r = train(out, "--epochs", "1", "--model", "softmax", "--json");
        assertEquals(0, r.exit(), r.err());
        Map<String, Object> printed = Json.parseObject(r.out(), "stdout");
        assertTrue(printed.keySet().containsAll(RESULT_KEYS), printed.keySet().toString());
        assertEquals(json(out.resolve("results.json")), printed);
        assertTrue(r.err().contains("epoch 1/1  train loss"), "progress goes to stderr: " + r.err());
    }

    @Test
    void resumingAfterAnInterruptionEndsAsAnUninterruptedRun() throws IOException {
        Path whole = tmp.resolve("whole");
        Path split = tmp.resolve("split");
        String[] args = {"--hidden", "12", "--lr", "0.3", "--momentum", "0.9", "--batch", "50", "--threads", "1"};
        assertEquals(0, train(whole, concat(args, "--epochs", "2")).exit());
        assertEquals(0, train(split, concat(args, "--epochs", "1")).exit());
        // no --data: the run trains on the folder it recorded when it started
        TestData.Run resumed = nabla("train", "--resume", split.toString(), "--epochs", "2");
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.out().contains("resuming " + split + " after epoch 1 of 2"), resumed.out());

        Map<String, Object> a = json(whole.resolve("results.json")), b = json(split.resolve("results.json"));
        for (String key : List.of("best_epoch", "best_val_acc", "final_train_acc", "test_acc", "status", "config")) {
            assertEquals(a.get(key), b.get(key), key);
        }
        List<?> ha = (List<?>) a.get("history"), hb = (List<?>) b.get("history");
        assertEquals(2, hb.size());
        for (int i = 0; i < 2; i++) {
            for (String k : List.of("epoch", "train_loss", "train_acc", "val_loss", "val_acc")) {
                assertEquals(((Map<?, ?>) ha.get(i)).get(k), ((Map<?, ?>) hb.get(i)).get(k), "epoch " + (i + 1) + " " + k);
            }
        }
        var wa = SafeTensors.readTensors(whole.resolve("model.safetensors"));
        var wb = SafeTensors.readTensors(split.resolve("model.safetensors"));
        assertEquals(wa, wb, "the best model's weights differ");
        assertEquals(SafeTensors.readTensors(whole.resolve("checkpoint.safetensors")),
                SafeTensors.readTensors(split.resolve("checkpoint.safetensors")));
    }

    @Test
    void resumingMayNotChangeTheHyperParametersNorUndoEpochs() {
        Path out = tmp.resolve("run");
        assertEquals(0, train(out, "--epochs", "2", "--model", "softmax").exit());
        TestData.Run r = nabla("train", "--resume", out.toString(), "--lr", "0.5");
        assertEquals(2, r.exit());
        assertEquals("nabla train: --lr 0.5 cannot be changed when resuming " + out
                + " (only --epochs and --threads can); start a new run instead\n", r.err());
        TestData.Run fewer = nabla("train", "--resume", out.toString(), "--epochs", "1");
        assertEquals(2, fewer.exit());
        assertEquals("nabla train: --epochs 1 is fewer than the 2 epochs " + out
                + " has done already; give --epochs 2 or more\n", fewer.err());
    }

    @Test
    void aNewRunDoesNotOverwriteAnOldOne() {
        Path out = tmp.resolve("run");
        assertEquals(0, train(out, "--epochs", "1", "--model", "softmax").exit());
        TestData.Run r = train(out, "--epochs", "1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("already holds a run"), r.err());
    }

    @Test
    void theValidationFractionSplitsTheTrainingFileAndStaysWithTheRun() throws IOException {
        // 800 synthetic training images: by default 640 train (10 batches of 64), with 0.5 400 (7 batches)
        TestData.Run course = train(tmp.resolve("course"), "--epochs", "1", "--model", "softmax");
        assertEquals(0, course.exit(), course.err());
        assertTrue(course.out().contains(": 1 epoch of 10 batches"), course.out());
        Path out = tmp.resolve("half");
        TestData.Run half = train(out, "--epochs", "1", "--model", "softmax", "--val-fraction", "0.5");
        assertEquals(0, half.exit(), half.err());
        assertTrue(half.out().contains(" of 7 batches"), half.out());
        assertEquals(List.of(TestData.synthetic().toAbsolutePath().normalize().toString(), "validation fraction: 0.5"),
                Files.readAllLines(out.resolve(RunFolder.DATA_SOURCE)));

        TestData.Run resumed = nabla("train", "--resume", out.toString(), "--epochs", "2");
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.out().contains(" of 7 batches"), "a resumed run keeps its split: " + resumed.out());
        TestData.Run changed = nabla("train", "--resume", out.toString(), "--epochs", "3", "--val-fraction", "0.2");
        assertEquals(2, changed.exit(), changed.err());
        assertEquals("nabla train: --val-fraction 0.2 cannot be changed when resuming " + out
                + ", which validates on the last 0.5 of its training file\n", changed.err());
        TestData.Run bad = train(tmp.resolve("bad"), "--val-fraction", "1");
        assertEquals(2, bad.exit());
        assertEquals("nabla train: --val-fraction 1 is not allowed: expected a number in [0, 1)\n", bad.err());
        assertFalse(Files.exists(tmp.resolve("bad")), "nothing is written before the input is checked");
    }

    @Test
    void aDivergedRunExitsOneAndKeepsItsFiles() throws IOException {
        Path out = tmp.resolve("run");
        TestData.Run r = train(out, "--epochs", "3", "--lr", "1e30", "--hidden", "8");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("diverged"), r.err());
        assertTrue(r.err().contains("(learning rate 1e+30); try a smaller learning rate, e.g. 1e+29"), r.err());
        Map<String, Object> res = json(out.resolve("results.json"));
        assertEquals("diverged", res.get("status"));
        assertTrue(Files.isRegularFile(out.resolve("config.yaml")));
        assertTrue(Files.isRegularFile(out.resolve("history.csv")));
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void aCourseConfigWithMomentumSaysTheMomentumIsIgnored() throws IOException {
        Path cfg = tmp.resolve("course.yaml");
        Files.writeString(cfg, RunConfigTest.COURSE_TWOLAYER.replace("epochs: 7", "epochs: 1").replace("hidden_size: 100", "hidden_size: 8"));
        TestData.Run r = train(tmp.resolve("run"), "--config", cfg.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().startsWith("note: " + cfg + " is in the course's format, whose optimizer ignores momentum"
                + " (Train.momentum = 0.9); nabla ignores it too."), r.err());
        Map<String, Object> res = json(tmp.resolve("run").resolve("results.json"));
        assertEquals(0.0, ((Map<?, ?>) res.get("config")).get("momentum"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
