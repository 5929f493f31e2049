package dev.nabla.cli;

import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.run.RunFolder;
import dev.nabla.io.SafeTensors;
import dev.nabla.io.StoredArray;
import dev.nabla.tensor.DType;
import dev.nabla.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dtype} is a training setting: an option, a YAML key, a sweep parameter, echoed and kept on resume. */
class DTypeSettingTest {

    @TempDir
    Path tmp;

    private static void assertF64(Path safetensors) {
        for (StoredArray a : SafeTensors.readExact(safetensors).tensors().values()) assertEquals("F64", a.dtype(), safetensors.toString());
    }

    @Test
    void aYamlConfigTrainsInFloat64AndTheRunKeepsItWhenResumed() throws IOException {
        Path cfg = tmp.resolve("run.yaml");
        Files.writeString(cfg, "model: twolayer\nhidden: 8\nepochs: 1\ndtype: float64\n");
        Path run = tmp.resolve("run");
        TestData.Run r = nabla("train", "--config", cfg.toString(), "--data", TestData.synthetic().toString(), "--out", run.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("training twolayer 784-8-10 sigmoid, sgd lr=0.1 reg=0.001 batch=64 float64: 1 epoch"), r.out());
        String echoed = Files.readString(run.resolve("config.yaml"));
        assertTrue(echoed.contains("\ndtype: float64\n"), echoed);
        assertF64(run.resolve("model.safetensors"));

        TestData.Run change = nabla("train", "--resume", run.toString(), "--epochs", "2", "--dtype", "float32");
        assertEquals(2, change.exit(), change.err());
        assertTrue(change.err().contains("--dtype float32 cannot be changed when resuming"), change.err());

        // a config.yaml written before dtype was a setting: the checkpoint's float64 weights decide
        Files.writeString(run.resolve("config.yaml"), echoed.replace("dtype: float64\n", ""));
        TestData.Run resumed = nabla("train", "--resume", run.toString(), "--epochs", "2");
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("\ndtype: float64\n"));
        assertF64(run.resolve("model.safetensors"));
        new RunFolder(run).readCheckpoint().state().weights().forEach((k, w) -> assertEquals(DType.F64, w.dtype(), k));
    }

    @Test
    void theDefaultIsFloat32AndOverridesAndOptionsAreChecked() {
        TrainConfig d = RunConfig.defaults().resolve();
        assertEquals(DType.F32, d.dtype());
        assertTrue(RunConfig.toYaml(d).endsWith("dtype: float32\n"), RunConfig.toYaml(d));
        assertEquals(DType.F64, RunConfig.defaults().withOverrides(List.of("dtype=float64")).resolve().dtype());
        assertEquals(DType.F64, RunConfig.defaults().withOverrides(List.of("dtype=f64")).resolve().dtype());

        TestData.Run bad = nabla("train", "--data", TestData.synthetic().toString(), "--out", tmp.resolve("x").toString(),
                "--dtype", "float16");
        assertEquals(2, bad.exit());
        assertEquals("nabla train: --dtype float16 is not allowed: expected float32 or float64", bad.err().strip());
        assertFalse(Files.exists(tmp.resolve("x").resolve("config.yaml")));
    }

    @Test
    void gradcheckTakesTrainsDeclarationsWithItsOwnFloat64Default() {
        TestData.Run bad = nabla("gradcheck", "--model", "resnet", "--data", TestData.synthetic().toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--model resnet is not allowed: expected one of softmax, twolayer, mlp, lenet5, cnn"), bad.err());
        TestData.Run seed = nabla("gradcheck", "--seed", "x1", "--data", TestData.synthetic().toString());
        assertEquals(2, seed.exit());
        assertTrue(seed.err().contains("--seed x1 is not allowed: expected an integer"), seed.err());
        TestData.Run f32 = nabla("gradcheck", "--model", "softmax", "--dtype", "float32", "--range", "0:8",
                "--max-entries", "4", "--rtol", "1e-2", "--atol", "1e-4", "--data", TestData.synthetic().toString());
        assertTrue(f32.out().contains("(mean cross-entropy, float32)"), f32.out() + f32.err());
        TestData.Run f64 = nabla("gradcheck", "--model", "softmax", "--range", "0:8", "--max-entries", "4",
                "--data", TestData.synthetic().toString());
        assertEquals(0, f64.exit(), f64.out() + f64.err());
        assertTrue(f64.out().contains("(mean cross-entropy, float64)"), f64.out());
    }
}
