package dev.nabla.onnx;

import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.ImageSet;
import dev.nabla.nn.ModelFile;
import dev.nabla.nn.ModelSpec;
import dev.nabla.nn.Models;
import dev.nabla.nn.Module;
import dev.nabla.optim.SGD;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** nabla -> ONNX -> nabla gives the same outputs bit for bit; the imported model trains and saves. */
class OnnxRoundTripTest {

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> roundTripGivesTheSameOutputsBitForBit() {
        ImageSet images = OnnxFixtures.mnistTest(300);
        return OnnxFixtures.models().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Path file = dir.resolve(e.getKey() + ".onnx");
            Onnx.export(e.getValue(), 784, file, e.getKey());
            OnnxModel back = Onnx.load(file);
            assertEquals(784, back.inputSize());
            assertEquals(10, back.outputSize());
            assertEquals(e.getKey(), back.description());
            assertEquals(Onnx.OPSET, back.opset());
            assertEquals(e.getValue().stateDict().keySet(), back.model().stateDict().keySet());
            assertArrayEquals(OnnxFixtures.forward(e.getValue(), images), OnnxFixtures.forward(back.model(), images));
        }));
    }

    @Test
    void float64ModelsRoundTripInFloat64() {
        Module model = Models.build(ModelSpec.courseTwoLayer().withInit("xavier", 9)).to(DType.F64);
        OnnxModel back = Onnx.read(Onnx.toBytes(model, 784, Map.of()), "f64.onnx");
        assertEquals(DType.F64, back.model().dtype());
        Tensor x = Tensor.of(NDArray.of(OnnxFixtures.mnistTest(20).pixels().clone(), 20, 784).to(DType.F64));
        assertArrayEquals(model.forward(x).value().toDoubleArray(), back.model().forward(x).value().toDoubleArray());
    }

    @Test
    void exportFromAModelFileKeepsItsSpecAndSummary() {
        Path model = dir.resolve("model.safetensors");
        ModelSpec spec = ModelSpec.courseTwoLayer();
        ModelFile.save(model, Models.build(spec), spec);
        Path onnx = dir.resolve("model.onnx");
        Onnx.export(ModelFile.load(model), onnx);
        OnnxModel back = Onnx.load(onnx);
        assertEquals(spec.summary(), back.description());
        assertEquals("nabla 0.1.0", back.producer());
        assertEquals(spec, ModelFile.specFromMap(
                dev.nabla.io.Json.parseObject(back.metadata().get(ModelFile.SPEC_KEY), "spec"), "spec"));
    }

    /** An imported model fine-tunes (a step lowers its loss on the batch) and saves as a nabla model file. */
    @Test
    void importedModelFineTunesAndSaves() {
        Module source = OnnxFixtures.models().get("mlp-relu");
        OnnxModel m = Onnx.read(Onnx.toBytes(source, 784, Map.of()), "mlp.onnx");
        ImageSet batch = OnnxFixtures.mnistTest(256);
        Tensor x = Tensor.of(batch.pixels().clone(), batch.count(), 784);
        SGD opt = new SGD(m.model().namedParameters(), 0.05, 0.0, false, 0.0);
        double before = Functional.crossEntropy(m.model().forward(x), batch.labels()).item();
        for (int i = 0; i < 5; i++) {
            opt.zeroGrad();
            Tensor loss = Functional.crossEntropy(m.model().forward(x), batch.labels());
            loss.backward();
            opt.step();
        }
        double after = Functional.crossEntropy(m.model().forward(x), batch.labels()).item();
        assertFalse(after >= before, "loss " + before + " -> " + after);

        Path saved = dir.resolve("tuned.safetensors");
        ModelFile.save(saved, m.model(), null);
        ModelFile.Loaded again = ModelFile.load(saved);
        assertArrayEquals(OnnxFixtures.forward(m.model(), batch), OnnxFixtures.forward(again.model(), batch));
        assertFalse(Arrays.equals(OnnxFixtures.forward(source, batch), OnnxFixtures.forward(again.model(), batch)));
    }
}
