package dev.nabla.spark;

import dev.nabla.cli.Cluster;
import dev.nabla.cli.experiment.wann.Scorer;
import dev.nabla.cli.run.RunFolder;
import dev.nabla.cli.sweep.Sweep;
import dev.nabla.cli.sweep.TrialResult;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;
import dev.nabla.train.EpochMetrics;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainResult;
import dev.nabla.train.TrainState;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * nabla on Apache Spark, found by the CLI through {@link java.util.ServiceLoader}; from Java, {@link SparkSweep}
 * and {@link DataParallelTraining} are the entry points. The Spark context lives for
 * one command: it starts when the trials (or the workers) start and stops when they end.
 */
public final class SparkCluster implements Cluster {
    /** Seconds a worker waits for a neighbour in the allreduce ring before its step fails (Spark conf key). */
    static final String ALLREDUCE_TIMEOUT = "spark.nabla.allreduce.timeout";
    /**
     * A barrier stage waits until the executors offer a slot per worker: look every 2 s for up to 2 minutes
     * (Spark looks every 15 s), so that a training starts soon after a fresh application's executors are up.
     */
    static final Map<String, String> BARRIER_WAIT = Map.of(
            "spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s",
            "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "60");
    /** The status of a training Spark gave up on. */
    static final String FAILED = "failed";

    @Override
    public Sweep.TrialExecutor sweepTrials(String master, Sweep sweep, Path sweepDir, PrintWriter log) {
        return (List<Integer> trials, BiConsumer<Integer, TrialResult> finished) -> {
            try (JavaSparkContext spark = context(master, "nabla sweep " + sweepDir.getFileName(), Map.of())) {
                new SparkTrials(spark, sweep, sweepDir, log).run(trials, finished);
            }
        };
    }

    @Override
    public TrainResult train(String master, TrainJob job, PrintWriter log) {
        return train(master, null, job, log);
    }

    /** {@link #train(String, TrainJob, PrintWriter)} on a context the caller owns, which stays open. */
    static TrainResult train(JavaSparkContext spark, TrainJob job, PrintWriter log) {
        return train(spark.master(), spark, job, log);
    }

    /** The training on {@code given}, or on a context of its own (null) that lives as long as the training. */
    private static TrainResult train(String master, JavaSparkContext given, TrainJob job, PrintWriter log) {
        RunFolder folder = new RunFolder(job.dir());
        TrainConfig config = folder.readConfig().resolve();
        int batch = config.batchSize();
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("workers", job.workers());
        record.put("batch_per_worker", batch);
        record.put("global_batch", batch * job.workers());
        record.put("master", master);
        log.printf(Locale.ROOT, "training on Spark (%s): %d workers, batch %d each, global batch %d%n", master,
                job.workers(), batch, batch * job.workers());
        log.flush();
        AtomicFiles.writeString(job.dir().resolve(DISTRIBUTED), Json.pretty(record) + "\n");
        List<DataParallelTask.Outcome> outcomes;
        JavaSparkContext spark = null;
        try {
            spark = given != null ? given : context(master, "nabla train " + job.dir().getFileName(), BARRIER_WAIT);
            DataParallelTask task = new DataParallelTask(job.dir().toString(), job.data().toString(),
                    job.validationFraction(), job.dtype(), job.scalarKernels(), job.resume(),
                    spark.getConf().getInt(ALLREDUCE_TIMEOUT, 120));
            spark.setJobDescription("nabla train: " + job.workers() + " data-parallel workers");
            try (ProgressTail tail = ProgressTail.follow(job.dir().resolve(DataParallelTask.PROGRESS), log)) {
                outcomes = DataParallelStage.run(spark, task, job.workers());
            }
        } catch (Exception e) { // Spark gave up on the stage (every attempt lost a worker), or the context did not start
            if (!(e instanceof SparkException)) throw e;
            return new TrainResult(config, List.of(), 0, Double.NaN, Double.NaN, Double.NaN, 0, FAILED,
                    "the training failed on Spark: " + firstLine(e.getMessage()) + "; continue it with --resume " + job.dir());
        } finally {
            if (given == null && spark != null) spark.stop();
        }
        DataParallelTask.Outcome o = outcomes.stream().filter(x -> x.rank() == 0).findFirst().orElseThrow();
        record.putAll(costs(o, job.workers()));
        AtomicFiles.writeString(job.dir().resolve(DISTRIBUTED), Json.pretty(record) + "\n");
        log.printf(Locale.ROOT, "%d workers (stage attempt %d): %.0f images/s in training; %d values (%.0f bytes) "
                        + "sent per step by each worker, %.2f ms per gradient allreduce%n", job.workers(),
                o.stageAttempt(), record.get("images_per_second"), o.valuesPerStep(), o.bytesPerStep(),
                o.allreduceSecondsPerStep() * 1e3);
        log.flush();
        List<EpochMetrics> history = List.of();
        int bestEpoch = 0;
        double bestValAcc = Double.NaN;
        if (Files.isRegularFile(folder.file(RunFolder.CHECKPOINT))) {
            TrainState s = folder.readCheckpoint().state();
            history = s.history();
            bestEpoch = s.bestEpoch();
            bestValAcc = s.bestValAcc();
        }
        double finalTrainAcc = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).trainAcc();
        return new TrainResult(config, history, bestEpoch, bestValAcc, finalTrainAcc, o.testAcc(), o.seconds(),
                o.status(), o.message());
    }

    @Override
    public Scorer wannScorer(String master, String appName) {
        return new WannScorer(context(master, appName, Map.of()), master);
    }

    /** What worker 0 measured, for {@value Cluster#DISTRIBUTED}. */
    private static Map<String, Object> costs(DataParallelTask.Outcome o, int workers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage_attempt", o.stageAttempt());
        m.put("steps", o.steps());
        m.put("values_per_step", o.valuesPerStep());
        m.put("bytes_sent_per_step", o.bytesPerStep());
        m.put("allreduce_seconds_per_step", o.allreduceSecondsPerStep());
        m.put("exchange_seconds", o.exchangeSeconds());
        m.put("train_seconds", o.trainSeconds());
        m.put("images_per_second", o.trainSeconds() > 0 ? o.trainImages() / o.trainSeconds() : Double.NaN);
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        return m;
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * A context on {@code master}. Settings given as {@code spark.*} system properties (or by spark-submit) win
     * over {@code defaults}; otherwise the web UI stays off, and executors of a standalone cluster get the driver's class path, which
     * serves when the workers see the same installation (one machine, or nabla installed at the same path).
     */
    static JavaSparkContext context(String master, String appName, Map<String, String> defaults) {
        SparkConf conf = new SparkConf().setAppName(appName).setIfMissing("spark.ui.enabled", "false");
        defaults.forEach(conf::setIfMissing);
        if (master != null) conf.setMaster(master);
        // the flags nabla runs with: the same kernels (SIMD where the driver has them) give the same bits everywhere
        conf.setIfMissing("spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector -Xss8m");
        if (master != null && master.startsWith("spark://")) {
            conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        }
        return new JavaSparkContext(conf);
    }
}
