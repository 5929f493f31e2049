package dev.nabla.models;

import dev.nabla.autograd.Tensor;
import dev.nabla.io.NamedArray;
import dev.nabla.io.SafeTensors;
import dev.nabla.nn.Sequential;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A state dict saved by PyTorch loads into the same architecture and gives PyTorch's logits; nabla's state dict
 * saved back has PyTorch's names, shapes and dtype. The fixtures come from {@code bench/python/torch_interop.py},
 * which also checks (with {@code --check}) that PyTorch loads the file this test writes.
 */
class TorchInteropTest {
    /** nn.Sequential(Linear(6, 5), ReLU(), Linear(5, 3)) in nabla's terms. */
    private static final ModelSpec MLP = new ModelSpec("mlp", 6, new int[] {5}, "relu", 3, "xavier", 0);

    @Test
    void pytorchsStateDictGivesPytorchsLogitsAndNablasSavesBackInPytorchsForm() throws Exception {
        Path torchFile = ModelFileTest.resource("torch/mlp.safetensors");
        Sequential m = Models.build(MLP);
        ModelFile.loadInto(torchFile, m, true);
        Map<String, NamedArray> io = SafeTensors.readTensors(ModelFileTest.resource("torch/io.safetensors"));
        NDArray x = ModelFile.toNDArray(io.get("x")), want = ModelFile.toNDArray(io.get("logits"));
        NDArray got = m.forward(Tensor.of(x)).value();
        float[] g = got.toFloatArray(), w = want.toFloatArray();
        assertArrayEquals(new int[] {4, 3}, got.shape());
        for (int i = 0; i < g.length; i++) assertEquals(w[i], g[i], 1e-5, "logit " + i);

        Path out = Path.of("target", "torch-interop", "nabla-mlp.safetensors");
        Files.createDirectories(out.getParent());
        ModelFile.save(out, m, MLP);
        Map<String, NamedArray> torch = SafeTensors.readTensors(torchFile), ours = new LinkedHashMap<>(SafeTensors.readTensors(out));
        assertEquals(List.copyOf(torch.keySet()), List.copyOf(ours.keySet()));
        torch.forEach((k, a) -> assertEquals(a, ours.get(k), k));
    }
}
