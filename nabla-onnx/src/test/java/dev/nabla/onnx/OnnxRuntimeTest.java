package dev.nabla.onnx;

import ai.onnxruntime.OrtEnvironment;
import dev.nabla.data.ImageSet;
import dev.nabla.nn.Module;
import dev.nabla.onnx.OnnxGraph.Attribute;
import dev.nabla.onnx.OnnxGraph.Dim;
import dev.nabla.onnx.OnnxGraph.Graph;
import dev.nabla.onnx.OnnxGraph.Initializer;
import dev.nabla.onnx.OnnxGraph.Model;
import dev.nabla.onnx.OnnxGraph.Node;
import dev.nabla.onnx.OnnxGraph.ValueInfo;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static dev.nabla.onnx.OnnxFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ONNX Runtime (its Java binding, a test dependency with its natives inside the jar) runs every kind of model
 * nabla exports on 1,000 real MNIST test images and gives nabla's outputs to 1e-5. The runtime is a plain
 * dependency: when its natives cannot load, these tests fail, they never skip.
 */
class OnnxRuntimeTest {

    @TestFactory
    Stream<DynamicTest> runtimeRunsEveryExportedModelType() {
        ImageSet images = OnnxFixtures.mnistTest(1000);
        return OnnxFixtures.models().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Module model = e.getValue();
            byte[] onnx = Onnx.toBytes(model, 784, Map.of(Onnx.DESCRIPTION_KEY, e.getKey()));
            float[] ours = OnnxFixtures.forward(model, images);
            float[] theirs = OnnxFixtures.runtime(onnx, images.pixels(), images.count(), images.features());
            assertClose(ours, theirs, e.getKey());
        }));
    }

    @Test
    void runtimeSeesNamedInputAndOutputWithDynamicBatchAndTheDescription() throws Exception {
        Module model = OnnxFixtures.models().get("twolayer");
        byte[] onnx = Onnx.toBytes(model, 784, Map.of(Onnx.DESCRIPTION_KEY, "twolayer 784-128-10 sigmoid"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (var session = env.createSession(onnx)) {
            assertEquals(List.of(Onnx.INPUT_NAME), List.copyOf(session.getInputNames()));
            assertEquals(List.of(Onnx.OUTPUT_NAME), List.copyOf(session.getOutputNames()));
            var info = (ai.onnxruntime.TensorInfo) session.getInputInfo().get(Onnx.INPUT_NAME).getInfo();
            assertArrayEquals(new long[] {-1, 784}, info.getShape());
            assertEquals("twolayer 784-128-10 sigmoid", session.getMetadata().getCustomMetadata().get(Onnx.DESCRIPTION_KEY));
            assertEquals("nabla", session.getMetadata().getProducerName());
            // the batch dimension is dynamic: batches of 1 and 7 both run
            for (int n : new int[] {1, 7}) {
                ImageSet images = OnnxFixtures.mnistTest(n);
                assertClose(OnnxFixtures.forward(model, images),
                        OnnxFixtures.runtime(onnx, images.pixels(), n, 784), "batch of " + n);
            }
        }
    }

    /**
     * A MatMul + Add graph (how some exporters write a linear layer) runs the same in the runtime and in the
     * nabla model imported from it, which folds the Add into a Linear's bias.
     */
    @Test
    void matMulPlusAddImportsAsLinearAndAgreesWithTheRuntime() throws Exception {
        Random rng = new Random(11);
        NDArray w1 = NDArray.randn(rng, dev.nabla.tensor.DType.F32, 784, 24).mul(NDArray.scalar(0.05, dev.nabla.tensor.DType.F32));
        NDArray b1 = NDArray.randn(rng, dev.nabla.tensor.DType.F32, 24);
        NDArray w2 = NDArray.randn(rng, dev.nabla.tensor.DType.F32, 24, 10);
        List<Node> nodes = List.of(
                new Node("mm1", "MatMul", "", List.of("x", "w1"), List.of("h0"), List.of()),
                new Node("add1", "Add", "", List.of("h0", "b1"), List.of("h1"), List.of()),
                new Node("act", "LeakyRelu", "", List.of("h1"), List.of("h2"), List.of(Attribute.of("alpha", 0.2f))),
                new Node("mm2", "MatMul", "", List.of("h2", "w2"), List.of("y"), List.of()));
        Graph g = new Graph("g", nodes, List.of(new Initializer("w1", w1), new Initializer("b1", b1), new Initializer("w2", w2)),
                List.of(new ValueInfo("x", OnnxGraph.FLOAT, List.of(new Dim(-1, "N"), new Dim(784, "")))),
                List.of(new ValueInfo("y", OnnxGraph.FLOAT, List.of(new Dim(-1, "N"), new Dim(10, "")))));
        byte[] onnx = OnnxCodec.encode(new Model(7, 13, "test", "", "", Map.of(), g));
        OnnxModel m = Onnx.read(onnx, "matmul.onnx");
        assertEquals(3, m.model().size());
        ImageSet images = OnnxFixtures.mnistTest(500);
        assertClose(OnnxFixtures.runtime(onnx, images.pixels(), 500, 784), OnnxFixtures.forward(m.model(), images), "MatMul+Add");
    }
}
