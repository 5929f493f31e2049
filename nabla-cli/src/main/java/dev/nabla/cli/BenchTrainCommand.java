package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistFetcher;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.io.Json;
import dev.nabla.kernel.Kernels;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.optim.Optimizer;
import dev.nabla.train.EpochMetrics;
import dev.nabla.train.Splits;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainListener;
import dev.nabla.train.TrainResult;
import dev.nabla.train.TrainState;
import dev.nabla.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nabla bench train}: seconds per training epoch of one of the course's models on MNIST, trained by
 * {@link Trainer#fit} exactly as {@code nabla train} trains it (course defaults: batch 64, lr 0.1, L2 0.001), or
 * of a convolutional network (LeNet-5, or the cnn model with channels 32,64) with Adam, lr 0.001, no L2.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {
                "Seconds per training epoch of the course's two-layer net or softmax regression, or of LeNet-5 or "
                        + "the cnn model (channels 32,64; both with Adam, lr 0.001, no L2).",
                "An epoch: 48,000 MNIST images in shuffled batches of 64, the course's SGD (lr 0.1, L2 0.001), "
                        + "trained as `nabla train` trains. --warmup epochs (while the JIT compiles the step), then "
                        + "the median of --epochs timed ones. Data loading is timed apart; validation is not "
                        + "counted."},
        footer = {"", "Examples:", "  nabla bench train", "  nabla bench train --model softmax --epochs 5 --threads 1",
                "  nabla bench train --threads 2 --warmup 3 --epochs 5 --json"})
final class BenchTrainCommand implements Callable<Integer> {

    @Mixin
    KernelOptions kernel;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "twolayer",
            description = "twolayer (784-128-10, sigmoid), softmax (784-10, ReLU), lenet5 or cnn (channels 32,64, "
                    + "kernel 3, fc 128) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
            description = "Timed epochs after the warm-up one (default: ${DEFAULT-VALUE}); the median is reported.")
    int epochs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1",
            description = "Untimed epochs first (default: ${DEFAULT-VALUE}); the JIT compiles the Vector API "
                    + "kernels during the first two or three.")
    int warmup;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with the MNIST files, raw or .gz (default: $NABLA_DATA or ~/.cache/nabla/mnist).")
    Path data;

    @Option(names = "--json", description = "Print only one JSON object: epoch_seconds (the median), samples, "
            + "warmup_seconds (the first epoch), warmup_epochs, load_seconds, train_loss, train_acc, threads, "
            + "kernels, java.")
    boolean json;

    /** The measurement: every timed epoch's seconds, the first (warm-up) epoch's, and the data load's. */
    record Result(String model, int threads, String kernels, double[] samples, double warmupSeconds,
                  int warmupEpochs, double loadSeconds, double trainLoss, double trainAcc) {
        double median() {
            return BenchData.median(samples);
        }

        /** One line of JSON: impl, model, threads, kernels, java, epoch_seconds (the median), samples, ... */
        String toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("impl", "nabla");
            m.put("model", model);
            m.put("threads", threads);
            m.put("kernels", kernels);
            m.put("java", Runtime.version().toString());
            m.put("epoch_seconds", median());
            m.put("samples", samples);
            m.put("warmup_seconds", warmupSeconds);
            m.put("warmup_epochs", warmupEpochs);
            m.put("load_seconds", loadSeconds);
            m.put("train_loss", trainLoss);
            m.put("train_acc", trainAcc);
            return Json.write(m);
        }
    }

    @Override
    public Integer call() {
        if (epochs < 1) throw new InputException("--epochs must be >= 1, got " + epochs);
        if (warmup < 1) throw new InputException("--warmup must be >= 1, got " + warmup);
        ModelSpec spec = switch (model) {
            case "twolayer" -> ModelSpec.courseTwoLayer();
            case "softmax" -> ModelSpec.courseSoftmax();
            case "lenet5" -> ModelSpec.courseTwoLayer().withType("lenet5").withHidden();
            case "cnn" -> ModelSpec.courseTwoLayer().withType("cnn").withHidden(32, 64);
            default -> throw new InputException("--model '" + model + "': expected twolayer, softmax, lenet5 or cnn");
        };
        kernel.apply();
        Path dir = data != null ? data : MnistFetcher.defaultDir();
        long t0 = System.nanoTime();
        MnistSplits splits = Mnist.load(dir);
        double load = (System.nanoTime() - t0) / 1e9;
        if (!json) {
            System.out.printf(Locale.ROOT, "%s on %d thread(s), kernels %s; MNIST read in %.3f s%n", model,
                    kernel.threads(), Kernels.get().name(), load);
        }
        Result r = measure(spec, splits, warmup, epochs, kernel.threads(), load, json ? null : progress(warmup));
        if (json) {
            System.out.println(r.toJson());
        } else {
            System.out.printf(Locale.ROOT, "%s: %.3f s per training epoch (median of %d after %d warm-up epoch(s), "
                    + "the first %.3f s; all: %s)%n", model, r.median(), epochs, warmup, r.warmupSeconds(),
                    fmt(r.samples()));
        }
        return Main.EXIT_OK;
    }

    /** Trains {@code warmup + epochs} epochs of {@code spec} with the course's settings; the first are untimed. */
    static Result measure(ModelSpec spec, MnistSplits splits, int warmup, int epochs, int threads,
                          double loadSeconds, TrainListener listener) {
        TrainConfig cfg = TrainConfig.courseDefaults().withModel(spec).withEpochs(warmup + epochs).withThreads(threads);
        if (spec.type().equals("lenet5") || spec.type().equals("cnn")) {
            cfg = cfg.withOptimizer("adam").withLr(0.001).withReg(0);  // the course's SGD setting is for dense nets
        }
        Module net = Models.build(spec);
        Optimizer opt = Trainer.optimizer(net, cfg);
        TrainResult res = Trainer.fit(net, opt, Splits.of(splits.train(), splits.validation(), splits.test()), cfg, listener, null);
        if (!TrainResult.OK.equals(res.status())) throw new IllegalStateException(res.message());
        double[] s = res.history().stream().skip(warmup).mapToDouble(EpochMetrics::trainSeconds).toArray();
        EpochMetrics last = res.history().get(res.history().size() - 1);
        return new Result(spec.type(), threads, Kernels.get().name(), s, res.history().get(0).trainSeconds(),
                warmup, loadSeconds, last.trainLoss(), last.trainAcc());
    }

    private static TrainListener progress(int warmup) {
        return new TrainListener() {
            @Override
            public void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
                System.out.printf(Locale.ROOT, "  epoch %d%s: %.3f s (train loss %.4f, accuracy %.4f)%n", m.epoch(),
                        m.epoch() <= warmup ? " (warm-up)" : "", m.trainSeconds(), m.trainLoss(), m.trainAcc());
                System.out.flush();
            }
        };
    }

    private static String fmt(double[] xs) {
        return Arrays.stream(xs).mapToObj(x -> String.format(Locale.ROOT, "%.3f", x))
                .reduce((a, b) -> a + ", " + b).orElse("");
    }
}
