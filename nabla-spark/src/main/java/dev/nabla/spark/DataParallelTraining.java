package dev.nabla.spark;

import dev.nabla.InputException;
import dev.nabla.cli.Cluster;
import dev.nabla.cli.MnistData;
import dev.nabla.cli.run.RunFolder;
import dev.nabla.cli.run.RunLock;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainResult;

import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Synchronous data-parallel training on Apache Spark, from Java: {@code workers} replicas of the model, one per
 * task of a barrier stage, each with {@code config.batchSize()} samples of every global batch, their gradients
 * summed by a ring allreduce at every step. It trains the model one process trains with a batch
 * {@code workers} times larger, and writes the run folder {@code nabla train --spark MASTER --workers N} writes
 * (worker 0 writes it, so it must lie at the same path for every worker: one machine, or a shared file system).
 *
 * <pre>{@code
 * TrainResult r = DataParallelTraining.on("local[2]")      // or "spark://host:7077"
 *         .workers(2)
 *         .data(Path.of("data/mnist"))
 *         .out(Path.of("runs/two-workers"))
 *         .train(TrainConfig.defaults().withBatchSize(64).withEpochs(5));
 * System.out.println(r.bestValAcc() + " " + r.testAcc());
 * }</pre>
 *
 * <p>Worker 0's progress lines reach {@link #log(PrintWriter) the log} through the run folder's
 * {@code progress.log}. A worker lost mid-run makes Spark run the stage again from the last checkpoint; a
 * training Spark gave up on returns status {@code failed} and continues with {@link #resume(boolean) resume(true)}.
 */
public final class DataParallelTraining {
    private final String master;
    private final JavaSparkContext context; // the caller's, left open; null: one of its own for the run
    private int workers = 2;
    private Path data, out;
    private boolean resume;
    private PrintWriter log = new PrintWriter(System.err, true);

    private DataParallelTraining(String master, JavaSparkContext context) {
        this.master = master;
        this.context = context;
    }

    /** A training on {@code master}: {@code local[N]} (Spark embedded, N task slots) or {@code spark://host:port}. */
    public static DataParallelTraining on(String master) {
        if (master == null || master.isBlank()) throw new InputException("DataParallelTraining: the Spark master is empty");
        return new DataParallelTraining(master, null);
    }

    /**
     * A training on the application's own Spark context (in a Spark application, or to run several on the same
     * executors); the context stays open.
     */
    public static DataParallelTraining on(JavaSparkContext spark) {
        return new DataParallelTraining(spark.master(), spark);
    }

    /** The number of replicas (default 2); the master needs a task slot for each at once. */
    public DataParallelTraining workers(int count) {
        if (count < 1) throw new InputException("DataParallelTraining.workers must be at least 1, got " + count);
        workers = count;
        return this;
    }

    /**
     * The MNIST folder (the four idx files), read by every worker at the same path (default: the one a resumed
     * run recorded, else the cache).
     */
    public DataParallelTraining data(Path folder) {
        data = folder;
        return this;
    }

    /** The run folder (required), reachable at the same path by the driver and every worker. */
    public DataParallelTraining out(Path folder) {
        out = folder;
        return this;
    }

    /**
     * Whether to continue the run in {@link #out(Path)} from its last checkpoint (default: false, a folder holding a
     * run is refused). The config must be the run's own, with as many or more epochs, and the same workers.
     */
    public DataParallelTraining resume(boolean continueIt) {
        resume = continueIt;
        return this;
    }

    /** Where worker 0's progress and the summary go (default: stderr). */
    public DataParallelTraining log(PrintWriter to) {
        log = to;
        return this;
    }

    /**
     * Trains {@code config} and returns its result: the epochs' history, the best epoch and its validation
     * accuracy, the test accuracy of its weights, and status {@code ok}, {@code diverged} or {@code failed}.
     * The run folder also holds {@code distributed.json} (workers, bytes exchanged per step, images/s).
     *
     * @throws InputException for a folder that holds another run, a resume that does not fit, or missing data
     */
    public TrainResult train(TrainConfig config) {
        if (out == null) throw new InputException("DataParallelTraining: no run folder; give one with out(Path)");
        Path dir = out.toAbsolutePath().normalize();
        RunFolder folder = new RunFolder(dir);
        try (RunLock lock = RunLock.acquire(dir, "a data-parallel training on Spark")) {
            RunFolder.DataSource recorded = resume ? folder.readDataSource() : null;
            if (resume) {
                Cluster.checkWorkers(dir, workers);
                if (Files.isRegularFile(folder.file(RunFolder.CHECKPOINT))) {
                    RunFolder.Checkpoint checkpoint = folder.readCheckpoint();
                    int done = checkpoint.state().epochsDone();
                    if (done > config.epochs()) {
                        throw new InputException("cannot continue " + dir + " for " + config.epochs() + " epochs: it has done "
                                + done + " already");
                    }
                    folder.checkConfigMatches(checkpoint, config);
                }
            } else if (folder.holdsRun()) {
                throw new InputException(dir + " already holds a run (" + RunFolder.RESULTS + "); continue it with "
                        + "resume(true) or choose another folder");
            } else {
                Cluster.removeStaleRecord(dir); // of a start that failed before its first epoch
            }
            ImageDataset dataset = recorded != null ? recorded.dataset() : ImageDataset.MNIST;
            double fraction = recorded != null ? recorded.validationFraction() : Mnist.DEFAULT_VALIDATION_FRACTION;
            Path given = data != null || recorded == null ? data : recorded.dir();
            Path dataDir = MnistData.folder(dataset, given, log).toAbsolutePath().normalize();
            folder.writeDataSource(new RunFolder.DataSource(dataDir, fraction, dataset));
            folder.writeConfig(config);
            Cluster.TrainJob job = new Cluster.TrainJob(dir, dataDir, fraction, config.dtype(), false, workers, resume);
            return context != null ? SparkCluster.train(context, job, log) : new SparkCluster().train(master, job, log);
        }
    }
}
