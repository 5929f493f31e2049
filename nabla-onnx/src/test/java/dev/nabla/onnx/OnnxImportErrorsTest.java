package dev.nabla.onnx;

import dev.nabla.InputException;
import dev.nabla.nn.Module;
import dev.nabla.onnx.OnnxGraph.Attribute;
import dev.nabla.onnx.OnnxGraph.Dim;
import dev.nabla.onnx.OnnxGraph.Graph;
import dev.nabla.onnx.OnnxGraph.Initializer;
import dev.nabla.onnx.OnnxGraph.Model;
import dev.nabla.onnx.OnnxGraph.Node;
import dev.nabla.onnx.OnnxGraph.ValueInfo;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files outside the supported set, and hostile ones, are refused with a message naming what is wrong. */
class OnnxImportErrorsTest {

    private static byte[] graph(List<Node> nodes, List<Initializer> inits) {
        Graph g = new Graph("g", nodes, inits,
                List.of(new ValueInfo("x", OnnxGraph.FLOAT, List.of(new Dim(-1, "N"), new Dim(4, "")))),
                List.of(new ValueInfo(nodes.get(nodes.size() - 1).outputs().get(0), OnnxGraph.FLOAT, List.of())));
        return OnnxCodec.encode(new Model(7, 13, "test", "", "", Map.of(), g));
    }

    private static String refused(byte[] bytes) {
        return assertThrows(InputException.class, () -> Onnx.read(bytes, "bad.onnx")).getMessage();
    }

    private static Initializer weight(String name, int... shape) {
        return new Initializer(name, NDArray.zeros(shape));
    }

    @Test
    void unsupportedOpNamesTheNodeTheOpAndTheSupportedOps() {
        String msg = refused(graph(List.of(new Node("rnn", "LSTM", "", List.of("x", "w"), List.of("y"), List.of())),
                List.of(weight("w", 2, 4))));
        assertTrue(msg.startsWith("bad.onnx: node 'rnn' (LSTM): op LSTM is not supported; supported ops: Gemm, MatMul, Relu"), msg);
        assertTrue(msg.contains("Conv, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Flatten, Reshape, Pad"), msg);
    }

    @Test
    void unsupportedAttributeOrValueIsNamed() {
        String msg = refused(graph(List.of(new Node("fc", "Gemm", "", List.of("x", "w"), List.of("y"),
                List.of(Attribute.of("transA", 1L)))), List.of(weight("w", 2, 4))));
        assertEquals("bad.onnx: node 'fc' (Gemm): attribute transA=1 is not supported; supported: transA=0", msg);
        msg = refused(graph(List.of(new Node("act", "Relu", "", List.of("x"), List.of("y"),
                List.of(Attribute.of("slope", 0.5f)))), List.of()));
        assertEquals("bad.onnx: node 'act' (Relu): attribute 'slope' of Relu is not supported; supported: none", msg);
    }

    /** A graph of one node reading images x [N, 1, 6, 6], with weights w [2, 1, 3, 3] available. */
    private static byte[] imageGraph(String op, List<String> inputs, List<Attribute> attributes, Initializer... more) {
        List<Initializer> inits = new java.util.ArrayList<>(List.of(weight("w", 2, 1, 3, 3)));
        inits.addAll(List.of(more));
        Graph g = new Graph("g", List.of(new Node("n", op, "", inputs, List.of("y"), attributes)), inits,
                List.of(new ValueInfo("x", OnnxGraph.FLOAT, List.of(new Dim(-1, "N"), new Dim(1, ""), new Dim(6, ""), new Dim(6, "")))),
                List.of(new ValueInfo("y", OnnxGraph.FLOAT, List.of())));
        return OnnxCodec.encode(new Model(7, 13, "test", "", "", Map.of(), g));
    }

    @Test
    void convAndPoolAttributesOutsideTheSupportedSetAreNamed() {
        assertEquals("bad.onnx: node 'n' (Conv): attribute auto_pad='SAME_UPPER' is not supported; supported: "
                + "auto_pad='NOTSET' with explicit pads",
                refused(imageGraph("Conv", List.of("x", "w"), List.of(new Attribute("auto_pad", OnnxGraph.ATTR_STRING, 0, 0,
                        "SAME_UPPER", new float[0], new long[0])))));
        assertEquals("bad.onnx: node 'n' (Conv): pads [1, 1, 0, 0] are not supported; supported: [h, w, h, w] (the same on both sides)",
                refused(imageGraph("Conv", List.of("x", "w"), List.of(Attribute.of("pads", 1L, 1L, 0L, 0L)))));
        assertEquals("bad.onnx: node 'n' (MaxPool): attribute ceil_mode=1 is not supported; supported: ceil_mode=0",
                refused(imageGraph("MaxPool", List.of("x"), List.of(Attribute.of("kernel_shape", 2L, 2L), Attribute.of("ceil_mode", 1L)))));
        assertEquals("bad.onnx: node 'n' (AveragePool): attribute count_include_pad=0 with pads is not supported; supported: "
                + "count_include_pad=1 (nabla's average counts the zero padding) or no pads",
                refused(imageGraph("AveragePool", List.of("x"), List.of(Attribute.of("kernel_shape", 3L, 3L),
                        Attribute.of("pads", 1L, 1L, 1L, 1L)))));
        assertEquals("bad.onnx: node 'n' (Conv): attribute 'kernel' of Conv is not supported; supported: auto_pad, dilations, group, "
                + "kernel_shape, pads, strides",
                refused(imageGraph("Conv", List.of("x", "w"), List.of(Attribute.of("kernel", 3L)))));
        assertEquals("bad.onnx: node 'n' (Pad): attribute mode='reflect' is not supported; supported: mode='wrap' (circular) and "
                + "'constant' (zeros)",
                refused(imageGraph("Pad", List.of("x", "p"), List.of(new Attribute("mode", OnnxGraph.ATTR_STRING, 0, 0,
                        "reflect", new float[0], new long[0])), Initializer.ofLongs("p", 0, 0, 1, 1, 0, 0, 1, 1))));
        assertEquals("bad.onnx: node 'n' (Gelu): attribute approximate='none' is not supported; supported: approximate='tanh' "
                + "(nabla's GELU is the tanh form)", refused(imageGraph("Gelu", List.of("x"), List.of())));
        assertEquals("bad.onnx: node 'n' (Reshape): reshape of rank-4 values to [1, 36] is not supported; supported: "
                + "[-1, C, H, W] of [N, features] (rows to images) and [-1, -1] or [-1, features] of [N, C, H, W] (flatten), "
                + "with 0 or -1 for the batch",
                refused(imageGraph("Reshape", List.of("x", "s"), List.of(), Initializer.ofLongs("s", 1, 36))));
    }

