package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.run.RunLock;
import dev.nabla.cli.sweep.ParamSpec;
import dev.nabla.cli.sweep.Sweep;
import dev.nabla.cli.sweep.SweepPlan;
import dev.nabla.cli.sweep.SweepTable;
import dev.nabla.cli.sweep.TrialResult;
import dev.nabla.datasets.mnist.MnistSplits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nabla sweep}: a grid or random search over any options of {@code train}, with a results table. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Train one model per combination of settings (a grid or a random search).",
        description = {
                "Train one model per combination of --param values (a grid), or per random",
                "draw (--random N), on top of the train options given; trials run side by side",
                "when there are cores to spare. Writes a folder with sweep.json, one run folder",
                "per trial (as train writes them), results.md/.csv/.json (the best trial by",
                "validation accuracy marked) and overlay plots val_accuracy/val_loss",
                "(.png/.svg). A sweep locks its folder, and each trial's (run.lock).",
                "",
                "--param NAME=VALUES, NAME any train option but --threads (model, hidden, lr,",
                "channels, augment, ...). VALUES: a list, lr=1,0.1,0.01; a value that itself",
                "holds commas writes them as '/': hidden=128,256/128 (128, then 256,128),",
                "augment=none,shift:2/flip. Or for --random a range: log:1e-3..1,",
                "uniform:0..0.9, int:64..512.",
                ""},
        footer = {"", "Examples:",
                "  nabla sweep --param lr=1,0.1,0.01,0.05",
                "  nabla sweep --config examples/course-twolayer.yaml \\",
                "      --param reg=0.1,0.01,0.001,0.0001,1",
                "  nabla sweep --random 12 --param lr=log:0.01..1 --param batch=32,64,128 \\",
                "      --epochs 30",
                "  nabla sweep --resume runs/sweep-20261123-101500",
                "Exit codes: 0 done (diverged trials are recorded, not errors), 2 bad input."})
public final class SweepCommand implements Callable<Integer> {

    /** The options a trial may vary. */
    static final List<String> SWEEPABLE = Sweep.SWEEPABLE;

    @Spec
    CommandSpec spec;

    @Mixin
    TrainOptions options;

    @Option(names = "--param", paramLabel = "NAME=VALUES", description = "an option to sweep (repeatable)")
    List<String> params = new ArrayList<>();

    @Option(names = "--random", paramLabel = "N", description = "random search: N draws instead of the full grid")
    Integer random;

    @Option(names = "--search-seed", paramLabel = "N", defaultValue = "1", description = "seed of the random search (default ${DEFAULT-VALUE})")
    long searchSeed;

    @Option(names = "--parallel", paramLabel = "N", description = "trials run side by side (default: one per core, at most the trials)")
    Integer parallel;

