package dev.nabla.onnx;

import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.ImageSet;
import dev.nabla.datasets.mnist.TestMnist;
import dev.nabla.io.Json;
import dev.nabla.io.NamedArray;
import dev.nabla.io.Npy;
import dev.nabla.nn.AvgPool2d;
import dev.nabla.nn.BatchNorm2d;
import dev.nabla.nn.Conv2d;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.GlobalAvgPool2d;
import dev.nabla.nn.LeakyReLU;
import dev.nabla.nn.Linear;
import dev.nabla.nn.MaxPool2d;
import dev.nabla.models.ModelFile;
import dev.nabla.nn.Module;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sequential;
import dev.nabla.nn.ToImage;
import dev.nabla.nn.Window;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models made by PyTorch (bench/python/onnx_fixtures.py wrote them, their outputs on fixed inputs, their state
 * dicts and the trained model's test accuracy) import into nabla and give PyTorch's outputs to 1e-5, and the
 * model trained in PyTorch classifies exactly as many MNIST test images correctly in nabla. Where PyTorch is
 * installed the script is run again into a temporary folder: its untrained models must equal the committed
 * fixtures, and every model it writes, the trained one included, must import with its outputs and accuracy;
 * without PyTorch the committed fixtures are checked alone.
 */
class OnnxPyTorchTest {
    private static final List<String> MODELS = List.of("torch_mlp", "torch_mlp_softmax", "torch_cnn", "torch_trained");

    @TestFactory
    Stream<DynamicTest> pyTorchExportsImportAndGivePyTorchsOutputs() throws Exception {
        Path committed = committed();
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : MODELS) tests.add(DynamicTest.dynamicTest(name, () -> assertImportsLikePyTorch(committed, name)));
        Path regenerated = regenerate();
        if (regenerated != null) {
            for (String name : MODELS) {
                tests.add(DynamicTest.dynamicTest("re-run script: " + name, () -> {
                    // the untrained models are the same on any CPU; the trained one is not (below)
                    if (!name.equals("torch_trained")) {
                        OnnxFixtures.assertClose(outputs(committed, name), outputs(regenerated, name), name + " outputs of the re-run");
                    }
                    assertImportsLikePyTorch(regenerated, name);
                }));
            }
            // PyTorch's kernels round differently on CPUs of other vector widths, and a training pass compounds
            // that (on an AVX2 CPU the fixtures of an AVX-512 one came out 9,446 correct against 9,530): the re-run's
            // trained model is checked against the re-run's own accuracy, not the committed one's
            tests.add(DynamicTest.dynamicTest("re-run script: trained accuracy", () ->
                    assertHasPyTorchsTestAccuracy(regenerated)));
        }
        return tests.stream();
    }

    @SuppressWarnings("try")
    private static void assertImportsLikePyTorch(Path dir, String name) throws IOException {
        OnnxModel m = Onnx.load(dir.resolve(name + ".onnx"));
        NamedArray inputs = Npy.readFloats(dir.resolve("torch_inputs.npy"));
        assertEquals(784, m.inputSize());
        assertEquals(10, m.outputSize());
        assertEquals("input", m.inputName());
        assertEquals("output", m.outputName());
        float[] ours;
        try (var off = Grad.disabled()) {
            ours = m.model().forward(Tensor.of(inputs.data(), inputs.shape())).value().toFloatArray();
        }
        OnnxFixtures.assertClose(outputs(dir, name), ours, name);
        List<String> layers = m.model().layers().stream().map(l -> l.getClass().getSimpleName()).toList();
        switch (name) {
            case "torch_mlp" -> assertInstanceOf(Linear.class, m.model().get(0));
            case "torch_mlp_softmax" -> assertEquals(List.of("Linear", "LeakyReLU", "Linear", "Sigmoid", "Linear", "Softmax"), layers);
            // [N, 1, 28, 28] input: a ToImage first; torch's AvgPool2d comes as a zero Pad folded into the pool
            case "torch_cnn" -> assertEquals(List.of("ToImage", "Conv2d", "ReLU", "BatchNorm2d", "MaxPool2d", "Conv2d", "LeakyReLU",
                    "AvgPool2d", "Conv2d", "ReLU", "GlobalAvgPool2d", "Linear"), layers);
            default -> assertEquals("ToImage", layers.get(0));
        }
    }

    /** PyTorch's state dicts (safetensors) load by name into the same architecture built in nabla. */
    @Test
    @SuppressWarnings("try")
    void pyTorchStateDictsLoadIntoTheSameNablaArchitecture() throws Exception {
        NamedArray inputs = Npy.readFloats(committed().resolve("torch_inputs.npy"));
        Tensor images = Tensor.of(inputs.data(), inputs.shape()[0], 1, 28, 28);
        for (String name : List.of("torch_cnn", "torch_trained")) {
            Module model = name.equals("torch_cnn") ? torchCnn() : torchTrained();
            ModelFile.loadInto(committed().resolve(name + ".safetensors"), model, true);
            model.eval();
            try (var off = Grad.disabled()) {
                OnnxFixtures.assertClose(outputs(committed(), name), model.forward(images).value().toFloatArray(), name);
            }
        }
    }

    /** The model trained in PyTorch gets PyTorch's accuracy on the 10,000 MNIST test images, imported either way. */
    @Test
    void modelTrainedInPyTorchHasItsTestAccuracyInNabla() throws Exception {
        assertHasPyTorchsTestAccuracy(committed());
    }

    private static void assertHasPyTorchsTestAccuracy(Path dir) throws IOException {
        Map<String, Object> recorded = accuracy(dir);
        ImageSet test = dev.nabla.datasets.mnist.Mnist.load(TestMnist.folder()).test();
        assertEquals(((Number) recorded.get("test_images")).intValue(), test.count());
        int expected = ((Number) recorded.get("correct")).intValue();
        assertTrue(expected > 9000, "the fixture's model is trained: " + expected + " of 10000");

        OnnxModel imported = Onnx.load(dir.resolve("torch_trained.onnx"));
        assertEquals(expected, correct(imported.model(), test), "correct test images, model read from ONNX");
        Module fromStateDict = new Sequential(new ToImage(1, 28, 28), torchTrained());
        ModelFile.loadInto(dir.resolve("torch_trained.safetensors"), ((Sequential) fromStateDict).get(1), true);
        fromStateDict.eval();
        assertEquals(expected, correct(fromStateDict, test), "correct test images, model from the state dict");
    }

    private static int correct(Module model, ImageSet test) {
        int correct = 0;
        for (int from = 0; from < test.count(); from += 1000) {
            ImageSet batch = test.slice(from, Math.min(test.count(), from + 1000));
            float[] out = OnnxFixtures.forward(model, batch);
            for (int i = 0; i < batch.count(); i++) {
                int best = 0;
                for (int k = 1; k < 10; k++) if (out[i * 10 + k] > out[i * 10 + best]) best = k;
                if (best == batch.labels()[i]) correct++;
            }
        }
        return correct;
    }

    /** The script's cnn(): conv, ReLU, batch norm, max pool, grouped conv, LeakyReLU, avg pool, dilated conv, ... */
    private static Module torchCnn() {
        Random rng = new Random(0);
        return new Sequential(new Conv2d(1, 4, Window.square(3, 1, 1), 1, true, rng), new ReLU(), new BatchNorm2d(4),
                new MaxPool2d(2), new Conv2d(4, 8, Window.square(3, 1, 1), 2, true, rng), new LeakyReLU(0.1), new AvgPool2d(2),
                new Conv2d(8, 16, new Window(3, 3, 1, 1, 0, 0, 2, 2, Window.Padding.ZEROS), 1, true, rng), new ReLU(),
                new GlobalAvgPool2d(), new Flatten(), new Linear(16, 10));
    }

    /** The script's trained_model(). */
    private static Module torchTrained() {
        Random rng = new Random(0);
        return new Sequential(new Conv2d(1, 6, Window.square(5, 1, 0), 1, true, rng), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 12, Window.square(5, 1, 0), 1, true, rng), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(12 * 4 * 4, 10));
    }

    private static float[] outputs(Path dir, String name) {
        return Npy.readFloats(dir.resolve(name + "_outputs.npy")).data();
    }

    private static Map<String, Object> accuracy(Path dir) throws IOException {
        Path f = dir.resolve("torch_trained_accuracy.json");
        return Json.parseObject(Files.readString(f), f.toString());
    }

    private static Path committed() throws URISyntaxException {
        return Path.of(OnnxPyTorchTest.class.getResource("/onnx/torch_inputs.npy").toURI()).getParent();
    }

    /**
     * Runs bench/python/onnx_fixtures.py into target/onnx-fixtures when /usr/bin/python3 imports torch; null when
     * it does not (the committed fixtures are then checked alone). A script that starts and fails fails the test.
     */
    private static Path regenerate() throws IOException, InterruptedException {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python) || run(List.of(python.toString(), "-c", "import torch, numpy"), null) != 0) return null;
        Path script = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && script == null; p = p.getParent()) {
            Path s = p.resolve("bench/python/onnx_fixtures.py");
            if (Files.isRegularFile(s)) script = s;
        }
        assertTrue(script != null, "bench/python/onnx_fixtures.py not found above " + Path.of("").toAbsolutePath());
        Path out = Path.of("target", "onnx-fixtures").toAbsolutePath();
        Files.createDirectories(out);
        Path log = out.resolve("script.log");
        int rc = run(List.of(python.toString(), script.toString(), "--out", out.toString(), "--data", TestMnist.folder().toString()), log);
        assertEquals(0, rc, "onnx_fixtures.py failed:\n" + Files.readString(log, StandardCharsets.UTF_8));
        return out;
    }

    private static int run(List<String> command, Path log) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
