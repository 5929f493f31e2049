package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.models.ModelFile;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModuleTreeTest {

    /** A user's model: two Linear fields, as a Java developer writes it. */
    static final class Net extends Module {
        final Linear fc1 = register("fc1", new Linear(4, 3, true, Init.xavier(1)));
        final Linear fc2 = register("fc2", new Linear(3, 2, true, Init.xavier(2)));

        @Override
        public Tensor forward(Tensor x) {
            return fc2.forward(fc1.forward(x).relu());
        }
    }

    /** A module with a buffer: a running mean of its inputs, updated in training mode only. */
    static final class RunningMean extends Module {
        final NDArray mean = registerBuffer("running_mean", NDArray.zeros(DType.F32, 3));
        final Linear proj = register("proj", new Linear(3, 3, false, Init.xavier(3)));

        @Override
        public Tensor forward(Tensor x) {
            if (isTraining()) mean.assign(x.value().mean(false, 0).to(mean.dtype()));
            return proj.forward(x);
        }
    }

    @Test
    void twoLinearFieldsGetTheirFieldNamesAndSavingKeepsBoth(@TempDir Path tmp) {
        Net a = new Net();
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), List.copyOf(a.namedParameters().keySet()));
        assertEquals(List.of("", "fc1", "fc2"), List.copyOf(a.namedModules().keySet()));
        assertArrayEquals(new int[] {3, 4}, a.namedParameters().get("fc1.weight").shape());
        assertEquals(4, a.stateDict().size());

        Path f = tmp.resolve("net.safetensors");
        ModelFile.save(f, a, null);
        Net b = new Net();
        b.fc1.resetParameters(Init.xavier(9));
        ModelFile.loadInto(f, b, true);
        NDArray x = NDArray.randn(new java.util.Random(4), DType.F32, 5, 4);
        assertArrayEquals(a.forward(Tensor.of(x)).value().toFloatArray(), b.forward(Tensor.of(x)).value().toFloatArray(), 0f);
    }

    @Test
    void buffersAreInTheStateDictButNotAmongTheParameters() {
        RunningMean m = new RunningMean();
        assertEquals(List.of("proj.weight"), List.copyOf(m.namedParameters().keySet()));
        assertEquals(List.of("proj.weight", "running_mean"), List.copyOf(m.stateDict().keySet()));
        m.forward(Tensor.of(NDArray.of(new float[] {1, 2, 3, 3, 4, 5}, 2, 3)));
        assertArrayEquals(new float[] {2, 3, 4}, m.stateDict().get("running_mean").toFloatArray(), 0f);

        RunningMean n = new RunningMean();
        n.loadStateDict(m.stateDict(), true);
        assertArrayEquals(new float[] {2, 3, 4}, n.mean.toFloatArray(), 0f);
        n.to(DType.F64);
        assertEquals(DType.F64, n.namedBuffers().get("running_mean").dtype());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Sequential s = new Sequential(new Net(), new Sequential(new RunningMean(), new ReLU()));
        s.eval();
        for (Map.Entry<String, Module> e : s.namedModules().entrySet()) assertFalse(e.getValue().isTraining(), e.getKey());
        s.train();
        for (Map.Entry<String, Module> e : s.namedModules().entrySet()) assertTrue(e.getValue().isTraining(), e.getKey());

        RunningMean m = new RunningMean();
        m.eval();
        m.forward(Tensor.of(NDArray.of(new float[] {1, 2, 3}, 1, 3)));
        assertArrayEquals(new float[3], m.mean.toFloatArray(), 0f, "evaluation mode leaves the running mean alone");
    }

    @Test
    void aStrictLoadListsMissingUnexpectedAndMisShapedNamesAndChangesNothing() {
        Net n = new Net();
        float[] before = n.fc1.weight().value().toFloatArray();
        Map<String, NDArray> state = new LinkedHashMap<>(new Net().stateDict());
        state.remove("fc2.bias");
        state.put("fc3.weight", NDArray.zeros(1));
        state.put("fc1.weight", NDArray.zeros(4, 3));
        InputException e = assertThrows(InputException.class, () -> n.loadStateDict(state, true));
        assertTrue(e.getMessage().contains("missing [fc2.bias]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected [fc3.weight]"), e.getMessage());
        assertTrue(e.getMessage().contains("fc1.weight has shape [4, 3], the model expects [3, 4]"), e.getMessage());
        assertArrayEquals(before, n.fc1.weight().value().toFloatArray(), 0f);

        state.put("fc1.weight", NDArray.zeros(3, 4));
        Module.LoadResult r = n.loadStateDict(state, false);
        assertEquals(List.of("fc2.bias"), r.missing());
        assertEquals(List.of("fc3.weight"), r.unexpected());
        assertEquals(0.0, n.fc1.weight().value().abs().max(false).item());
    }

    @Test
    void namesAreCheckedWhenRegistered() {
        class Bad extends Module {
            Bad(String first, String second) {
                register(first, new ReLU());
                registerParameter(second, new Parameter(NDArray.zeros(1)));
            }

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Bad("a", "a"));
        assertThrows(IllegalArgumentException.class, () -> new Bad("a.b", "c"));
        assertThrows(IllegalArgumentException.class, () -> new Bad("", "c"));
        assertEquals(List.of("c"), List.copyOf(new Bad("a", "c").namedParameters().keySet()));
    }
}
