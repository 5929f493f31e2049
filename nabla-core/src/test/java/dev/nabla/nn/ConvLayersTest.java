package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.models.ModelFile;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvLayersTest {

    /** The definition, loop by loop: y[n,o,y,x] = b[o] + sum_{c,i,j} w[o,c,i,j] x[n, g Cg + c, y s - p + i d, ...]. */
    static NDArray directConv(NDArray x, NDArray w, NDArray b, Window win, int groups) {
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0), cg = cin / groups, og = o / groups;
        int oh = win.outH(h), ow = win.outW(wd);
        NDArray y = NDArray.zeros(DType.F64, n, o, oh, ow);
        for (int b0 = 0; b0 < n; b0++) for (int oc = 0; oc < o; oc++) for (int yy = 0; yy < oh; yy++) for (int xx = 0; xx < ow; xx++) {
            double s = b == null ? 0 : b.get(oc);
            int g = oc / og;
            for (int c = 0; c < cg; c++) for (int i = 0; i < win.kh(); i++) for (int j = 0; j < win.kw(); j++) {
                int iy = yy * win.sh() - win.ph() + i * win.dh(), ix = xx * win.sw() - win.pw() + j * win.dw();
                if (win.padding() == Window.Padding.CIRCULAR) {
                    iy = Math.floorMod(iy, h);
                    ix = Math.floorMod(ix, wd);
                }
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                s += w.get(oc, c, i, j) * x.get(b0, g * cg + c, iy, ix);
            }
            y.set(s, b0, oc, yy, xx);
        }
        return y;
    }

    @Test
    void convolutionEqualsTheDirectSumForEveryWindowAndGroups() {
        Random rng = new Random(1);
        Window[] windows = {Window.square(3, 1, 0), Window.square(3, 2, 1), new Window(2, 3, 2, 1, 1, 2, 2, 1, Window.Padding.ZEROS),
                new Window(3, 3, 1, 1, 1, 1, 1, 1, Window.Padding.CIRCULAR), new Window(5, 3, 2, 1, 2, 1, 1, 2, Window.Padding.CIRCULAR)};
        for (Window win : windows) {
            for (int groups : new int[] {1, 2}) {
                NDArray x = NDArray.randn(rng, DType.F64, 3, 4, 7, 6);
                NDArray w = NDArray.randn(rng, DType.F64, 6, 4 / groups, win.kh(), win.kw());
                NDArray b = NDArray.randn(rng, DType.F64, 6);
                NDArray y = LayerOps.conv2d(Tensor.of(x), Tensor.of(w), Tensor.of(b), win, groups).value();
                NDArray ref = directConv(x, w, b, win, groups);
                assertArrayEquals(ref.shape(), y.shape(), win + " groups " + groups);
                assertTrue(y.allClose(ref, 1e-12, 1e-12), win + " groups " + groups);
            }
        }
    }

    @Test
    void poolingTakesTheMaxAndTheMeanOfEachWindow() {
        NDArray x = NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1, 1, 4, 4);
        assertArrayEquals(new double[] {6, 8, 14, 16}, new MaxPool2d(2).forward(Tensor.of(x)).value().toDoubleArray());
        assertArrayEquals(new double[] {3.5, 5.5, 11.5, 13.5}, new AvgPool2d(2).forward(Tensor.of(x)).value().toDoubleArray());
        assertArrayEquals(new double[] {8.5}, new GlobalAvgPool2d().forward(Tensor.of(x)).value().toDoubleArray());
        // padding never wins a max, even over negative values
        NDArray neg = x.neg();
        assertArrayEquals(new double[] {-1, -2, -5, -6}, new MaxPool2d(Window.square(2, 2, 1)).forward(Tensor.of(neg)).value()
                .slice(2, 0, 2).slice(3, 0, 2).contiguous().toDoubleArray());
    }

    @Test
    void shapesAreKnownBeforeDataAndAMismatchNamesTheLayerAndShapes() {
        Sequential lenet = Models.lenet5(10, 0);
        assertArrayEquals(new int[] {64, 10}, lenet.outputShape(64, 1, 28, 28));
        InputException e = assertThrows(InputException.class, () -> lenet.outputShape(64, 1, 8, 8));
        assertTrue(e.getMessage().startsWith("4 (Conv2d 5x5): input [64, 6, 4, 4] is smaller than the kernel (5x5 over 4x4)"), e.getMessage());
        InputException channels = assertThrows(InputException.class, () -> lenet.forward(Tensor.of(NDArray.zeros(DType.F32, 2, 3, 28, 28))));
        assertTrue(channels.getMessage().startsWith("0 (ToImage 1x28x28): input [2, 3, 28, 28] is neither [N, 784]"), channels.getMessage());
        assertTrue(lenet.describe(64, 1, 28, 28).contains("total parameters: 61706"), lenet.describe(64, 1, 28, 28));
    }

    @Test
    void aCnnModelFileRebuildsItsArchitectureAndRefusesAnother(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ModelSpec spec = new ModelSpec("cnn", 784, null, "relu", 10, "kaiming", 3).withConv(new ModelSpec.Conv(new int[] {4, 8}, 3, 16, 0, false));
        Sequential model = Models.build(spec);
        java.nio.file.Path file = dir.resolve("cnn.safetensors");
        ModelFile.save(file, model, spec);
        ModelFile.Loaded back = ModelFile.load(file);
        assertEquals(spec, back.spec());
        NDArray x = NDArray.uniform(new Random(4), 0, 1, DType.F32, 2, 784);
        assertTrue(model.forward(Tensor.of(x)).value().allClose(back.model().forward(Tensor.of(x)).value(), 0, 0));
        InputException e = assertThrows(InputException.class, () -> ModelFile.loadInto(file, Models.lenet5(10, 0), true));
        assertTrue(e.getMessage().contains("1.weight has shape [4, 1, 3, 3], the model expects [6, 1, 5, 5]"), e.getMessage());
    }

    @Test
    void dropoutIsSeededInTrainingAndTheIdentityInEvaluation() {
        Tensor x = Tensor.of(NDArray.ones(DType.F32, 4, 100));
        NDArray a = new Dropout(0.25, 7).forward(x).value(), b = new Dropout(0.25, 7).forward(x).value();
        assertTrue(a.allClose(b, 0, 0));
        int zeros = 0;
        for (int i = 0; i < a.numel(); i++) {
            double v = a.getFlat(i);
            if (v == 0) zeros++;
            else assertEquals(1 / 0.75, v, 1e-6);
        }
        assertTrue(zeros > 60 && zeros < 140, "about a quarter dropped, got " + zeros);
        Dropout d = new Dropout(0.25, 7);
        d.eval();
        assertSame(x, d.forward(x));
    }

    @Test
    void batchNormNormalisesInTrainingAndUsesItsRunningStatisticsInEvaluation() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.5);
        NDArray x = NDArray.randn(new Random(3), DType.F64, 4, 2, 3, 3).mulScalar(3).addScalar(5);
        bn.to(DType.F64);
        NDArray y = bn.forward(Tensor.of(x)).value();
        NDArray mean = y.mean(false, 0, 2, 3), var = y.mul(y).mean(false, 0, 2, 3);
        for (int c = 0; c < 2; c++) {
            assertEquals(0, mean.get(c), 1e-12);
            assertEquals(1, var.get(c), 1e-4);
        }
        NDArray batchMean = x.mean(false, 0, 2, 3);
        for (int c = 0; c < 2; c++) assertEquals(0.5 * batchMean.get(c), bn.runningMean().get(c), 1e-12);
        assertTrue(bn.stateDict().keySet().containsAll(java.util.List.of("weight", "bias", "running_mean", "running_var")));
        bn.eval();
        NDArray e = bn.forward(Tensor.of(x)).value();
        double expect = (x.get(0, 1, 0, 0) - bn.runningMean().get(1)) / Math.sqrt(bn.runningVar().get(1) + 1e-5);
        assertEquals(expect, e.get(0, 1, 0, 0), 1e-12);
        assertNotEquals(y.get(0, 1, 0, 0), e.get(0, 1, 0, 0));
    }

    @Test
    void activationsMatchTheirFormulas() {
        Tensor x = Tensor.of(NDArray.of(new double[] {-2, -0.5, 0.5, 2}, 4));
        assertArrayEquals(new double[] {-0.02, -0.005, 0.5, 2}, new LeakyReLU().forward(x).value().toDoubleArray(), 1e-15);
        // tanh-form GELU at 1: 0.5 (1 + tanh(sqrt(2/pi) 1.044715)) = 0.841192
        assertEquals(0.8411920, new GELU().forward(Tensor.of(NDArray.of(new double[] {1}, 1))).item(), 1e-6);
        NDArray ls = new LogSoftmax().forward(Tensor.of(NDArray.of(new double[] {1, 2, 3}, 1, 3))).value();
        assertEquals(1, ls.exp().sum(false).item(), 1e-12);
        assertArrayEquals(new int[] {2, 12}, new Flatten().outputShape(2, 3, 2, 2));
    }
}
