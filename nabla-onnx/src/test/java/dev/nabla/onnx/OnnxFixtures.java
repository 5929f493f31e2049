package dev.nabla.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.CodedOutputStream;
import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.ImageSet;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.TestMnist;
import dev.nabla.nn.AvgPool2d;
import dev.nabla.nn.BatchNorm1d;
import dev.nabla.nn.BatchNorm2d;
import dev.nabla.nn.Conv2d;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.GELU;
import dev.nabla.nn.GlobalAvgPool2d;
import dev.nabla.nn.Init;
import dev.nabla.nn.LeakyReLU;
import dev.nabla.nn.Linear;
import dev.nabla.nn.LogSoftmax;
import dev.nabla.nn.MaxPool2d;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sequential;
import dev.nabla.nn.Softmax;
import dev.nabla.nn.Tanh;
import dev.nabla.nn.ToImage;
import dev.nabla.nn.Window;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Models of every kind nabla exports, real MNIST test images, and ONNX Runtime to run exported files. */
final class OnnxFixtures {
    private static ImageSet test;

    private OnnxFixtures() {
    }

    /**
     * One model of each type nabla trains, with weights large enough that the logits differ clearly (the
     * training inits start near zero): softmax regression, the course's two-layer network, MLPs with ReLU and
     * tanh, LeNet-5, the CNN with batch norm and dropout, and Sequentials of the other exportable layers;
     * batch norm's running statistics are moved off their start by training-mode passes over MNIST; every model
     * in evaluation mode.
     */
    static Map<String, Module> models() {
        Map<String, Module> m = new LinkedHashMap<>();
        m.put("softmax", Models.build(ModelSpec.courseSoftmax().withInit("xavier", 1)));
        m.put("twolayer", Models.build(ModelSpec.courseTwoLayer().withInit("xavier", 2)));
        m.put("mlp-relu", Models.build(new ModelSpec("mlp", 784, new int[] {64, 32}, "relu", 10, "kaiming", 3)));
        m.put("mlp-tanh", Models.build(new ModelSpec("mlp", 784, new int[] {48}, "tanh", 10, "xavier", 4)));
        Module other = new Sequential(new Linear(784, 32, true, Init.kaiming(5)), new LeakyReLU(0.1),
                new Linear(32, 16, true, Init.kaiming(6)), new ReLU(),
                new Linear(16, 10, false, Init.xavier(7)), new Softmax());
        m.put("leaky-softmax", other);
        m.put("lenet5", Models.lenet5(10, 8));
        m.put("cnn-batchnorm-dropout", Models.cnn(28, new int[] {8, 16}, 3, 32, 0.25, true, 10, 9));
        m.put("every-layer", everyLayer());
        ImageSet batch = mnistTest(64);
        for (Module model : m.values()) {
            model.train();
            for (int i = 0; i < 3; i++) forward(model, batch);
            model.eval();
        }
        return m;
    }

    /**
     * The layers no model type uses, in one model: circular padding, GELU (opset 20), a strided, padded average
     * pool, a dilated grouped convolution, LeakyReLU, a padded max pool, global average pooling, batch norm of
     * both ranks, dropout and log-softmax.
     */
    static Module everyLayer() {
        Random rng = new Random(10);
        return new Sequential(new ToImage(1, 28, 28),
                new Conv2d(1, 4, new Window(3, 3, 1, 1, 1, 1, 1, 1, Window.Padding.CIRCULAR), 1, true, rng), new GELU(),
                new AvgPool2d(Window.square(3, 2, 1)),
                new Conv2d(4, 8, new Window(3, 3, 1, 1, 0, 0, 2, 2, Window.Padding.ZEROS), 2, false, rng),
                new LeakyReLU(0.2), new MaxPool2d(Window.square(3, 2, 1)), new BatchNorm2d(8), new GlobalAvgPool2d(),
                new Linear(8, 16, true, Init.kaiming(11)), new BatchNorm1d(16), new Tanh(), new Dropout(0.3, 12),
                new Linear(16, 10, true, Init.xavier(13)), new LogSoftmax());
    }

    /** The first {@code n} MNIST test images. */
    static synchronized ImageSet mnistTest(int n) {
        if (test == null) test = Mnist.load(TestMnist.folder()).test();
        return test.slice(0, n);
    }

    /** nabla's outputs for {@code images}, row-major [count, outputs]. */
    @SuppressWarnings("try")
    static float[] forward(Module model, ImageSet images) {
        try (var off = Grad.disabled()) {
            return model.forward(Tensor.of(images.pixels().clone(), images.count(), images.features())).value().toFloatArray();
        }
    }

    /** ONNX Runtime's outputs for {@code x} [n, features] through the model in {@code onnx}, row-major. */
    static float[] runtime(byte[] onnx, float[] x, int n, int features) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(onnx, opts);
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, features});
             OrtSession.Result r = session.run(Map.of(session.getInputNames().iterator().next(), in))) {
            float[][] out = (float[][]) r.get(0).getValue();
            float[] flat = new float[n * out[0].length];
            for (int i = 0; i < n; i++) System.arraycopy(out[i], 0, flat, i * out[i].length, out[i].length);
            return flat;
        }
    }

    /** Every value within 1e-5 of the reference, relative to values above 1. */
    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": number of values");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i]));
            assertTrue(err <= 1e-5, what + ": value " + i + " is " + actual[i] + ", expected " + expected[i]);
            worst = Math.max(worst, err);
        }
        assertTrue(Double.isFinite(worst));
    }

    /** Protobuf fields written by hand, for files nabla's writer would not produce. */
    interface Fields {
        void write(CodedOutputStream o) throws IOException;
    }

    /** The bytes of one message whose fields {@code f} writes. */
    static byte[] message(Fields f) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        f.write(o);
        o.flush();
        return b.toByteArray();
    }
}
