package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.io.Json;
import dev.nabla.models.ModelFile;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Models of any of the library's layers save without a spec and ModelFile.load rebuilds them from their layers. */
class ArchitectureTest {

    @Test
    void everyLayerRoundTripsThroughItsDescription(@TempDir Path dir) {
        Random rng = new Random(1);
        Sequential model = new Sequential(new ToImage(1, 12, 12),
                new Conv2d(1, 4, new Window(3, 3, 1, 1, 1, 1, 1, 1, Window.Padding.CIRCULAR), 1, true, rng), new GELU(),
                new BatchNorm2d(4, 1e-3, 0.2), new AvgPool2d(Window.square(3, 2, 1)),
                new Conv2d(4, 4, new Window(3, 3, 1, 1, 0, 0, 2, 1, Window.Padding.ZEROS), 2, false, rng),
                new LeakyReLU(0.2), new MaxPool2d(2), new Flatten(), new Dropout(0.25, 3), new Linear(8, 6),
                new BatchNorm1d(6), new Sigmoid(), new Tanh(), new ReLU(), new Linear(6, 3, false),
                new LogSoftmax(), new Softmax());
        model.train();
        Tensor x = Tensor.of(NDArray.uniform(new Random(2), 0, 1, DType.F32, 5, 144));
        model.forward(x); // moves batch norm's running statistics
        model.eval();
        Path file = dir.resolve("m.safetensors");
        ModelFile.save(file, model, null);
        ModelFile.Loaded back = ModelFile.load(file);
        assertNull(back.spec());
        assertEquals(144, back.inputSize());
        back.model().eval();
        assertEquals(model.toString(), back.model().toString());
        assertArrayEquals(model.forward(x).value().toFloatArray(), back.model().forward(x).value().toFloatArray());
    }

    @Test
    void aDescriptionThatIsNotALayerIsNamed() {
        InputException e = assertThrows(InputException.class,
                () -> Architecture.build(Json.parse("[{\"Conv2d\":{\"in\":1}}]"), "m.safetensors"));
        assertEquals("m.safetensors: the layer {\"Conv2d\":{\"in\":1.0}} lacks a setting or has one of the wrong type", e.getMessage());
        e = assertThrows(InputException.class, () -> Architecture.build(List.of("Swish"), "m.safetensors"));
        assertEquals("m.safetensors: \"Swish\" is not a layer (expected a list of layers, \"ReLU\", \"Sigmoid\", \"Tanh\", \"GELU\","
                + " \"Flatten\", \"GlobalAvgPool2d\", or {\"Linear\"|\"Conv2d\"|\"MaxPool2d\"|\"AvgPool2d\"|\"BatchNorm1d\"|\"BatchNorm2d\""
                + "|\"ToImage\"|\"Dropout\"|\"LeakyReLU\"|\"Softmax\"|\"LogSoftmax\": {settings}})", e.getMessage());
    }
}
