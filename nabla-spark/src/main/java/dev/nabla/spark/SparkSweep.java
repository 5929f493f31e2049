package dev.nabla.spark;

import dev.nabla.InputException;
import dev.nabla.cli.MnistData;
import dev.nabla.cli.config.ConfigLoader;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.run.RunLock;
import dev.nabla.cli.sweep.ParamSpec;
import dev.nabla.cli.sweep.Sweep;
import dev.nabla.cli.sweep.SweepPlan;
import dev.nabla.cli.sweep.TrialResult;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.train.TrainConfig;

import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A grid sweep on Apache Spark, from Java: one model per combination of parameter values, each trained by one
 * Spark task, with the sweep folder {@code nabla sweep --spark} writes (a run folder per trial, results.md/.csv/
 * .json, overlay plots) and its table returned. The same sweep gives the same table as {@code nabla sweep}
 * without Spark.
 *
 * <pre>{@code
 * List<TrialResult> table = SparkSweep.on("local[2]")           // or "spark://host:7077"
 *         .base(TrainConfig.defaults().withEpochs(5))
 *         .param("lr", 0.5, 0.1, 0.05)
 *         .seeds(1, 2)
 *         .data(Path.of("data/mnist"))
 *         .out(Path.of("runs/lr-sweep"))
 *         .run();
 * for (TrialResult t : table) System.out.println(t.label() + ": " + t.bestValAcc());
 * }</pre>
 *
 * <p>With {@link #resume(boolean) resume(true)} a sweep folder that holds the same sweep is finished: trials that
 * ended are read back and not run again. Bad settings throw {@link InputException} before anything runs.
 */
public final class SparkSweep {
    private final String master;
    private final JavaSparkContext context; // the caller's, left open; null: one of its own for the run
    private RunConfig base = RunConfig.defaults();
    private final Map<String, String> params = new LinkedHashMap<>();
    private Path data, out;
    private boolean resume;
    private PrintWriter log = new PrintWriter(System.err, true);

    private SparkSweep(String master, JavaSparkContext context) {
        this.master = master;
        this.context = context;
    }

    /**
     * A sweep on {@code master}: {@code local[N]} (Spark embedded in this JVM, N task slots) or
     * {@code spark://host:port}.
     */
    public static SparkSweep on(String master) {
        if (master == null || master.isBlank()) throw new InputException("SparkSweep: the Spark master is empty");
        return new SparkSweep(master, null);
    }

    /**
     * A sweep on the application's own Spark context (in a Spark application, or to run several on the same
     * executors); the context stays open.
     */
    public static SparkSweep on(JavaSparkContext spark) {
        return new SparkSweep(spark.master(), spark);
    }

    /** The settings every trial starts from (default: {@code nabla train}'s defaults). */
    public SparkSweep base(TrainConfig config) {
        base = ConfigLoader.parse(RunConfig.defaults(), RunConfig.toYaml(config), "the base TrainConfig");
        return this;
    }

    /** The settings every trial starts from, by {@code config.yaml} key ({@code "lr" -> "0.1"}, {@code "hidden" -> "256,128"}). */
    public SparkSweep base(Map<String, String> settings) {
        RunConfig rc = RunConfig.defaults();
        for (Map.Entry<String, String> e : settings.entrySet()) rc = rc.with(e.getKey(), e.getValue(), "base " + e.getKey());
        base = rc;
        return this;
    }

    /**
     * A setting to sweep over and its values (any train setting but threads; several hidden layers as
     * {@code "256/128"}); the trials are every combination of the values of all swept settings.
     */
    public SparkSweep param(String name, Object... values) {
        if (values.length == 0) throw new InputException("SparkSweep.param " + name + ": no values given");
        StringJoiner text = new StringJoiner(",");
        for (Object v : values) text.add(String.valueOf(v));
        params.put(name, text.toString());
        return this;
    }

    /** The seeds to train every combination with: {@code param("seed", ...)}. */
    public SparkSweep seeds(long... seeds) {
        Object[] values = new Object[seeds.length];
        for (int i = 0; i < seeds.length; i++) values[i] = seeds[i];
        return param("seed", values);
    }

    /** The MNIST folder (the four idx files, gzipped or not), at the same path on every executor (default: the cache). */
    public SparkSweep data(Path folder) {
        data = folder;
        return this;
    }

    /** The sweep folder on the driver (required). */
    public SparkSweep out(Path folder) {
        out = folder;
        return this;
    }

    /** Whether to finish a sweep that {@link #out(Path)} already holds (default: false, such a folder is refused). */
    public SparkSweep resume(boolean finishIt) {
        resume = finishIt;
        return this;
    }

    /** Where the trials' progress goes (default: stderr). */
    public SparkSweep log(PrintWriter to) {
        log = to;
        return this;
    }

    /**
     * Runs the trials still to run on Spark and returns every trial's row, in plan order: its settings
     * ({@link TrialResult#params()}), status, best validation accuracy and its epoch, test accuracy, final
     * training accuracy and seconds. A trial that failed (it threw, or Spark lost its task for good) has status
     * {@value Sweep#FAILED} and runs again on resume.
     *
     * @throws InputException for bad settings, a folder that holds another sweep, or a missing data folder
     */
    public List<TrialResult> run() {
        if (out == null) throw new InputException("SparkSweep: no sweep folder; give one with out(Path)");
        List<ParamSpec> specs = new ArrayList<>();
        params.forEach((name, values) -> specs.add(ParamSpec.parse(name + "=" + values, Sweep.SWEEPABLE)));
        Path dataDir = MnistData.folder(ImageDataset.MNIST, data, log).toAbsolutePath().normalize();
        // threads per trial are spark.task.cpus on Spark; the plan's count serves a resume without Spark
        Sweep.Plan plan = new Sweep.Plan(Sweep.Plan.baseText(base), SweepPlan.grid(specs), 1, command(), dataDir.toString(),
                Mnist.DEFAULT_VALIDATION_FRACTION);
        Sweep sweep = new Sweep(out, plan, base, log);
        sweep.configs(); // every trial's settings are checked before anything runs
        sweep.checkTrialFolders();
        try (RunLock lock = RunLock.acquire(out, "a nabla sweep on Spark")) {
            if (Files.exists(out.resolve(Sweep.PLAN))) {
                if (!resume) {
                    throw new InputException(out + " already holds a sweep (" + Sweep.PLAN + "); finish it with resume(true)"
                            + " or choose another folder");
                }
                // the same trials, however their settings were given (a TrainConfig or keys)
                Sweep.Plan saved = Sweep.Plan.read(out);
                List<String> were = new Sweep(out, saved, Sweep.baseConfig(saved), log).configs().stream().map(RunConfig::toYaml).toList();
                List<String> are = sweep.configs().stream().map(RunConfig::toYaml).toList();
                if (!were.equals(are)) {
                    throw new InputException(out + " holds another sweep: its " + Sweep.PLAN + " has base " + saved.base()
                            + " and trials " + saved.trials() + ", this one base " + plan.base() + " and trials " + plan.trials());
                }
            }
            log.printf("sweep of %d trial%s into %s on Spark (%s), one task per trial%n", plan.trials().size(),
                    plan.trials().size() == 1 ? "" : "s", out, master);
            log.flush();
            return sweep.run(context != null ? new SparkTrials(context, sweep, out, log)
                    : new SparkCluster().sweepTrials(master, sweep, out, log));
        }
    }

    /** How the plan file and the report name the sweep. */
    private String command() {
        StringBuilder sb = new StringBuilder("SparkSweep.on(\"" + master + "\")");
        params.forEach((k, v) -> sb.append(".param(\"").append(k).append("\", ").append(v).append(')'));
        return sb.append(".run()").toString();
    }
}
