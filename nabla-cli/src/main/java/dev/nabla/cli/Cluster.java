package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.cli.sweep.Sweep;
import dev.nabla.io.Json;
import dev.nabla.tensor.DType;
import dev.nabla.train.TrainResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Where {@code --spark MASTER} sends work. The implementation lives in the nabla-spark module and is found through
 * {@link ServiceLoader}, so that the CLI, its other commands and their start-up carry no Spark; the launcher puts
 * that module and the Spark jars on the class path only for a command given {@code --spark}.
 */
public interface Cluster {

    /**
     * The file of a run folder trained by data-parallel workers: their count, the global batch, the bytes each
     * worker exchanged per step and the throughput. Its {@code workers} must match when the run is resumed.
     */
    String DISTRIBUTED = "distributed.json";

    /**
     * Runs the trials of the sweep whose plan is saved in {@code sweepDir} on {@code master}, one task per trial;
     * each trial's run folder comes back into {@code sweepDir} as the trial ends.
     */
    Sweep.TrialExecutor sweepTrials(String master, Sweep sweep, Path sweepDir, PrintWriter log);

    /**
     * Trains the run whose {@code config.yaml} lies in {@code job.dir()} (continuing from its checkpoint when
     * {@code job.resume()}) on {@code master} with {@code job.workers()} synchronous data-parallel workers, each
     * with a batch of the config's size: the run one process makes with a batch {@code workers} times larger.
     * Worker 0 writes the run folder, which every worker must be able to reach at the same path; its progress
     * lines and a summary of the exchanges go to {@code log}.
     */
    TrainResult train(String master, TrainJob job, PrintWriter log);

    /**
     * A scorer of weight agnostic networks that scores each population in tasks on {@code master}, as the local
     * threads would (the same scores); closing it stops the cluster's context.
     */
    dev.nabla.cli.experiment.wann.Scorer wannScorer(String master, String appName);

    /**
     * A data-parallel training.
     *
     * @param dir                the run folder (absolute)
     * @param data               the MNIST folder (absolute), read by every worker
     * @param validationFraction the last fraction of the training file that validates
     * @param dtype              the precision of the weights
     * @param scalarKernels      the scalar kernels instead of the Vector API ones (--no-simd)
     * @param workers            the number of workers
     * @param resume             continue from the folder's checkpoint, if it has one
     */
    record TrainJob(Path dir, Path data, double validationFraction, DType dtype, boolean scalarKernels, int workers,
                    boolean resume) {}

    /** The number of workers that trained the run in {@code dir}: that of its {@value #DISTRIBUTED}, else 1. */
    static int workersOf(Path dir) {
        Path f = dir.resolve(DISTRIBUTED);
        if (!Files.isRegularFile(f)) return 1;
        try {
            Object w = Json.parseObject(Files.readString(f), f.toString()).get("workers");
            if (!(w instanceof Number n) || n.intValue() < 1) {
                throw new InputException(f + ": 'workers' must be a positive number, got " + w);
            }
            return n.intValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /**
     * Refuses to continue the run in {@code dir} with another number of data-parallel workers than trained it
     * (its global batch would change): one clear line naming both counts.
     */
    static void checkWorkers(Path dir, int workers) {
        int was = workersOf(dir);
        if (was == workers) return;
        throw new InputException("cannot continue " + dir + " with " + processes(workers) + ": it was trained by "
                + processes(was) + " (a global batch of " + was + " x the batch); continue it with " + (was == 1
                ? "one process (no --spark)" : was + " workers (--spark MASTER --workers " + was + ")"));
    }

    private static String processes(int n) {
        return n == 1 ? "one process" : n + " workers";
    }

    /**
     * Removes a {@value #DISTRIBUTED} from a folder that holds no run (left by a data-parallel start that failed
     * before its first epoch), so that a new run there is not taken on resume for one of that many workers.
     *
     * @return whether there was one
     */
    static boolean removeStaleRecord(Path dir) {
        try {
            return Files.deleteIfExists(dir.resolve(DISTRIBUTED));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir.resolve(DISTRIBUTED), e);
        }
    }

    /** The cluster support on the class path; an input error naming the fix when there is none. */
    static Cluster find(String option) {
        for (Cluster c : ServiceLoader.load(Cluster.class)) return c;
        throw new InputException(option + " needs the nabla-spark module and the Spark jars on the class path; "
                + "run through ./nabla, which adds them for --spark, or spark-submit the nabla-spark jar");
    }
}
