package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.cli.config.ConfigLoader;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.plot.Charts;
import dev.nabla.cli.run.Progress;
import dev.nabla.cli.run.RunFolder;
import dev.nabla.cli.run.RunRecorder;
import dev.nabla.data.MnistSplits;
import dev.nabla.kernel.KernelProvider;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nabla train}: trains one model on MNIST and writes a run folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Train a model on MNIST (48,000 training, 12,000 validation, 10,000 test images) and write a run folder:",
                "config.yaml, history.csv, results.json, loss.png/.svg, accuracy.png/.svg, model.safetensors (best epoch),",
                "checkpoint.safetensors + checkpoint.json; every file is rewritten whole after each epoch.",
                "With no options: the course's two-layer net (hidden 128, sigmoid), batch 64, lr 0.1, reg 0.001, 10 epochs,",
                "seed 1024, numpy init. Options override the --config file. Without --data, MNIST is fetched into the cache",
                "on first use."},
        footer = {"", "Examples:",
                "  nabla train",
                "  nabla train --config examples/course-twolayer.yaml --epochs 5",
                "  nabla train --model mlp --hidden 256,128 --activation relu --momentum 0.9 --nesterov",
                "  nabla train --resume runs/20261123-101500-twolayer --epochs 20",
                "Exit codes: 0 done, 1 the run diverged or failed, 2 bad input."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config: the course's format (Train:/Model:) or nabla's flat keys")
    Path config;

    @Option(names = "--model", paramLabel = "softmax|twolayer|mlp", description = "model (default twolayer)")
    String model;

    @Option(names = "--hidden", paramLabel = "N[,N...]", description = "hidden layer sizes (default 128)")
    String hidden;

    @Option(names = "--activation", paramLabel = "relu|sigmoid|tanh", description = "hidden activation (twolayer: sigmoid, mlp: relu)")
    String activation;

    @Option(names = "--lr", paramLabel = "X", description = "learning rate > 0 (default 0.1)")
    String lr;

    @Option(names = "--reg", paramLabel = "X", description = "L2 regularization of the weights, >= 0 (default 0.001)")
    String reg;

    @Option(names = "--batch", paramLabel = "N", description = "batch size (default 64)")
    String batch;

    @Option(names = "--epochs", paramLabel = "N", description = "epochs (default 10)")
    String epochs;

    @Option(names = "--momentum", paramLabel = "X", description = "SGD momentum in [0, 1) (default 0)")
    String momentum;

    @Option(names = "--nesterov", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Nesterov momentum")
    String nesterov;

    @Option(names = "--optimizer", paramLabel = "sgd|adam", description = "optimizer (default sgd)")
    String optimizer;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the initial weights and the shuffling (default 1024)")
    String seed;

    @Option(names = "--init", paramLabel = "numpy|normal|xavier|kaiming", description = "weight initialisation (default numpy)")
    String init;

    @Option(names = "--threads", paramLabel = "N", description = "threads for the kernels (default: all cores)")
    String threads;

    @Option(names = "--no-simd", description = "use the scalar kernels instead of the Vector API ones")
    boolean noSimd;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the MNIST files (default: the cache, fetched on first use)")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "run folder (default runs/<yyyyMMdd-HHmmss>-<model>)")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "continue the run in DIR from its last checkpoint (--epochs may raise the total)")
    Path resume;

    @Option(names = "--json", description = "print results.json on stdout (progress stays on stderr)")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter lines = json ? err : stdout;

        RunConfig rc;
        RunFolder.Checkpoint checkpoint = null;
        Path dir;
        if (resume != null) {
            rc = resumeConfig();
            dir = resume;
        } else {
            rc = applyOptions(config == null ? RunConfig.defaults() : ConfigLoader.load(config));
            dir = null;
        }
        TrainConfig cfg = rc.resolve();
        if (resume != null) {
            checkpoint = new RunFolder(resume).readCheckpoint();
        } else {
            dir = out != null ? out : RunFolder.defaultDir(Path.of("runs"), cfg.model().type(), LocalDateTime.now());
            if (new RunFolder(dir).holdsRun()) {
                throw new InputException("--out " + dir + " already holds a run (" + RunFolder.RESULTS
                        + "); continue it with --resume " + dir + " or choose another folder");
            }
        }
        for (String note : rc.notes()) err.println(note);
        err.flush();

        Charts.warmUp(); // while the data loads
        if (noSimd) KernelProvider.useSimd(false);
        MnistSplits splits = MnistData.load(data, err);
        if (checkpoint != null) {
            lines.println("resuming " + dir + " after epoch " + checkpoint.state().epochsDone() + " of " + cfg.epochs());
        }
        TrainResult r = RunRecorder.runTraining(cfg, splits, dir, checkpoint, new Progress(err, lines, Progress.onTerminal()));

        if (json) {
            stdout.print(read(dir.resolve(RunFolder.RESULTS)));
            stdout.flush();
        } else {
            printSummary(lines, r, dir);
        }
        if (!"ok".equals(r.status())) {
            err.println("nabla train: " + r.message());
            err.println("everything up to the last finished epoch is in " + dir);
            err.flush();
            return Main.EXIT_FAILED;
        }
        return Main.EXIT_OK;
    }

    /** The options given on the command line, by config key (the hyper-parameters, not --data/--out/...). */
    Map<String, String> givenOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "model", model);
        put(m, "hidden", hidden);
        put(m, "activation", activation);
        put(m, "lr", lr);
        put(m, "reg", reg);
        put(m, "batch", batch);
        put(m, "epochs", epochs);
        put(m, "momentum", momentum);
        put(m, "nesterov", nesterov);
        put(m, "optimizer", optimizer);
        put(m, "seed", seed);
        put(m, "init", init);
        put(m, "threads", threads);
        return m;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) m.put(key, value);
    }

    private RunConfig applyOptions(RunConfig rc) {
        for (Map.Entry<String, String> e : givenOptions().entrySet()) {
            rc = rc.with(e.getKey(), e.getValue(), "--" + e.getKey());
        }
        return rc;
    }

    // A resumed run keeps its hyper-parameters (else it would not end as the uninterrupted run would);
    // only the number of epochs and the thread count may change.
    private RunConfig resumeConfig() {
        if (config != null) {
            throw new InputException("--resume " + resume + " continues with the run's own " + RunFolder.CONFIG
                    + "; leave out --config " + config);
        }
        if (out != null && !out.toAbsolutePath().normalize().equals(resume.toAbsolutePath().normalize())) {
            throw new InputException("--resume " + resume + " writes into the run's own folder; leave out --out " + out);
        }
        RunConfig rc = new RunFolder(resume).readConfig();
        for (Map.Entry<String, String> e : givenOptions().entrySet()) {
            String key = e.getKey();
            if (!key.equals("epochs") && !key.equals("threads")) {
                throw new InputException("--" + key + " " + e.getValue() + " cannot be changed when resuming "
                        + resume + " (only --epochs and --threads can); start a new run instead");
            }
            rc = rc.with(key, e.getValue(), "--" + key);
        }
        return rc;
    }

    static void printSummary(PrintWriter w, TrainResult r, Path dir) {
        if (r.bestEpoch() > 0) {
            w.printf(Locale.ROOT, "best epoch %d of %d: validation accuracy %.4f; test accuracy %.4f (best epoch's weights); %.1f s%n",
                    r.bestEpoch(), r.history().size(), r.bestValAcc(), r.testAcc(), r.seconds());
        }
        w.println("run folder: " + dir);
        w.flush();
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
