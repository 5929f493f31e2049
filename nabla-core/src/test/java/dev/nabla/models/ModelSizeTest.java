package dev.nabla.models;

import dev.nabla.InputException;
import dev.nabla.nn.Parameter;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSizeTest {

    @Test
    void countsWhatBuildCreates() {
        for (ModelSpec s : new ModelSpec[] {ModelSpec.courseTwoLayer(), ModelSpec.courseSoftmax(),
                new ModelSpec("mlp", 784, new int[] {64, 32}, null, 10, "numpy", 1)}) {
            long built = Models.build(s).parameters().stream().mapToLong(Parameter::numel).sum();
            assertEquals(built, ModelSize.parameters(s), s.toString());
        }
        assertEquals(784 * 128 + 128 + 128 * 10 + 10, ModelSize.parameters(ModelSpec.courseTwoLayer()));
    }

    @Test
    void countsTheConvolutionalModelsToo() {
        ModelSpec lenet = new ModelSpec("lenet5", 784, new int[0], null, 10, "kaiming", 1);
        for (ModelSpec s : new ModelSpec[] {lenet, lenet.withType("LeNet5"), new ModelSpec("lenet5", 20 * 20, null, null, 3, "kaiming", 1),
                new ModelSpec("cnn", 784, new int[0], null, 10, "kaiming", 1),
                cnn(16 * 16, 5, new ModelSpec.Conv(new int[] {4, 8, 2}, 3, 128, 0, false)),
                cnn(20 * 20, 3, new ModelSpec.Conv(new int[] {5, 7}, 5, 16, 0.25, true))}) {
            // what a model file holds: the parameters and the buffers (batch norm's running statistics)
            long built = Models.build(s).stateDict().values().stream().mapToLong(NDArray::numel).sum();
            assertEquals(built, ModelSize.parameters(s), s.toString());
        }
        assertEquals(61_706, ModelSize.parameters(lenet));
        // 32 and 64 channels of 3 x 3, then 64 * 7 * 7 -> 128 -> 10
        assertEquals(32 * 9 + 32 + 64 * 32 * 9 + 64 + (64 * 7 * 7 + 1) * 128 + 129 * 10,
                ModelSize.parameters(new ModelSpec("cnn", 784, null, null, 10, "kaiming", 1)));
        // sizes build refuses are left to build: not a square, too small, too many poolings
        for (ModelSpec refused : new ModelSpec[] {cnn(784, 10, new ModelSpec.Conv(new int[] {8, 8, 8, 8, 8}, 3, 128, 0, false)),
                new ModelSpec("lenet5", 785, null, null, 10, "kaiming", 1), new ModelSpec("lenet5", 8 * 8, null, null, 10, "kaiming", 1)}) {
            assertEquals(0, ModelSize.parameters(refused), refused.toString());
            assertThrows(InputException.class, () -> Models.build(refused), refused.toString());
        }
    }

    @Test
    void aConvolutionalModelBeyondTheHeapIsRefusedBeforeItIsBuilt() {
        int channels = (int) Math.min(1 << 20, (long) Math.sqrt(Runtime.getRuntime().maxMemory() / 8.0 / 9) + 1000);
        ModelSpec huge = cnn(784, 10, new ModelSpec.Conv(new int[] {channels, channels}, 3, 128, 0, false));
        String m = assertThrows(InputException.class, () -> Models.build(huge)).getMessage();
        assertTrue(m.startsWith("model cnn 784-c" + channels + "-c" + channels + "-fc128-10 3x3: " + ModelSize.parameters(huge)
                + " parameters as float32 weights and their gradients, which would need "), m);
    }

    @Test
    void aConvolutionalModelFileMustHoldItsSpecsParameters() {
        ModelSpec spec = new ModelSpec("lenet5", 784, null, null, 10, "kaiming", 1);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("1.weight", NDArray.zeros(DType.F32, 6, 1, 5, 5));
        assertEquals("m.safetensors: its metadata describes model lenet5 784-10 with 61706 parameters,"
                        + " but the file holds 150 weights in 1 tensors",
                assertThrows(InputException.class, () -> ModelSize.checkFile("m.safetensors", spec, tensors)).getMessage());
    }

    @Test
    void aModelBeyondTheHeapIsRefusedBeforeItIsBuilt() {
        int hidden = (int) Math.min(1 << 30, Runtime.getRuntime().maxMemory() / 8 / 785 + 1000);
        ModelSpec huge = ModelSpec.courseTwoLayer().withHidden(hidden);
        long t0 = System.nanoTime();
        String m = assertThrows(InputException.class, () -> Models.build(huge)).getMessage();
        assertTrue(m.startsWith("model twolayer 784-" + hidden + "-10: " + ModelSize.parameters(huge)
                + " parameters as float32 weights and their gradients, which would need "), m);
        assertTrue((System.nanoTime() - t0) < 30e9, "refused without building");
    }

    @Test
    void aModelFileMustHoldTheParametersItsSpecDescribesAllFinite() {
        ModelSpec spec = ModelSpec.courseSoftmax().withHidden();
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("W1", NDArray.zeros(DType.F32, 784, 10));
        ModelSize.checkFile("m.safetensors", spec, tensors);

        ModelSpec asks = new ModelSpec("twolayer", 784, new int[] {2_000_000}, "sigmoid", 10, "numpy", 1);
        assertEquals("m.safetensors: its metadata describes model twolayer 784-2000000-10 with 1590000010 parameters,"
                        + " but the file holds 7840 weights in 1 tensors",
                assertThrows(InputException.class, () -> ModelSize.checkFile("m.safetensors", asks, tensors)).getMessage());

        tensors.get("W1").setFlat(10 * 3 + 7, Float.NaN);
        assertEquals("m.safetensors: weight W1[3, 7] is NaN; a model's weights must be finite (was it saved from a"
                        + " diverged run?)",
                assertThrows(InputException.class, () -> ModelSize.checkFile("m.safetensors", spec, tensors)).getMessage());
    }

    private static ModelSpec cnn(int inputSize, int classes, ModelSpec.Conv blocks) {
        return new ModelSpec("cnn", inputSize, null, null, classes, "kaiming", 1).withConv(blocks);
    }
}
