package dev.nabla.cli.experiment;

import dev.nabla.InputException;
import dev.nabla.cli.KernelOptions;
import dev.nabla.cli.Main;
import dev.nabla.cli.MnistData;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.models.ModelSpec;
import dev.nabla.optim.Penalty;
import dev.nabla.optim.Schedule;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nabla experiment shift}: convolution commutes with shifts; an MLP and a CNN on shifted digits. */
@Command(name = "shift", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Convolution commutes with shifts: the lesson in numbers, then an MLP and a CNN on shifted digits.",
        description = {
                "(a) In float64, on random kernels and images: a circular-padding convolution",
                "equals multiplication by the doubly block-circulant matrix built from its",
                "kernel; shifting the input circularly shifts the output the same way; and the",
                "relative change of relu(conv(x)) features under a shift of the digit, without",
                "pooling, after max pooling 2 and 4, and after global average pooling.",
                "(b) An MLP and a CNN of about the same parameter count, trained on the same",
                "unshifted images, evaluated on the test images moved 0..--max-shift pixels",
                "right, left, down and up: a table and accuracy_vs_shift.svg/.png.",
                "",
                "Defaults: the first 10,000 training images, the first 2,000 test images, adam",
                "lr 0.001, batch 64, 2 epochs; MLP 784-68-10 relu (54,070 parameters) against",
                "CNN conv 5x5 8 -> pool -> conv 5x5 16 -> pool -> 64 -> 10 (54,314 parameters).",
                ""},
        footer = {"", "Examples:",
                "  nabla experiment shift --data ../shared/data/mnist",
                "  nabla experiment shift --train-size 60000 --epochs 5 --test-size 10000 --json",
                "Exit codes: 0 done, 2 bad input."})
public final class ShiftCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernel;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the MNIST files (default: the cache, fetched on first use)")
    Path data;

    @Option(names = "--train-size", paramLabel = "N", defaultValue = "10000", description = "training images, from the start of the training split (default ${DEFAULT-VALUE})")
    int trainSize;

    @Option(names = "--test-size", paramLabel = "N", defaultValue = "2000", description = "test images, from the start of the test file, evaluated at every shift (default ${DEFAULT-VALUE})")
    int testSize;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "2", description = "epochs per model (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--lr", paramLabel = "X", defaultValue = "0.001", description = "adam's learning rate (default ${DEFAULT-VALUE})")
    String lr;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})")
    String batch;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "seed of the weights, the shuffling and the lesson's random kernels (default ${DEFAULT-VALUE})")
    String seed;

    @Option(names = "--hidden", paramLabel = "N[,N...]", defaultValue = "68", description = "the MLP's hidden sizes (default ${DEFAULT-VALUE})")
    String hidden;

    @Option(names = "--channels", paramLabel = "N[,N...]", defaultValue = "8,16", description = "the CNN's conv channels (default ${DEFAULT-VALUE})")
    String channels;

    @Option(names = "--kernel", paramLabel = "N", defaultValue = "5", description = "the CNN's kernel side (default ${DEFAULT-VALUE})")
    String kernelSide;

    @Option(names = "--fc", paramLabel = "N", defaultValue = "64", description = "the CNN's dense units (default ${DEFAULT-VALUE})")
    String fc;

    @Option(names = "--max-shift", paramLabel = "N", defaultValue = "6", description = "the largest shift in pixels (default ${DEFAULT-VALUE})")
    int maxShift;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default runs/shift-<yyyyMMdd-HHmmss>)")
    Path out;

    @Option(names = "--json", description = "print results.json on stdout (progress stays on stderr)")
    boolean json;

    /** The MLP and the CNN, each checked by its setting's declaration, trained alike. */
    List<TrainConfig> configs() {
        int[] h = TrainSettings.HIDDEN.parse(hidden, "--hidden");
        ModelSpec.Conv conv = new ModelSpec.Conv(TrainSettings.CHANNELS.parse(channels, "--channels"),
                TrainSettings.KERNEL.parse(kernelSide, "--kernel"), TrainSettings.FC.parse(fc, "--fc"), 0, false);
        long s = TrainSettings.SEED.parse(seed, "--seed");
        ModelSpec mlp = new ModelSpec("mlp", 784, h, "relu", 10, "kaiming", s);
        ModelSpec cnn = new ModelSpec("cnn", 784, null, "relu", 10, "kaiming", s).withConv(conv);
        double rate = TrainSettings.LR.parse(lr, "--lr");
        int b = TrainSettings.BATCH.parse(batch, "--batch");
        int e = TrainSettings.EPOCHS.parse(String.valueOf(epochs), "--epochs");
        return List.of(mlp, cnn).stream().map(m -> new TrainConfig(m, rate, 0, b, e, 0, false, "adam", s, 0,
                Schedule.constant(), Penalty.NONE, false)).toList();
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (maxShift < 0 || maxShift > 27) throw new InputException("--max-shift must be from 0 to 27 pixels, got " + maxShift);
        if (trainSize < 10) throw new InputException("--train-size must be at least 10, got " + trainSize);
        if (testSize < 10) throw new InputException("--test-size must be at least 10, got " + testSize);
        List<TrainConfig> configs = configs();
        kernel.apply();
        MnistSplits mnist = MnistData.load(data, err);
        if (trainSize > mnist.train().count()) {
            throw new InputException("--train-size " + trainSize + " exceeds the " + mnist.train().count() + " training images");
        }
        if (testSize > mnist.test().count()) {
            throw new InputException("--test-size " + testSize + " exceeds the " + mnist.test().count() + " test images");
        }
        Path dir = out != null ? out : Experiments.defaultOut("shift");
        var test = mnist.test().slice(0, testSize);
        long s = configs.get(0).seed();
        ShiftLesson.Result lesson = ShiftLesson.run(28, 3, test, Math.min(200, testSize), 8, maxShift, s);
        err.printf("lesson: circular conv vs its matrix, max |difference| %s; equivariance %.2e%n", lesson.matrixError(), lesson.equivarianceError());
        err.flush();
        Shift shift = new Shift(configs, maxShift, dir, err);
        var validation = mnist.validation().slice(0, Math.min(1000, mnist.validation().count()));
        var outcomes = shift.run(mnist.train().slice(0, trainSize), validation, test);
        Shift.Report report = shift.write(lesson, outcomes, trainSize, testSize);
        Experiments.print(stdout, json, report.json(), report.markdown(), dir);
        return Main.EXIT_OK;
    }
}
