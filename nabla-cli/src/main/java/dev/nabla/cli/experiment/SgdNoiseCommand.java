package dev.nabla.cli.experiment;

import dev.nabla.InputException;
import dev.nabla.cli.Main;
import dev.nabla.cli.TrainOptions;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nabla experiment sgd-noise}: full-batch gradient descent against SGD at several batch sizes. */
@Command(name = "sgd-noise", mixinStandardHelpOptions = true, sortOptions = false,
        header = "SGD is not a descent method: how often a step raises the training loss.",
        description = {
                "Trains the same network from the same initial weights for the same number of",
                "steps with full-batch gradient descent and with SGD at several batch sizes.",
                "After every step the training loss is evaluated on all training images (or on",
                "the first --eval-size); the table gives the fraction of steps on which it went",
                "up, and the final accuracies; the figures show the loss per step.",
                "",
                "Defaults: the first 5,000 training images, twolayer 784-128-10 with relu and",
                "kaiming init, sgd lr 0.1 without momentum or L2, 1,000 steps; batch sizes 5000",
                "(full batch), 500, 50, 10.",
                ""},
        footer = {"", "Examples:",
                "  nabla experiment sgd-noise",
                "  nabla experiment sgd-noise --batches 5000,100,1 --steps 300 --lr 0.05",
                "Exit codes: 0 done, 2 bad input."})
public final class SgdNoiseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainOptions options;

    @Option(names = "--train-size", paramLabel = "N", defaultValue = "5000", description = "training images, from the start of the training split (default ${DEFAULT-VALUE})")
    int trainSize;

    @Option(names = "--batches", paramLabel = "N[,N...]", split = ",", defaultValue = "5000,500,50,10", description = "batch sizes; --train-size or more is full-batch gradient descent (default ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "1000", description = "steps per batch size (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--eval-size", paramLabel = "N", description = "evaluate the training loss after every step on the first N training images only (default: all of them, the full training loss)")
    Integer evalSize;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default runs/sgd-noise-<yyyyMMdd-HHmmss>)")
    Path out;

    @Option(names = "--json", description = "print results.json on stdout (progress stays on stderr)")
    boolean json;

    static RunConfig defaults() {
        // relu with kaiming init: the course's sigmoid network with 0.001 * randn weights barely moves in 1,000
        // full-batch steps, which would hide the comparison
        return RunConfig.defaults().with("reg", "0", "sgd-noise default").with("activation", "relu", "sgd-noise default")
                .with("init", "kaiming", "sgd-noise default");
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (steps < 1) throw new InputException("--steps must be at least 1, got " + steps);
        if (evalSize != null && evalSize < 1) throw new InputException("--eval-size must be at least 1, got " + evalSize);
        for (int b : batches) if (b < 1) throw new InputException("--batches: " + b + " is not a batch size >= 1");
        TrainConfig cfg = options.runConfig(defaults()).resolve();
        if (!cfg.optimizer().equals("sgd") || cfg.momentum() != 0) {
            throw new InputException("sgd-noise compares plain steps: expected optimizer sgd without momentum, got "
                    + cfg.optimizer() + (cfg.momentum() != 0 ? " with momentum " + cfg.momentum() : ""));
        }
        Path dir = out != null ? out : Experiments.defaultOut("sgd-noise");
        var data = Experiments.load(options, trainSize, err);
        int evaluated = evalSize == null ? trainSize : Math.min(evalSize, trainSize);
        SgdNoise.Report report = new SgdNoise(cfg, batches, steps, evaluated, dir, err)
                .run(data.train().slice(0, trainSize), data.test());
        Experiments.print(stdout, json, report.json(), report.markdown(), dir);
        return Main.EXIT_OK;
    }
}
