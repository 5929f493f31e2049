import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Tensor;
import dev.nabla.data.Dataset;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.models.ModelFile;
import dev.nabla.nn.Init;
import dev.nabla.nn.Linear;
import dev.nabla.nn.Module;
import dev.nabla.optim.SGD;
import dev.nabla.train.Batch;
import dev.nabla.train.DataLoader;
import dev.nabla.train.Evaluator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model class of one's own trained on MNIST with a hand-written loop, then saved, loaded into a fresh instance
 * and evaluated on the test images.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp nabla-core-0.1.0.jar MnistMlp.java MNIST_DIR [OUT_DIR] [EPOCHS]
 * </pre>
 */
public final class MnistMlp {

    /** x: [N, 784] -> logits [N, 10]. */
    static final class Net extends Module {
        final Linear fc1 = register("fc1", new Linear(784, 128, true, Init.kaiming(1)));
        final Linear fc2 = register("fc2", new Linear(128, 10, true, Init.kaiming(2)));

        @Override
        public Tensor forward(Tensor x) {
            return fc2.forward(fc1.forward(x).relu());
        }
    }

    public static void main(String[] args) throws Exception {
        MnistSplits mnist = Mnist.load(Path.of(args[0]));
        Path out = Path.of(args.length > 1 ? args[1] : "runs/java-example");
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;

        Net net = new Net();
        SGD opt = new SGD(net.namedParameters(), 0.05, 0.9, false, 1e-4);
        DataLoader train = new DataLoader(Dataset.of(mnist.train()), 64, true, 42);
        for (int epoch = 0; epoch < epochs; epoch++) {
            double sum = 0;
            for (Batch b : train.batches(epoch)) {
                opt.zeroGrad();
                Tensor loss = Functional.crossEntropy(net.forward(b.x()), b.labels());
                loss.backward();
                opt.step();
                sum += loss.item();
            }
            System.out.printf("epoch %d: train loss %.4f%n", epoch + 1, sum / train.batches());
        }

        Files.createDirectories(out);
        Path file = out.resolve("net.safetensors");
        ModelFile.save(file, net, null, Map.of(), Map.of());   // the state dict: fc1.weight, fc1.bias, ...
        Net loaded = new Net();
        ModelFile.loadInto(file, loaded, true);
        loaded.eval();
        System.out.printf("test accuracy %.4f of the model in %s%n",
                Evaluator.evaluate(loaded, mnist.test(), 256).accuracy(), file);
    }
}
