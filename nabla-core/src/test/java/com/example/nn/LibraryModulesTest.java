package com.example.nn;

import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;
import dev.nabla.models.ModelFile;
import dev.nabla.nn.Linear;
import dev.nabla.nn.Module;
import dev.nabla.optim.AdamW;
import dev.nabla.optim.ParamGroup;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The modules section of docs/library.md, line for line: a model class of a user's own (outside nabla's packages,
 * public API only), its names, an optimizer with parameter groups, save and load.
 */
class LibraryModulesTest {

    /** x: [N, 784] -> logits [N, 10]. */
    static final class Net extends Module {
        private final Linear fc1 = register("fc1", new Linear(784, 128));
        private final Linear fc2 = register("fc2", new Linear(128, 10));

        @Override
        public Tensor forward(Tensor x) {
            return fc2.forward(fc1.forward(x).relu());
        }
    }

    @Test
    void aModelOfOnesOwnTrainsSavesAndLoads(@TempDir Path dir) {
        Net net = new Net();
        List<String> names = List.copyOf(net.namedParameters().keySet()); // [fc1.weight, fc1.bias, fc2.weight, fc2.bias]
        int[] shape = net.namedParameters().get("fc1.weight").shape();    // [128, 784]: PyTorch's [out, in]

        AdamW opt = new AdamW(ParamGroup.decayMatricesOnly(net), 1e-3, 0.9, 0.999, 1e-8, 0.01); // biases: no decay
        NDArray x = NDArray.uniform(new java.util.Random(1), 0, 1, DType.F32, 64, 784);
        int[] y = new java.util.Random(2).ints(64, 0, 10).toArray();
        for (int step = 0; step < 3; step++) {
            opt.zeroGrad();
            Tensor loss = Functional.crossEntropy(net.forward(Tensor.of(x)), y);
            loss.backward();
            opt.step();
        }

        Path file = dir.resolve("net.safetensors");
        ModelFile.save(file, net, null, opt.state(), Map.of());   // state dict + optimizer state by parameter name
        Net copy = new Net();
        Map<String, NDArray> optState = ModelFile.loadInto(file, copy, true);

        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), names);
        assertArrayEquals(new int[] {128, 784}, shape);
        assertEquals(3.0, optState.get("step").item());
        assertArrayEquals(net.forward(Tensor.of(x)).value().toFloatArray(), copy.forward(Tensor.of(x)).value().toFloatArray());
    }
}
