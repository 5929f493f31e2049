package com.example.onnx;

import dev.nabla.InputException;
import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;
import dev.nabla.models.ModelFile;
import dev.nabla.models.Models;
import dev.nabla.nn.Linear;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sequential;
import dev.nabla.onnx.Onnx;
import dev.nabla.onnx.OnnxModel;
import dev.nabla.optim.SGD;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ONNX section of docs/library.md, line for line, through the public API only. */
class LibraryOnnxTest {

    @Test
    void exportLoadFineTuneAndSave(@TempDir Path dir) throws Exception {
        Sequential net = new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
        Path file = dir.resolve("net.onnx");
        Onnx.export(net, 784, file, "my MLP");                  // opset 13, input "input" [batch, 784], output "output"

        OnnxModel m = Onnx.load(file);                           // or an MLP exported by torch.onnx.export
        Sequential back = m.model();                             // 0.weight [64, 784], 0.bias, 2.weight, 2.bias
        String about = m.description();                          // "my MLP"
        SGD opt = new SGD(back.namedParameters(), 0.1, 0.0, false, 0.0);   // fine-tune as any module
        ModelFile.save(dir.resolve("tuned.safetensors"), back, null);
        Onnx.export(Models.lenet5(10, 1), 784, dir.resolve("lenet5.onnx"), "LeNet-5");   // Reshape, Conv, MaxPool, ...

        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(back.namedParameters().keySet()));
        assertArrayEquals(new int[] {64, 784}, back.namedParameters().get("0.weight").shape());
        assertEquals("my MLP", about);
        NDArray x = NDArray.uniform(new Random(1), 0, 1, DType.F32, 16, 784);
        int[] y = new Random(2).ints(16, 0, 10).toArray();
        opt.zeroGrad();
        Functional.crossEntropy(back.forward(Tensor.of(x)), y).backward();
        opt.step();
        assertTrue(Files.size(dir.resolve("tuned.safetensors")) > 4 * 64 * 784);

        OnnxModel lenet = Onnx.load(dir.resolve("lenet5.onnx"));
        assertEquals(Models.lenet5(10, 1).toString(), lenet.model().toString());
        ModelFile.save(dir.resolve("lenet5.safetensors"), lenet.model(), null);
        assertEquals(lenet.model().toString(), ModelFile.load(dir.resolve("lenet5.safetensors")).model().toString());

        InputException e = assertThrows(InputException.class, () -> Onnx.load(dir.resolve("missing.onnx")));
        assertEquals("ONNX file not found: " + dir.resolve("missing.onnx"), e.getMessage());
    }
}
