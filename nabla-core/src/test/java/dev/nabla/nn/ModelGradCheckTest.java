package dev.nabla.nn;

import dev.nabla.autograd.Functional;
import dev.nabla.autograd.GradCheck;
import dev.nabla.autograd.Tensor;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;
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

    /**
     * A network of every convolutional layer (circular and zero padding, stride, groups, dilation, batch norm in
     * training mode, each activation and pooling), its gradient with respect to the input and every parameter
     * in float64: the reference that {@code --dtype float64} training uses.
     */
    @Test
    void convolutionalLayersPassGradCheckOnEveryEntry() {
        Random rng = new Random(5);
        Sequential model = new Sequential(new ToImage(1, 7, 6),
                new Conv2d(1, 4, new Window(3, 3, 1, 1, 1, 1, 1, 1, Window.Padding.CIRCULAR), 1, true, rng),
                new BatchNorm2d(4), new LeakyReLU(0.1), new MaxPool2d(Window.square(2, 2, 1)),
                new Conv2d(4, 6, new Window(2, 2, 2, 1, 1, 0, 1, 2, Window.Padding.ZEROS), 2, true, rng), new GELU(),
                new AvgPool2d(Window.square(2, 1, 0)), new Flatten(), new BatchNorm1d(12), new Linear(12, 3, true, Init.xavier(1)),
                new LogSoftmax());
        check(model, 7 * 6, 3, 3, GradCheck.Options.defaults());
        Sequential pooled = new Sequential(new ToImage(1, 5, 5), new Conv2d(1, 3, 3, 2), new ReLU(), new GlobalAvgPool2d(),
                new Linear(3, 2, true, Init.xavier(2)));
        check(pooled, 25, 2, 2, GradCheck.Options.defaults());
    }

    private static void check(ModelSpec spec, int batch, GradCheck.Options options) {
        check(Models.build(spec), spec.inputSize(), spec.classes(), batch, options);
    }

    private static void check(Sequential model, int inputSize, int classes, int batch, GradCheck.Options options) {
        model.to(DType.F64);
        List<Parameter> params = model.parameters();
        Random rng = new Random(99);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.nextInt(classes);
        NDArray[] inputs = new NDArray[params.size() + 1];
        inputs[0] = NDArray.uniform(rng, 0, 1, DType.F64, batch, inputSize);
        for (int i = 0; i < params.size(); i++) {
            inputs[i + 1] = params.get(i).value();
            // biases start at 0; move them off so their effect is not a special case
            if (params.get(i).shape().length == 1) inputs[i + 1] = NDArray.uniform(rng, -0.1, 0.1, DType.F64, params.get(i).shape());
        }
        GradCheck.Report r = GradCheck.check(in -> {
            for (int i = 0; i < params.size(); i++) params.get(i).bind(in[i + 1]);
            return Functional.crossEntropy(model.forward(in[0]), labels);
        }, options, inputs);
        assertTrue(r.passed(), model + "\n" + r.summary());
        assertEquals(params.size() + 1, r.inputs().size());
    }
}