    @Option(names = "--out", paramLabel = "DIR", description = "sweep folder (default runs/sweep-<yyyyMMdd-HHmmss>)")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "finish the sweep in DIR: finished trials are kept, unfinished ones continue")
    Path resume;

    @Option(names = "--report", paramLabel = "FILE", description = "also write a Markdown report (table, best trial, plots) to FILE")
    Path report;

    @Option(names = "--title", paramLabel = "TEXT", defaultValue = "Sweep results", description = "the report's title (default: ${DEFAULT-VALUE})")
    String title;

    @Option(names = "--spark", paramLabel = "MASTER", description = "run the trials on Apache Spark, one task per trial "
            + "with spark.task.cpus threads: local[N] (embedded) or spark://HOST:PORT")
    String spark;

    @Option(names = "--json", description = "print results.json on stdout (progress stays on stderr)")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int cores = Runtime.getRuntime().availableProcessors();
        if (parallel != null && parallel < 1) throw new InputException("--parallel must be at least 1, got " + parallel);

        Path dir;
        Sweep.Plan plan;
        RunConfig base;
        if (resume != null) {
            if (!params.isEmpty() || random != null || !options.given().isEmpty() || options.config != null
                    || options.valFraction() != null || options.datasetGiven() != null) {
                throw new InputException("--resume " + resume + " finishes the sweep as it was planned in " + Sweep.PLAN
                        + "; leave out --param, --random, --config, --val-fraction, --dataset and the train options"
                        + " (--data may be given)");
            }
            dir = resume;
            plan = readPlan(resume);
            base = Sweep.baseConfig(plan);
        } else {
            base = options.runConfig();
            List<ParamSpec> specs = new ArrayList<>();
            for (String p : params) specs.add(ParamSpec.parse(p, SWEEPABLE));
            List<Map<String, String>> trials = random != null ? SweepPlan.random(specs, random, searchSeed) : SweepPlan.grid(specs);
            int p = parallel != null ? parallel : Math.min(cores, trials.size());
            String threadsOption = options.given().get("threads"); // checked by runConfig() above
            int threads = threadsOption != null ? Integer.parseInt(threadsOption) : Math.max(1, cores / Math.min(p, trials.size()));
            Path dataDir = MnistData.folder(options.dataset(), options.data, err).toAbsolutePath().normalize();
            plan = new Sweep.Plan(Sweep.Plan.baseText(base), trials, threads, commandLine(), dataDir.toString(),
                    options.valFractionOrDefault(), options.dataset().name());
            dir = out != null ? out : Path.of("runs", "sweep-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        Sweep sweep = new Sweep(dir, plan, base, err);
        sweep.configs(); // every trial's settings are checked before anything runs
        sweep.checkTrialFolders();
        try (RunLock lock = RunLock.acquire(dir, "nabla sweep")) {
            if (lock.takenOverFrom() != null) {
                err.println("note: taking over " + dir + " from " + lock.takenOverFrom() + ", which has ended");
            }
            if (resume == null && Files.exists(dir.resolve(Sweep.PLAN))) {
                throw new InputException("--out " + dir + " already holds a sweep; finish it with --resume " + dir
                        + " or choose another folder");
            }
            return sweep(sweep, dir, plan, base, stdout, err, cores);
        }
    }

    private int sweep(Sweep sweep, Path dir, Sweep.Plan plan, RunConfig base, PrintWriter stdout, PrintWriter err,
                      int cores) {
        for (String note : base.notes()) err.println(note);
        if (spark != null) {
            err.printf("sweep of %d trial%s into %s on Spark (%s), one task per trial%n", plan.trials().size(),
                    plan.trials().size() == 1 ? "" : "s", dir, spark);
            err.flush();
            return finish(sweep, sweep.run(Cluster.find("--spark").sweepTrials(spark, sweep, dir, err)), dir, stdout);
        }
        int p = parallel != null ? parallel : Math.max(1, Math.min(plan.trials().size(), cores / plan.threadsPerTrial()));
        err.printf("sweep of %d trial%s into %s, %d at a time, %d thread%s each%n", plan.trials().size(),
                plan.trials().size() == 1 ? "" : "s", dir, p, plan.threadsPerTrial(), plan.threadsPerTrial() == 1 ? "" : "s");
        err.flush();

        options.applyKernelChoice();
        Path dataDir = options.data != null ? options.data : plan.data() != null ? Path.of(plan.data()) : null;
        MnistSplits data = MnistData.load(ImageDataset.byName(plan.dataset(), Sweep.PLAN + ": dataset ="), dataDir,
                plan.validationFraction(), err);
        return finish(sweep, sweep.run(data, p), dir, stdout);
    }

    private Integer finish(Sweep sweep, List<TrialResult> results, Path dir, PrintWriter stdout) {
        if (report != null) sweep.writeReport(report, title, results);
        if (json) {
            stdout.println(SweepTable.jsonText(results));
        } else {
            stdout.print(SweepTable.markdown(results));
            int best = SweepTable.best(results);
            if (best >= 0) stdout.println("best trial by validation accuracy: " + results.get(best).label());
            stdout.println("sweep folder: " + dir);
        }
        stdout.flush();
        return Main.EXIT_OK;
    }

    private static Sweep.Plan readPlan(Path dir) {
        return Sweep.Plan.read(dir);
    }

    /** The command as typed (arguments with spaces quoted), for the plan and the report. */
    private String commandLine() {
        List<String> all = spec.commandLine().getParseResult().originalArgs(); // the whole line, from "sweep" on
        List<String> args = all.subList(Math.min(all.indexOf("sweep") + 1, all.size()), all.size());
        StringBuilder sb = new StringBuilder("nabla sweep");
        for (String a : args) sb.append(' ').append(a.matches("[\\w./:=,+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        return sb.toString();
    }
}
