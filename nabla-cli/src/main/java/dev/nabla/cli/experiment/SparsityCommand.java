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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nabla experiment sparsity}: L1 by a proximal step against L1 by a subgradient. */
@Command(name = "sparsity", mixinStandardHelpOptions = true, sortOptions = false,
        header = "L1 by its proximal operator (exact zeros) against its subgradient (none).",
        description = {
                "Trains each model with growing L1 strength twice: with proxsgd (a gradient",
                "step, then soft thresholding) and with sgd on the subgradient of the L1 term.",
                "Reports test accuracy against the fraction of weight-matrix entries that are",
                "exactly zero: the proximal step gives exact zeros, the subgradient does not.",
                "",
                "Defaults: the first 20,000 training images, the course's twolayer network",
                "(sigmoid, Xavier init) and an mlp 256-128 relu (kaiming init), lr 0.1, no L2,",
                "batch 64, 5 epochs; the train options (--lr, --epochs, ...) apply to both",
                "models.",
                ""},
        footer = {"", "Examples:",
                "  nabla experiment sparsity",
                "  nabla experiment sparsity --penalty-kind group --strengths 0,0.001,0.01",
                "Exit codes: 0 done, 2 bad input."})
public final class SparsityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainOptions options;

    @Option(names = "--train-size", paramLabel = "N", defaultValue = "20000", description = "training images, from the start of the training split (default ${DEFAULT-VALUE})")
    int trainSize;

    @Option(names = "--strengths", paramLabel = "X[,X...]", split = ",", defaultValue = "0,0.0001,0.0003,0.001,0.003", description = "penalty strengths (default ${DEFAULT-VALUE})")
    List<Double> strengths;

    @Option(names = "--penalty-kind", paramLabel = "l1|group", defaultValue = "l1", description = "l1 (single weights) or group (rows: a unit's input weights) (default ${DEFAULT-VALUE})")
    String kind;

    @Option(names = "--models", paramLabel = "M[,M...]", split = ",", defaultValue = "twolayer,mlp", description = "models: twolayer (the course's), mlp (256-128 relu) (default ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default runs/sparsity-<yyyyMMdd-HHmmss>)")
    Path out;

    @Option(names = "--json", description = "print results.json on stdout (progress stays on stderr)")
    boolean json;

    static RunConfig defaults() {
        return RunConfig.defaults()
                .with("reg", "0", "sparsity default")
                .with("epochs", "5", "sparsity default");
    }

    /**
     * The course's network with Xavier init: from its own {@code 0.001 * randn} weights it sits on the plateau
     * around zero for hundreds of steps (chance accuracy after 2 epochs of 5,000 images), and soft thresholding
     * zeroes those tiny first-layer weights before their gradients can grow them.
     */
    static RunConfig twolayer(RunConfig base) {
        return base.with("model", "twolayer", "--models").with("init", "xavier", "--models");
    }

    static RunConfig mlp(RunConfig base) {
        return base.with("model", "mlp", "--models").with("hidden", "256,128", "--models")
                .with("activation", "relu", "--models").with("init", "kaiming", "--models");
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        for (double s : strengths) {
            if (!(s >= 0) || Double.isInfinite(s)) throw new InputException("--strengths: " + s + " is not a number >= 0");
        }
        if (!kind.equals("l1") && !kind.equals("group")) {
            throw new InputException("--penalty-kind " + kind + " is not allowed: expected l1 or group");
        }
        RunConfig base = options.runConfig(defaults());
        List<TrainConfig> cfgs = new ArrayList<>();
        for (String m : models) {
            switch (m.trim()) {
                case "twolayer" -> cfgs.add(twolayer(base).resolve());
                case "mlp" -> cfgs.add(mlp(base).resolve());
                default -> throw new InputException("--models: " + m + " is not allowed: expected twolayer or mlp");
            }
        }
        Path dir = out != null ? out : Experiments.defaultOut("sparsity");
        var data = Experiments.load(options, trainSize, err);
        Sparsity.Report report = new Sparsity(cfgs, kind, strengths, dir, err).run(data.train().slice(0, trainSize), data.test());
        Experiments.print(stdout, json, report.json(), report.markdown() + "\n" + report.finding(), dir);
        return Main.EXIT_OK;
    }
}
