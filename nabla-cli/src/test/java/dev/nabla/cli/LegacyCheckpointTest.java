package dev.nabla.cli;

import dev.nabla.cli.run.RunFolder;
import dev.nabla.io.SafeTensors;
import dev.nabla.models.ModelFile;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.tensor.NDArray;
import dev.nabla.train.TrainState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Run folders written before state dicts: their checkpoint names the parameters as the course does ({@code W1}
 * [in, out], {@code b1}, ...) and so do the optimizer's buffers ({@code W1.momentum}). The fixtures were written by
 * {@code nabla train} at commit e27708f^ (the last one with that layout) on {@link TestData#synthetic(Path, int)}'s
 * digits with 15,000 training images, of which that version validated on the last 12,000:
 * {@code legacy-run/} by {@code --hidden 8 --momentum 0.9 --threads 1 --epochs 1} (charts and data-source.txt
 * left out), {@code legacy-run-2-epochs-checkpoint.safetensors} by the same run with {@code --epochs 2}.
 */
class LegacyCheckpointTest {

    @TempDir
    Path tmp;

    private static Path resource(String name) throws Exception {
        return Path.of(LegacyCheckpointTest.class.getResource(name).toURI());
    }

    private Path copyOfLegacyRun() throws Exception {
        Path from = resource("legacy-run/config.yaml").getParent(), run = tmp.resolve("run");
        Files.createDirectories(run);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, run.resolve(f.getFileName()));
        }
        return run;
    }

    /** The weights a checkpoint holds under {@code weights.}, in the course's names as stored. */
    private static Map<String, NDArray> legacyWeights(Path checkpoint) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        SafeTensors.readExact(checkpoint).tensors().forEach((k, a) -> {
            if (k.startsWith("weights.")) out.put(k.substring("weights.".length()), ModelFile.toNDArray(a));
        });
        return out;
    }

    @Test
    void itsWeightsAndMomentumBuffersAreRenamedAndTransposed() throws Exception {
        RunFolder.Checkpoint old = new RunFolder(copyOfLegacyRun()).readCheckpoint();
        Module model = Models.build(ModelSpec.courseTwoLayer().withHidden(8));
        TrainState s = old.inNamesOf(model).state();
        Map<String, NDArray> was = old.state().weights(), opt = old.state().optimizerState();
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(s.weights().keySet()));
        assertEquals(List.of("step", "0.weight.momentum", "0.bias.momentum", "2.weight.momentum", "2.bias.momentum"),
                List.copyOf(s.optimizerState().keySet()));
        assertArrayEquals(new int[] {784, 8}, was.get("W1").shape());
        assertArrayEquals(new int[] {8, 784}, s.weights().get("0.weight").shape());
        assertArrayEquals(was.get("W1").t().contiguous().toFloatArray(), s.weights().get("0.weight").toFloatArray());
        assertArrayEquals(was.get("b2").toFloatArray(), s.weights().get("2.bias").toFloatArray());
        assertArrayEquals(old.state().bestWeights().get("W2").t().contiguous().toFloatArray(),
                s.bestWeights().get("2.weight").toFloatArray());
        assertArrayEquals(opt.get("W1.momentum").t().contiguous().toFloatArray(),
                s.optimizerState().get("0.weight.momentum").toFloatArray());
        assertEquals(opt.get("step").item(), s.optimizerState().get("step").item());
        model.loadWeights(s.weights()); // loads without a complaint

        RunFolder.Checkpoint current = old.inNamesOf(model);
        assertSame(current, current.inNamesOf(model), "a checkpoint in the model's names is left as it is");
    }

    @Test
    void resumingItContinuesWithTheBitsTheOldVersionGotUninterrupted() throws Exception {
        Path run = copyOfLegacyRun();
        Path data = TestData.synthetic(Files.createDirectories(tmp.resolve("digits")), 15_000);
        // that version validated on the last 12,000 images: 0.8 of this training file
        TestData.Run r = nabla("train", "--resume", run.toString(), "--epochs", "2", "--data", data.toString(),
                "--val-fraction", "0.8");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("resuming " + run + " after epoch 1 of 2"), r.out());

        Map<String, NDArray> want = legacyWeights(resource("legacy-run-2-epochs-checkpoint.safetensors"));
        TrainState got = new RunFolder(run).readCheckpoint().state();
        assertEquals(2, got.epochsDone());
        assertArrayEquals(want.get("W1").t().contiguous().toFloatArray(), got.weights().get("0.weight").toFloatArray());
        assertArrayEquals(want.get("b1").toFloatArray(), got.weights().get("0.bias").toFloatArray());
        assertArrayEquals(want.get("W2").t().contiguous().toFloatArray(), got.weights().get("2.weight").toFloatArray());
        assertArrayEquals(want.get("b2").toFloatArray(), got.weights().get("2.bias").toFloatArray());
        // the model file is rewritten in the current names, and loads in one call
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"),
                List.copyOf(ModelFile.load(run.resolve("model.safetensors")).model().stateDict().keySet()));
    }
}
