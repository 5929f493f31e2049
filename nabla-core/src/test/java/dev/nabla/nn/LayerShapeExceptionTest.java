package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A shape error names the layer by its dotted path in the module tree, its label and both shapes. */
class LayerShapeExceptionTest {

    /** features: [ToImage, Conv2d 5x5, ReLU, Conv2d 5x5]; classifier: [Flatten, Linear]. */
    static Sequential nested() {
        Random rng = new Random(1);
        Sequential features = new Sequential(new ToImage(1, 12, 12), new Conv2d(1, 6, Window.square(5, 1, 0), 1, true, rng),
                new MaxPool2d(2), new Conv2d(6, 16, Window.square(5, 1, 0), 1, true, rng));
        return new Sequential(features, new Sequential(new Flatten(), new Linear(16, 10, true, Init.kaiming(1))));
    }

    @Test
    void aKernelLargerThanTheImageNamesTheNestedPathTheKernelAndTheShape() {
        Sequential net = nested();
        String expected = "0.3 (Conv2d 5x5): input [64, 6, 4, 4] is smaller than the kernel (5x5 over 4x4)";
        InputException shapes = assertThrows(InputException.class, () -> net.outputShape(64, 144));
        assertEquals(expected, shapes.getMessage());
        InputException forward = assertThrows(InputException.class, () -> net.forward(Tensor.zeros(DType.F32, 64, 144)));
        assertEquals(expected, forward.getMessage());
        assertEquals("0.3", assertInstanceOf(LayerShapeException.class, forward).path());
        assertEquals(expected, assertThrows(InputException.class, () -> net.describe(64, 144)).getMessage());
        // the inner container alone names the layer from itself
        assertEquals("3 (Conv2d 5x5): input [64, 6, 4, 4] is smaller than the kernel (5x5 over 4x4)",
                assertThrows(InputException.class, () -> ((Sequential) net.get(0)).outputShape(64, 144)).getMessage());
    }

    @Test
    void aWrongWidthInTheSecondContainerNamesItsPath() {
        Sequential net = new Sequential(new Sequential(new Linear(8, 4, true, Init.kaiming(1))), new Sequential(new ReLU(), new Linear(5, 2, true, Init.kaiming(1))));
        assertEquals("1.1 (Linear in=5, out=2, bias=true): input [3, 4] does not match in=5",
                assertThrows(InputException.class, () -> net.forward(Tensor.zeros(DType.F32, 3, 8))).getMessage());
    }

    @Test
    void paddingLetsTheKernelFitAndThenTheErrorIsGone() {
        Sequential net = new Sequential(new ToImage(1, 4, 4), new Conv2d(1, 2, Window.square(5, 1, 2), 1, true, new Random(2)));
        assertEquals(java.util.List.of(2, 2, 4, 4), java.util.Arrays.stream(net.outputShape(2, 16)).boxed().toList());
        Sequential tight = new Sequential(new ToImage(1, 4, 4), new Conv2d(1, 2, Window.square(7, 1, 1), 1, true, new Random(2)));
        assertEquals("1 (Conv2d 7x7, padding 1): input [2, 1, 4, 4] is smaller than the kernel (7x7 over 4x4 padded by 1x1)",
                assertThrows(InputException.class, () -> tight.outputShape(2, 16)).getMessage());
    }
}
