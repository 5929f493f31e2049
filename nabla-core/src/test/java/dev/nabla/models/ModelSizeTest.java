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
}
