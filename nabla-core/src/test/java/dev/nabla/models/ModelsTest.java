package dev.nabla.models;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.nn.Init;
import dev.nabla.nn.Linear;
import dev.nabla.nn.Module;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sequential;
import dev.nabla.nn.Sigmoid;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModelsTest {

    private static List<String> names(Module m) {
        return List.copyOf(m.namedParameters().keySet());
    }

    @Test
    void twoLayerIsLinearSigmoidLinearWithTheCourseNames() {
        Sequential m = Models.build(ModelSpec.courseTwoLayer());
        assertEquals(3, m.size());
        assertEquals("Linear(in=784, out=128, bias=true)", m.get(0).toString());
        assertInstanceOf(Sigmoid.class, m.get(1));
        assertEquals("Linear(in=128, out=10, bias=true)", m.get(2).toString());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), names(m));
        assertEquals(Map.of("W1", "0.weight", "b1", "0.bias", "W2", "2.weight", "b2", "2.bias"), CourseNames.of(m));
        assertArrayEquals(new int[] {128, 784}, m.parameters().get(0).shape(), "PyTorch's layout: [out, in]");
        assertArrayEquals(new int[] {128}, m.parameters().get(1).shape());
        assertEquals(784 * 128 + 128 + 128 * 10 + 10, m.parameterCount());
    }

    @Test
    void softmaxIsLinearWithoutBiasThenRelu() {
        Sequential m = Models.build(ModelSpec.courseSoftmax().withHidden(128));
        assertEquals("Linear(in=784, out=10, bias=false)", m.get(0).toString());
        assertInstanceOf(ReLU.class, m.get(1));
        assertEquals(List.of("0.weight"), names(m), "hidden sizes are ignored by softmax");
    }

    @Test
    void mlpStacksHiddenLayersWithTheChosenActivation() {
        Sequential m = Models.build(new ModelSpec("mlp", 20, new int[] {16, 8}, "tanh", 3, "xavier", 1));
        assertEquals("""
                Sequential(
                  (0): Linear(in=20, out=16, bias=true)
                  (1): Tanh()
                  (2): Linear(in=16, out=8, bias=true)
                  (3): Tanh()
                  (4): Linear(in=8, out=3, bias=true)
                )""", m.toString());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"), names(m));
        assertInstanceOf(ReLU.class, Models.build(new ModelSpec("mlp", 4, new int[] {3}, null, 2, "xavier", 1)).get(1),
                "mlp defaults to relu");
        assertInstanceOf(Sigmoid.class, Models.build(new ModelSpec("twolayer", 4, new int[] {3}, null, 2, "xavier", 1)).get(1),
                "twolayer defaults to sigmoid");
    }

    @Test
    void badSpecsFailWithTheValueAndWhatWasExpected() {
        ModelSpec base = ModelSpec.courseTwoLayer();
        assertMessage(() -> Models.build(base.withType("resnet")), "'resnet'", "softmax, twolayer, mlp, lenet5, cnn");
        assertMessage(() -> Models.build(base.withActivation("gelu")), "'gelu'", "sigmoid, relu, tanh");
        assertMessage(() -> Models.build(base.withHidden(128, 64)), "twolayer", "[128, 64]");
        assertMessage(() -> Models.build(base.withHidden(0)), "hidden", "[0]");
        assertMessage(() -> Models.build(base.withInit("he", 1)), "'he'");
    }

    /** LeNet-5 takes images from 12x12 up; a smaller one is refused naming the layer whose window does not fit. */
    @Test
    void leNet5NamesTheSmallestSideItTakesAndTheLayerThatDoesNotFit() {
        Sequential smallest = Models.build(lenet(12));
        assertArrayEquals(new int[] {1, 10}, smallest.outputShape(1, 12 * 12));
        assertEquals("Linear(in=16, out=120, bias=true)", smallest.get(8).toString(), "16 maps of 1x1 reach the dense layers");
        assertEquals("model lenet5: does not fit 11x11 images (the smallest it takes is 12x12): 6 (MaxPool2d 2x2, stride 2):"
                        + " input [1, 16, 1, 1] is smaller than the kernel (2x2 over 1x1)",
                assertThrows(InputException.class, () -> Models.build(lenet(11))).getMessage());
        assertEquals("model lenet5: does not fit 8x8 images (the smallest it takes is 12x12): 4 (Conv2d 5x5):"
                        + " input [1, 6, 4, 4] is smaller than the kernel (5x5 over 4x4)",
                assertThrows(InputException.class, () -> Models.build(lenet(8))).getMessage());
    }

    private static ModelSpec lenet(int side) {
        return new ModelSpec("lenet5", side * side, null, null, 10, "kaiming", 1);
    }

    private static void assertMessage(Runnable r, String... parts) {
        InputException e = assertThrows(InputException.class, r::run);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain " + p);
    }

    @Test
    void aWrongInputSizeNamesTheLayerItsIndexAndBothSizes() {
        Sequential m = Models.build(ModelSpec.courseTwoLayer());
        InputException e = assertThrows(InputException.class, () -> m.forward(Tensor.zeros(DType.F32, 64, 100)));
        assertEquals("0 (Linear in=784, out=128, bias=true): input [64, 100] does not match in=784", e.getMessage());
        InputException d = assertThrows(InputException.class, () -> m.describe(64, 100));
        assertEquals(e.getMessage(), d.getMessage());
        InputException alone = assertThrows(InputException.class, () -> m.get(2).forward(Tensor.zeros(DType.F32, 5, 784)));
        assertEquals("Linear(in=128, out=10, bias=true): input [5, 784] does not match in=128", alone.getMessage());
    }

    @Test
    void describeListsEachLayersShapesAndParameterCounts() {
        String table = Models.build(ModelSpec.courseTwoLayer()).describe(64, 784);
        assertEquals("""
                layer  module                              input      output     params
                0      Linear(in=784, out=128, bias=true)  [64, 784]  [64, 128]  100480
                1      Sigmoid()                           [64, 128]  [64, 128]       0
                2      Linear(in=128, out=10, bias=true)   [64, 128]  [64, 10]     1290
                total parameters: 101770
                """, table);
    }

    @Test
    void forwardGivesLogitsOfTheRightShapeAndMatchesTheFormula() {
        Linear lin = new Linear(3, 2, true, Init.xavier(5));
        lin.bias().value().assign(NDArray.of(new float[] {1, -1}, 2));
        NDArray x = NDArray.of(new float[] {1, 2, 3}, 1, 3);
        NDArray y = lin.forward(Tensor.of(x)).value();
        NDArray w = lin.weight().value();
        for (int j = 0; j < 2; j++) {
            double expect = w.get(j, 0) + 2 * w.get(j, 1) + 3 * w.get(j, 2) + (j == 0 ? 1 : -1); // W: [out, in]
            assertEquals(expect, y.get(0, j), 1e-6);
        }
    }

    @Test
    void weightsRoundTripAndLoadingChecksNamesAndShapes() {
        Sequential a = Models.build(ModelSpec.courseTwoLayer());
        Sequential b = Models.build(ModelSpec.courseTwoLayer().withInit("normal", 3));
        Map<String, NDArray> w = a.weights();
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(w.keySet()));
        b.loadWeights(w);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(a.parameters().get(i).value().toFloatArray(), b.parameters().get(i).value().toFloatArray());
        }
        w.get("0.weight").fill(5);
        assertNotEquals(5.0, a.parameters().get(0).value().getFlat(0), "weights() returns copies");

        Map<String, NDArray> missing = new java.util.LinkedHashMap<>(w);
        missing.remove("2.bias");
        assertMessage(() -> b.loadWeights(missing), "2.bias", "missing");
        Map<String, NDArray> wrong = new java.util.LinkedHashMap<>(w);
        wrong.put("2.weight", NDArray.zeros(128, 10));
        assertMessage(() -> b.loadWeights(wrong), "2.weight", "[128, 10]", "[10, 128]");
        Map<String, NDArray> extra = new java.util.LinkedHashMap<>(w);
        extra.put("4.weight", NDArray.zeros(1));
        assertMessage(() -> b.loadWeights(extra), "4.weight", "unexpected");
    }

    @Test
    void toFloat64ConvertsEveryParameter() {
        Sequential m = Models.build(ModelSpec.courseTwoLayer());
        float w = (float) m.parameters().get(0).value().getFlat(5);
        m.to(DType.F64);
        m.namedParameters().forEach((name, p) -> assertEquals(DType.F64, p.value().dtype(), name));
        assertEquals(w, m.parameters().get(0).value().getFlat(5), 0);
        assertEquals(DType.F64, m.forward(Tensor.zeros(DType.F64, 2, 784)).dtype());
    }

    @Test
    void nestedSequentialsJoinNamesWithDotsAndTheCourseNamesCountLinearLayersAcrossTheWholeModel() {
        Sequential inner = new Sequential(new Linear(4, 3, true), new ReLU());
        Sequential outer = new Sequential(inner, new Linear(3, 2, false));
        assertEquals(List.of("0.0.weight", "0.0.bias", "1.weight"), names(outer));
        assertEquals(List.of("", "0", "0.0", "0.1", "1"), List.copyOf(outer.namedModules().keySet()));
        assertEquals(Map.of("W1", "0.0.weight", "b1", "0.0.bias", "W2", "1.weight"), CourseNames.of(outer));
    }
}
