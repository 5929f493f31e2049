package dev.nabla.onnx;

import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.io.NamedArray;
import dev.nabla.io.Npy;
import dev.nabla.nn.Linear;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Models exported by PyTorch's {@code torch.onnx.export} (bench/python/onnx_fixtures.py wrote them and their
 * outputs on fixed inputs) import into nabla and give PyTorch's outputs to 1e-5.
 */
class OnnxPyTorchTest {

    @ParameterizedTest
    @ValueSource(strings = {"torch_mlp", "torch_mlp_softmax"})
    @SuppressWarnings("try")
    void pyTorchExportImportsAndGivesPyTorchsOutputs(String name) throws Exception {
        OnnxModel m = Onnx.load(resource(name + ".onnx"));
        NamedArray inputs = Npy.readFloats(resource("torch_inputs.npy"));
        NamedArray expected = Npy.readFloats(resource(name + "_outputs.npy"));
        assertEquals(784, m.inputSize());
        assertEquals(10, m.outputSize());
        assertEquals("input", m.inputName());
        assertEquals("output", m.outputName());
        assertInstanceOf(Linear.class, m.model().get(0));
        float[] ours;
        try (var off = Grad.disabled()) {
            ours = m.model().forward(Tensor.of(inputs.data(), inputs.shape())).value().toFloatArray();
        }
        OnnxFixtures.assertClose(expected.data(), ours, name);
        if (name.equals("torch_mlp_softmax")) {
            assertEquals(List.of("Linear", "LeakyReLU", "Linear", "Sigmoid", "Linear", "Softmax"),
                    m.model().layers().stream().map(l -> l.getClass().getSimpleName()).toList());
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(OnnxPyTorchTest.class.getResource("/onnx/" + name).toURI());
    }
}
