package dev.nabla.nn;

import dev.nabla.autograd.Functional;
import dev.nabla.autograd.GradCheck;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every model's gradient (loss = cross-entropy of its logits) with respect to its input and all parameters,
 * checked by central differences in float64.
 */
class ModelGradCheckTest {

    static Stream<ModelSpec> smallModels() {
        return Stream.of(
                new ModelSpec("softmax", 7, null, null, 4, "xavier", 1),
                new ModelSpec("twolayer", 7, new int[] {5}, "sigmoid", 4, "xavier", 2),
                new ModelSpec("mlp", 7, new int[] {6, 5}, "relu", 4, "kaiming", 3),
                new ModelSpec("mlp", 7, new int[] {6}, "tanh", 4, "xavier", 4),
                new ModelSpec("mlp", 7, new int[] {}, "relu", 4, "xavier", 5));
    }

    static Stream<ModelSpec> courseModels() {
        return Stream.of(ModelSpec.courseTwoLayer(), ModelSpec.courseSoftmax());
    }

    @ParameterizedTest
    @MethodSource("smallModels")
    void smallModelsPassGradCheckOnEveryEntry(ModelSpec spec) {
        check(spec, 3, GradCheck.Options.defaults());
    }

    /** The full-size course models at their real init scale: a sample of entries of each input. */
    @ParameterizedTest
    @MethodSource("courseModels")
    void courseModelsPassGradCheckOnSampledEntries(ModelSpec spec) {
        check(spec, 2, GradCheck.Options.defaults().withMaxEntries(25));
    }

    private static void check(ModelSpec spec, int batch, GradCheck.Options options) {
        Sequential model = Models.build(spec);
        model.to(DType.F64);
        List<Parameter> params = model.parameters();
        Random rng = new Random(99);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.nextInt(spec.classes());
        NDArray[] inputs = new NDArray[params.size() + 1];
        inputs[0] = NDArray.uniform(rng, 0, 1, DType.F64, batch, spec.inputSize());
        for (int i = 0; i < params.size(); i++) {
            inputs[i + 1] = params.get(i).value();
            // biases start at 0; move them off so their effect is not a special case
            if (params.get(i).shape().length == 1) inputs[i + 1] = NDArray.uniform(rng, -0.1, 0.1, DType.F64, params.get(i).shape());
        }
        GradCheck.Report r = GradCheck.check(in -> {
            for (int i = 0; i < params.size(); i++) params.get(i).bind(in[i + 1]);
            return Functional.crossEntropy(model.forward(in[0]), labels);
        }, options, inputs);
        assertTrue(r.passed(), spec + "\n" + r.summary());
        assertEquals(params.size() + 1, r.inputs().size());
    }
}
