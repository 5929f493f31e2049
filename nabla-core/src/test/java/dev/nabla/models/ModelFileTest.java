package dev.nabla.models;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.io.SafeTensors;
import dev.nabla.io.StoredArray;
import dev.nabla.nn.Init;
import dev.nabla.nn.Linear;
import dev.nabla.nn.Module;
import dev.nabla.nn.Sequential;
import dev.nabla.nn.Sigmoid;
import dev.nabla.nn.Tanh;
import dev.nabla.optim.ParamGroup;
import dev.nabla.optim.SGD;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModelFileTest {
    @TempDir
    Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(ModelFileTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Logits of the course's layout by hand: x W1 + b1 -> activation -> x W2 + b2, W [in, out] as stored. */
    private static NDArray legacyLogits(Map<String, NDArray> w, NDArray x) {
        Tensor h = Tensor.of(x).matmul(Tensor.of(w.get("W1")));
        if (w.containsKey("b1")) h = h.add(Tensor.of(w.get("b1")));
        if (!w.containsKey("W2")) return h.relu().value(); // the softmax model: linear -> ReLU
        return h.sigmoid().matmul(Tensor.of(w.get("W2"))).add(Tensor.of(w.get("b2"))).value();
    }

    @Test
    void modelFilesWrittenBeforeStateDictsStillLoadAndGiveTheirLogits() {
        NDArray x = NDArray.uniform(new java.util.Random(1), 0, 1, DType.F32, 3, 784);
        for (String name : List.of("legacy-twolayer-784-8-10.safetensors", "legacy-softmax-784-10.safetensors")) {
            Path f = resource(name);
            ModelFile.Loaded m = ModelFile.load(f);
            Map<String, NDArray> legacy = new java.util.LinkedHashMap<>();
            SafeTensors.read(f).tensors().forEach((k, a) -> legacy.put(k, ModelFile.toNDArray(a)));
            assertTrue(legacy.containsKey("W1"), name);
            NDArray want = legacyLogits(legacy, x);
            NDArray got = m.model().forward(Tensor.of(x)).value();
            assertTrue(got.allClose(want, 1e-5, 1e-7), name);
            assertEquals(legacy.get("W1").t().contiguous().toFloatArray().length, m.model().stateDict().get("0.weight").numel());
            assertArrayEquals(legacy.get("W1").t().contiguous().toFloatArray(), m.model().stateDict().get("0.weight").toFloatArray(), 0f);
        }
    }

    @Test
    void float64StaysFloat64BitForBit() {
        Sequential m = Models.build(ModelSpec.courseTwoLayer().withHidden(5));
        m.to(DType.F64);
        m.parameters().get(0).value().setFlat(0, Math.PI / 1000); // not representable in float32
        Path f = tmp.resolve("m.safetensors");
        ModelFile.save(f, m, ModelSpec.courseTwoLayer().withHidden(5));
        for (StoredArray a : SafeTensors.readExact(f).tensors().values()) assertEquals("F64", a.dtype());
        ModelFile.Loaded back = ModelFile.load(f);
        assertEquals(DType.F64, back.model().dtype());
        assertEquals(Math.PI / 1000, back.model().parameters().get(0).value().getFlat(0));
        m.stateDict().forEach((k, v) -> assertArrayEquals(v.toDoubleArray(), back.model().stateDict().get(k).toDoubleArray(), 0, k));
    }

    @Test
    void aSequentialOfKnownLayersRebuildsFromItsArchitectureAlone() {
        Sequential m = new Sequential(new Linear(4, 6, true, Init.xavier(1)), new Tanh(),
                new Sequential(new Linear(6, 3, false, Init.xavier(2)), new Sigmoid()));
        Path f = tmp.resolve("m.safetensors");
        ModelFile.save(f, m, null);
        ModelFile.Loaded back = ModelFile.load(f);
        assertNull(back.spec());
        assertEquals(m.toString(), back.model().toString());
        assertEquals(4, back.inputSize());
        NDArray x = NDArray.randn(new java.util.Random(2), DType.F32, 2, 4);
        assertArrayEquals(m.forward(Tensor.of(x)).value().toFloatArray(), back.model().forward(Tensor.of(x)).value().toFloatArray(), 0f);
    }

    @Test
    void optimizerStateIsSavedByParameterNameAndContinuesExactly() {
        ModelSpec spec = new ModelSpec("mlp", 4, new int[] {3}, "relu", 2, "xavier", 5);
        Sequential a = Models.build(spec);
        SGD opt = new SGD(ParamGroup.decayMatricesOnly(a), 0.1, 0.9, false, 0.01);
        NDArray x = NDArray.randn(new java.util.Random(3), DType.F32, 8, 4);
        int[] y = {0, 1, 1, 0, 1, 0, 0, 1};
        step(a, opt, x, y);
        Path f = tmp.resolve("ckpt.safetensors");
        ModelFile.save(f, a, spec, opt.state(), Map.of());
        assertTrue(SafeTensors.read(f).tensors().containsKey("optimizer.0.weight.momentum"));
        step(a, opt, x, y);

        ModelFile.Loaded back = ModelFile.load(f);
        SGD opt2 = new SGD(ParamGroup.decayMatricesOnly(back.model()), 0.1, 0.9, false, 0.01);
        opt2.loadState(back.optimizerState());
        step(back.model(), opt2, x, y);
        a.stateDict().forEach((k, v) -> assertArrayEquals(v.toFloatArray(), back.model().stateDict().get(k).toFloatArray(), 0f, k));
    }

    private static void step(Module m, SGD opt, NDArray x, int[] y) {
        opt.zeroGrad();
        dev.nabla.autograd.Functional.crossEntropy(m.forward(Tensor.of(x)), y).backward();
        opt.step();
    }

    @Test
    void aFileThatDoesNotFitTheModelIsNamedWithWhatDiffers() {
        Path f = tmp.resolve("m.safetensors");
        ModelFile.save(f, new Sequential(new Linear(4, 3, true)), null);
        InputException e = assertThrows(InputException.class, () -> ModelFile.loadInto(f, new Sequential(new Linear(4, 2, true)), true));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("0.weight has shape [3, 4], the model expects [2, 4]"), e.getMessage());
        SafeTensors.write(tmp.resolve("bare.safetensors"), Map.of("w", new dev.nabla.io.NamedArray(new int[] {1}, new float[1])));
        InputException none = assertThrows(InputException.class, () -> ModelFile.load(tmp.resolve("bare.safetensors")));
        assertTrue(none.getMessage().contains("loadInto"), none.getMessage());
    }
}
