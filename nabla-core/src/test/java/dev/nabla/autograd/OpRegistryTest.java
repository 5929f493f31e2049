package dev.nabla.autograd;

import com.example.ops.Hypot;
import com.example.ops.Softplus;
import dev.nabla.nn.LayerOps;
import dev.nabla.nn.Window;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every differentiable op, gradchecked in both modes on sample shapes that include broadcasting, size-1 and
 * odd-sized dimensions. A new op is tested by adding one entry to {@link #ops()}: the built-in ops, and ops
 * defined outside nabla through the public {@link dev.nabla.autograd.Function} API ({@code com.example.ops}), checked alike.
 */
class OpRegistryTest {

    /** How to draw an input's values: some ops need positive inputs or inputs away from a kink. */
    enum Domain { ANY, POSITIVE, AWAY_FROM_ZERO }

    record Case(String name, Function<Tensor[], Tensor> f, int[][] shapes, Domain domain) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(name).append(' ');
            for (int[] s : shapes) sb.append(java.util.Arrays.toString(s));
            return sb.toString();
        }
    }

    private static Case c(String name, Function<Tensor[], Tensor> f, Domain d, int[]... shapes) {
        return new Case(name, f, shapes, d);
    }

    private static int[] s(int... dims) {
        return dims;
    }

    static Stream<Case> ops() {
        int[] labels = {2, 0, 4, 4, 1, 3, 0};
        List<Case> cases = new ArrayList<>();
        // binary elementwise, same shapes and broadcasting
        for (int[][] shapes : new int[][][] {{s(3, 4), s(3, 4)}, {s(2, 3, 5), s(5)}, {s(4, 1), s(1, 7)}, {s(1), s(13)}, {s(), s(2, 2)}}) {
            cases.add(c("add", x -> x[0].add(x[1]), Domain.ANY, shapes));
            cases.add(c("sub", x -> x[0].sub(x[1]), Domain.ANY, shapes));
            cases.add(c("mul", x -> x[0].mul(x[1]), Domain.ANY, shapes));
            cases.add(c("div", x -> x[0].div(x[1]), Domain.AWAY_FROM_ZERO, shapes));
            cases.add(c("pow", x -> x[0].pow(x[1]), Domain.POSITIVE, shapes));
            cases.add(c("maximum", x -> x[0].maximum(x[1]), Domain.ANY, shapes));
            cases.add(c("minimum", x -> x[0].minimum(x[1]), Domain.ANY, shapes));
        }
        // unary
        for (int[] shape : new int[][] {s(7), s(3, 5), s(2, 1, 4), s()}) {
            cases.add(c("neg", x -> x[0].neg(), Domain.ANY, shape));
            cases.add(c("exp", x -> x[0].exp(), Domain.ANY, shape));
            cases.add(c("log", x -> x[0].log(), Domain.POSITIVE, shape));
            cases.add(c("sqrt", x -> x[0].sqrt(), Domain.POSITIVE, shape));
            cases.add(c("abs", x -> x[0].abs(), Domain.AWAY_FROM_ZERO, shape));
            cases.add(c("sin", x -> x[0].sin(), Domain.ANY, shape));
            cases.add(c("cos", x -> x[0].cos(), Domain.ANY, shape));
            cases.add(c("tanh", x -> x[0].tanh(), Domain.ANY, shape));
            cases.add(c("sigmoid", x -> x[0].sigmoid(), Domain.ANY, shape));
            cases.add(c("relu", x -> x[0].relu(), Domain.AWAY_FROM_ZERO, shape));
            cases.add(c("pow scalar", x -> x[0].pow(3), Domain.ANY, shape));
            cases.add(c("softplus (user op)", x -> Softplus.softplus(x[0]), Domain.ANY, shape));
            cases.add(c("hypot (user op)", x -> Hypot.hypot(x[0], x[1]), Domain.AWAY_FROM_ZERO, shape, shape));
        }
        // reductions
        cases.add(c("sum all", x -> x[0].sum(), Domain.ANY, s(3, 4)));
        cases.add(c("sum axis 0", x -> x[0].sum(0), Domain.ANY, s(3, 4)));
        cases.add(c("sum axes 0,2 keepdims", x -> x[0].sum(true, 0, 2), Domain.ANY, s(2, 3, 5)));
        cases.add(c("mean axis -1", x -> x[0].mean(-1), Domain.ANY, s(4, 7)));
        cases.add(c("mean all", x -> x[0].mean(), Domain.ANY, s(1, 13)));
        cases.add(c("max axis 1", x -> x[0].max(1), Domain.ANY, s(5, 6)));
        cases.add(c("max all", x -> x[0].max(), Domain.ANY, s(3, 7)));
        cases.add(c("max keepdims", x -> x[0].max(true, 0), Domain.ANY, s(4, 1, 3)));
        // movement
        cases.add(c("reshape", x -> x[0].reshape(6, -1), Domain.ANY, s(2, 3, 4)));
        cases.add(c("permute", x -> x[0].permute(2, 0, 1), Domain.ANY, s(2, 3, 4)));
        cases.add(c("transpose", x -> x[0].transpose(0, 1), Domain.ANY, s(3, 5)));
        cases.add(c("expand", x -> x[0].expand(4, 3, 5), Domain.ANY, s(3, 1)));
        cases.add(c("slice", x -> x[0].slice(1, 1, 4), Domain.ANY, s(3, 5)));
        cases.add(c("concat", x -> Tensor.concat(0, x[0], x[1], x[2]), Domain.ANY, s(1, 3), s(2, 3), s(4, 3)));
        cases.add(c("concat axis 1", x -> Tensor.concat(1, x[0], x[1]), Domain.ANY, s(2, 3), s(2, 1)));
        cases.add(c("gather", x -> x[0].gather(1, new int[] {0, 2, 2, 1}, 4, 1), Domain.ANY, s(4, 3)));
        cases.add(c("where", x -> Tensor.where(NDArray.of(new float[] {1, 0, 0, 1, 1, 0}, 2, 3), x[0], x[1]), Domain.ANY, s(2, 3), s(3)));
        // linear algebra
        cases.add(c("matmul 2-D", x -> x[0].matmul(x[1]), Domain.ANY, s(3, 4), s(4, 5)));
        cases.add(c("matmul odd", x -> x[0].matmul(x[1]), Domain.ANY, s(1, 7), s(7, 13)));
        cases.add(c("matmul transposed operand", x -> x[0].transpose(0, 1).matmul(x[1]), Domain.ANY, s(4, 3), s(4, 2)));
        cases.add(c("matmul batched", x -> x[0].matmul(x[1]), Domain.ANY, s(2, 3, 4), s(2, 4, 5)));
        cases.add(c("matmul broadcast batch", x -> x[0].matmul(x[1]), Domain.ANY, s(2, 1, 3, 4), s(3, 4, 2)));
        // composed and fused
        cases.add(c("log_softmax", x -> Functional.logSoftmax(x[0], 1), Domain.ANY, s(4, 5)));
        cases.add(c("softmax", x -> Functional.softmax(x[0], -1), Domain.ANY, s(3, 7)));
        cases.add(c("cross_entropy fused", x -> Functional.crossEntropy(x[0], labels), Domain.ANY, s(7, 5)));
        cases.add(c("cross_entropy composed", x -> Functional.crossEntropyComposed(x[0], labels), Domain.ANY, s(7, 5)));
        cases.add(c("linear", x -> Functional.linear(x[0], x[1], x[2]), Domain.ANY, s(5, 4), s(3, 4), s(3)));
        cases.add(c("linear without bias", x -> Functional.linear(x[0], x[1], null), Domain.ANY, s(1, 7), s(13, 7)));
        cases.add(c("linear composed", x -> Functional.linearComposed(x[0], x[1], x[2]), Domain.ANY, s(5, 4), s(3, 4), s(3)));
        cases.add(c("two-layer net", x -> Functional.crossEntropy(
                Functional.linear(Functional.linear(x[0], x[1], x[2]).sigmoid(), x[3], x[4]), labels),
                Domain.ANY, s(7, 6), s(4, 6), s(4), s(5, 4), s(5)));
        // convolution and pooling (dev.nabla.nn.LayerOps): odd sizes, stride > 1, padding, groups, dilation
        Window k3 = Window.square(3, 1, 0), k3s2p1 = Window.square(3, 2, 1);
        Window dilated = new Window(2, 3, 1, 2, 1, 0, 2, 1, Window.Padding.ZEROS);
        Window circular = new Window(3, 3, 1, 1, 1, 1, 1, 1, Window.Padding.CIRCULAR);
        cases.add(c("conv2d 3x3", x -> LayerOps.conv2d(x[0], x[1], x[2], k3, 1), Domain.ANY, s(2, 3, 5, 6), s(4, 3, 3, 3), s(4)));
        cases.add(c("conv2d stride 2 padding 1", x -> LayerOps.conv2d(x[0], x[1], x[2], k3s2p1, 1), Domain.ANY, s(1, 2, 7, 5), s(3, 2, 3, 3), s(3)));
        cases.add(c("conv2d groups 2 no bias", x -> LayerOps.conv2d(x[0], x[1], null, k3, 2), Domain.ANY, s(2, 4, 5, 5), s(6, 2, 3, 3)));
        cases.add(c("conv2d dilation 2x1 stride 1x2", x -> LayerOps.conv2d(x[0], x[1], x[2], dilated, 1), Domain.ANY, s(2, 2, 6, 7), s(3, 2, 2, 3), s(3)));
        cases.add(c("conv2d circular padding", x -> LayerOps.conv2d(x[0], x[1], x[2], circular, 1), Domain.ANY, s(1, 2, 4, 5), s(2, 2, 3, 3), s(2)));
        cases.add(c("conv2d kernel wider than image, circular", x -> LayerOps.conv2d(x[0], x[1], null,
                new Window(3, 3, 1, 1, 2, 2, 1, 1, Window.Padding.CIRCULAR), 1), Domain.ANY, s(1, 1, 2, 3), s(1, 1, 3, 3)));
        cases.add(c("max_pool2d 2x2", x -> LayerOps.maxPool2d(x[0], Window.square(2, 2, 0)), Domain.ANY, s(2, 3, 4, 5)));
        cases.add(c("max_pool2d 3x3 stride 2 padding 1", x -> LayerOps.maxPool2d(x[0], k3s2p1), Domain.ANY, s(1, 2, 5, 7)));
        cases.add(c("avg_pool2d 2x2", x -> LayerOps.avgPool2d(x[0], Window.square(2, 2, 0)), Domain.ANY, s(2, 3, 5, 4)));
        cases.add(c("avg_pool2d 3x3 stride 2 padding 1", x -> LayerOps.avgPool2d(x[0], k3s2p1), Domain.ANY, s(1, 2, 5, 7)));
        cases.add(c("global_avg_pool", x -> LayerOps.globalAvgPool(x[0]), Domain.ANY, s(2, 3, 3, 5)));
        cases.add(c("leaky_relu", x -> LayerOps.leakyRelu(x[0], 0.01), Domain.AWAY_FROM_ZERO, s(3, 7)));
        cases.add(c("gelu", x -> LayerOps.gelu(x[0]), Domain.ANY, s(3, 7)));
        cases.add(c("batch_norm [N, C]", x -> LayerOps.batchNorm(x[0], x[1], x[2], 1e-5), Domain.ANY, s(5, 3), s(3), s(3)));
        cases.add(c("batch_norm [N, C, H, W]", x -> LayerOps.batchNorm(x[0], x[1], x[2], 1e-5), Domain.ANY, s(2, 3, 3, 2), s(3), s(3)));
        return cases.stream();
    }

    static NDArray sample(int[] shape, Domain d, Random rng) {
        NDArray x = NDArray.zeros(DType.F64, shape);
        for (int i = 0; i < x.numel(); i++) {
            double v = rng.nextGaussian();
            switch (d) {
                case POSITIVE -> v = 0.5 + Math.abs(v);
                case AWAY_FROM_ZERO -> v = Math.copySign(0.2 + Math.abs(v), v);
                default -> { }
            }
            x.setFlat(i, v);
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void gradientsMatchFiniteDifferencesInBothModes(Case op) {
        Random rng = new Random(op.toString().hashCode());
        NDArray[] inputs = new NDArray[op.shapes().length];
        for (int i = 0; i < inputs.length; i++) inputs[i] = sample(op.shapes()[i], op.domain(), rng);
        GradCheck.Report r = GradCheck.check(op.f(), inputs);
        assertTrue(r.passed(), () -> op + "\n" + r.summary());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void forwardAndReverseJacobiansAgree(Case op) {
        Random rng = new Random(op.toString().hashCode() + 1);
        NDArray[] inputs = new NDArray[op.shapes().length];
        for (int i = 0; i < inputs.length; i++) inputs[i] = sample(op.shapes()[i], op.domain(), rng);
        // Jacobian with respect to the first input, the others held fixed
        java.util.function.UnaryOperator<Tensor> g = t -> {
            Tensor[] in = new Tensor[inputs.length];
            in[0] = t;
            for (int i = 1; i < inputs.length; i++) in[i] = Tensor.of(inputs[i]);
            return op.f().apply(in);
        };
        NDArray fwd = ForwardMode.jacobian(g, inputs[0], ForwardMode.Mode.FORWARD);
        NDArray rev = ForwardMode.jacobian(g, inputs[0], ForwardMode.Mode.REVERSE);
        assertTrue(fwd.allClose(rev, 1e-12, 1e-12), () -> op + ": forward " + fwd + " vs reverse " + rev);
    }
}
