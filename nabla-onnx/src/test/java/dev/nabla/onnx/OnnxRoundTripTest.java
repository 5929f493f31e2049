package dev.nabla.onnx;

import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.ImageSet;
import dev.nabla.models.ModelFile;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            assertEquals(e.getKey().equals("every-layer") ? 20 : Onnx.OPSET, back.opset()); // GELU needs opset 20
            assertEquals(e.getValue().stateDict().keySet(), back.model().stateDict().keySet());
            // the file's weights carry the state-dict names (buffers and Dropout's ratio are initializers too)
            assertTrue(OnnxCodec.decode(java.nio.file.Files.readAllBytes(file), "f").graph().initializers().stream()
                    .map(OnnxGraph.Initializer::name).toList().containsAll(e.getValue().namedParameters().keySet()));
            assertEquals(e.getValue().toString(), back.model().toString()); // the same layers with the same settings
            assertArrayEquals(OnnxFixtures.forward(e.getValue(), images), OnnxFixtures.forward(back.model(), images));
        }));
    }

    /**
     * A model imported from ONNX saves as a nabla model file that describes its layers, and ModelFile.load
     * rebuilds it in one call with the same outputs bit for bit.
     */
    @TestFactory
    Stream<DynamicTest> importedModelsSaveAndReloadInOneCall() {
        ImageSet images = OnnxFixtures.mnistTest(100);
        return OnnxFixtures.models().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            OnnxModel m = Onnx.read(Onnx.toBytes(e.getValue(), 784, Map.of()), e.getKey() + ".onnx");
            Path saved = dir.resolve(e.getKey() + ".safetensors");
            ModelFile.save(saved, m.model(), null);
            ModelFile.Loaded again = ModelFile.load(saved);
            again.model().eval();
            assertEquals(m.model().toString(), again.model().toString());
            assertArrayEquals(OnnxFixtures.forward(m.model(), images), OnnxFixtures.forward(again.model(), images));
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

    /**
     * Weights as float_data (packed) with dims one field each, and attributes as written by other exporters,
     * read like nabla's raw data: Gemm(x, W [2, 3], transB=1) of x = [1, 2, 3] is [1*1+2*2+3*3, 1*4+2*5+3*6].
     */
    @Test
    void floatDataAndUnpackedDimsAreRead() throws Exception {
        byte[] tensor = OnnxFixtures.message(o -> {
            o.writeInt64(1, 2);
            o.writeInt64(1, 3);
            o.writeInt32(2, OnnxGraph.FLOAT);
            byte[] packed = OnnxFixtures.message(p -> {
                for (int v = 1; v <= 6; v++) p.writeFloatNoTag(v);
            });
            o.writeByteArray(4, packed);
            o.writeString(8, "W");
        });
        byte[] attr = OnnxFixtures.message(o -> {
            o.writeString(1, "transB");
            o.writeInt64(3, 1);
            o.writeEnum(20, OnnxGraph.ATTR_INT);
        });
        byte[] node = OnnxFixtures.message(o -> {
            o.writeString(1, "x");
            o.writeString(1, "W");
            o.writeString(2, "y");
            o.writeString(4, "Gemm");
            o.writeByteArray(5, attr);
        });
        byte[] floatType = OnnxFixtures.message(t -> t.writeByteArray(1, OnnxFixtures.message(u -> u.writeInt32(1, OnnxGraph.FLOAT))));
        byte[] x = OnnxFixtures.message(o -> {
            o.writeString(1, "x");
            o.writeByteArray(2, floatType);
        });
        byte[] y = OnnxFixtures.message(o -> o.writeString(1, "y"));
        byte[] graph = OnnxFixtures.message(o -> {
            o.writeByteArray(1, node);
            o.writeByteArray(5, tensor);
            o.writeByteArray(11, x);
            o.writeByteArray(12, y);
        });
        byte[] opset = OnnxFixtures.message(o -> o.writeInt64(2, 13));
        byte[] model = OnnxFixtures.message(o -> {
            o.writeInt64(1, 7);
            o.writeByteArray(7, graph);
            o.writeByteArray(8, opset);
        });
        OnnxModel m = Onnx.read(model, "float-data.onnx");
        assertEquals(3, m.inputSize());
        assertArrayEquals(new float[] {14, 32}, m.model().forward(Tensor.of(new float[] {1, 2, 3}, 1, 3)).value().toFloatArray());
    }
}