    @Test
    void graphsThatAreNotAChainAreRefused() {
        String msg = refused(graph(List.of(
                new Node("a", "Relu", "", List.of("x"), List.of("h"), List.of()),
                new Node("b", "Relu", "", List.of("x"), List.of("y"), List.of())), List.of()));
        assertTrue(msg.contains("node 'b' (Relu): reads 'x' instead of the previous node's output 'h'"), msg);
    }

    @Test
    void weightsMustBeInitializersOfTheRightShape() {
        String msg = refused(graph(List.of(new Node("fc", "Gemm", "", List.of("x", "w"), List.of("y"),
                List.of(Attribute.of("transB", 1L)))), List.of()));
        assertTrue(msg.contains("input 'w' must be a float weight stored in the file"), msg);
        msg = refused(graph(List.of(new Node("fc", "Gemm", "", List.of("x", "w", "b"), List.of("y"),
                List.of(Attribute.of("transB", 1L)))), List.of(weight("w", 3, 4), weight("b", 5))));
        assertTrue(msg.contains("bias of shape [5] does not match 3 outputs"), msg);
        msg = refused(graph(List.of(new Node("fc", "Gemm", "", List.of("x", "w"), List.of("y"), List.of())),
                List.of(weight("w", 5, 3))));
        assertTrue(msg.contains("the layers do not fit together"), msg);
    }

    @Test
    void truncatedOrGarbageFilesAreNotValidOnnx() {
        byte[] good = Onnx.toBytes(OnnxFixtures.models().get("softmax"), 784, Map.of());
        assertTrue(refused(Arrays.copyOf(good, good.length / 2)).startsWith("bad.onnx: not a valid ONNX file"));
        assertTrue(refused("not protobuf at all".getBytes()).startsWith("bad.onnx: "));
    }

    /** dims of 2^31 x 2^31 with 4 bytes behind them: refused before anything of that size is allocated. */
    @Test
    void declaredSizesAreCheckedAgainstTheDataInTheFile() throws Exception {
        byte[] tensor = OnnxFixtures.message(o -> {
            for (int i = 0; i < 2; i++) o.writeInt64(1, Integer.MAX_VALUE); // TensorProto.dims
            o.writeInt32(2, OnnxGraph.FLOAT);                                 // data_type
            o.writeString(8, "w");                                            // name
            o.writeByteArray(9, new byte[4]);                                 // raw_data: one float
        });
        byte[] graph = OnnxFixtures.message(o -> o.writeByteArray(5, tensor));           // GraphProto.initializer
        byte[] opset = OnnxFixtures.message(o -> o.writeInt64(2, 13));
        byte[] model = OnnxFixtures.message(o -> {
            o.writeInt64(1, 7);
            o.writeByteArray(7, graph);
            o.writeByteArray(8, opset);
        });
        String msg = refused(model);
        assertEquals("bad.onnx: initializer 'w' declares dims [2147483647, 2147483647] "
                + "(4611686014132420609 values) but holds 4 bytes of raw data", msg);
    }

    @Test
    void exportRefusesALayerItCannotWrite() {
        Module odd = new Module() {
            @Override
            public dev.nabla.autograd.Tensor forward(dev.nabla.autograd.Tensor x) {
                return x;
            }

            @Override
            public String toString() {
                return "Odd()";
            }
        };
        String msg = assertThrows(InputException.class,
                () -> Onnx.toBytes(new dev.nabla.nn.Sequential(new dev.nabla.nn.Linear(4, 4), odd), 4, Map.of())).getMessage();
        assertEquals("cannot export layer '1' (Odd()) to ONNX: supported layers are Linear, Conv2d, MaxPool2d, AvgPool2d, "
                + "GlobalAvgPool2d, BatchNorm1d, BatchNorm2d, Flatten, ToImage, Dropout, ReLU, Sigmoid, Tanh, LeakyReLU, GELU, "
                + "Softmax, LogSoftmax (in Sequential)", msg);
    }
}
