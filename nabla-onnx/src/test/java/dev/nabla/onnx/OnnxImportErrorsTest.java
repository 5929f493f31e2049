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
        String msg = refused(graph(List.of(new Node("conv1", "Conv", "", List.of("x", "w"), List.of("y"), List.of())),
                List.of(weight("w", 2, 4))));
        assertTrue(msg.startsWith("bad.onnx: node 'conv1' (Conv): op Conv is not supported; supported ops: Gemm, MatMul, Relu"), msg);
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
        assertTrue(msg.contains("input 'w' must be a weight stored in the file"), msg);
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
        assertEquals("cannot export layer '1' (Odd()) to ONNX: supported layers are Linear, ReLU, Sigmoid, Tanh, "
                + "LeakyReLU, Softmax, Identity (in Sequential)", msg);
    }
}
