package dev.nabla.spark;

import dev.nabla.cli.run.Progress;
import dev.nabla.cli.run.RunFolder;
import dev.nabla.cli.run.RunRecorder;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.kernel.KernelProvider;
import dev.nabla.tensor.DType;
import dev.nabla.train.EpochMetrics;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainListener;
import dev.nabla.train.TrainResult;
import dev.nabla.train.TrainState;
import org.apache.spark.BarrierTaskContext;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * One worker of a data-parallel training, as a task of a barrier stage: it joins the allreduce ring (addresses
 * swapped through {@link BarrierTaskContext#allGather}), reads the run's config (and, when resuming or when Spark
 * retries the stage after a lost worker, its last checkpoint) from the run folder, and trains its replica on its
 * shard of every global batch. Worker 0 writes the run folder as a local run would, and its progress lines into
 * the folder's {@value #PROGRESS}, which the driver copies onto its own terminal.
 *
 * @param dir            the run folder, reachable by every worker
 * @param data           the MNIST folder
 * @param dtype          the weights' precision
 * @param timeoutSeconds how long a worker waits for a neighbour before the step fails
 */
record DataParallelTask(String dir, String data, double validationFraction, DType dtype, boolean scalarKernels,
                        boolean resume, int timeoutSeconds) implements Serializable {

    /** What a worker reports at the end: the run's outcome and what the exchanges cost. */
    record Outcome(int rank, String host, int stageAttempt, String status, String message, double testAcc,
                   double seconds, long steps, int valuesPerStep, double bytesPerStep, double allreduceSecondsPerStep,
                   double exchangeSeconds, double trainSeconds, long trainImages) implements Serializable {}

    /** Worker 0's progress lines in the run folder (its stderr is an executor's, which the user does not see). */
    static final String PROGRESS = "progress.log";

    /** Called on every worker after each epoch, with its task context; tests make a worker fail here. */
    static volatile BiConsumer<BarrierTaskContext, EpochMetrics> afterEpochForTests;

    Outcome run() {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId(), size = ctx.getTaskInfos().length;
        long start = System.nanoTime();
        PrintWriter log = new PrintWriter(System.err, true);
        RunFolder folder = new RunFolder(Path.of(dir));
        TrainConfig cfg = folder.readConfig().resolve();
        // a retried stage continues from the last epoch worker 0 saved
        boolean continues = resume || ctx.stageAttemptNumber() > 0;
        RunFolder.Checkpoint checkpoint = continues && Files.isRegularFile(folder.file(RunFolder.CHECKPOINT))
                ? folder.readCheckpoint() : null;
        MnistSplits splits = ExecutorData.mnist(data, validationFraction, log).named(folder.readDataSource().dataset());
        String host = ctx.getTaskInfos()[rank].address();
        String bind = host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        try (RingAllreduce ring = RingAllreduce.join(rank, size, bind, mine -> Arrays.asList(ctx.allGather(mine)),
                timeoutSeconds * 1000);
             var kernels = ExecutionContext.with(scalarKernels ? KernelProvider.scalar() : ExecutionContext.current().kernels(),
                     TrialTask.taskCpus())) {
            RingReplicas replicas = new RingReplicas(ring);
            Timing timing = new Timing(ctx, splits.train().count());
            PrintWriter lines = rank == 0 ? progressFile(folder) : null;
            TrainListener progress = rank == 0 ? RunRecorder.both(new Progress(lines, lines, false), timing) : timing;
            TrainResult r;
            try {
                r = RunRecorder.runTraining(cfg.withDType(dtype), splits, folder.dir(), checkpoint, progress, replicas);
            } finally {
                if (lines != null) lines.close();
            }
            return new Outcome(rank, bind, ctx.stageAttemptNumber(), r.status(), r.message(), r.testAcc(),
                    TrialTask.seconds(start), replicas.steps(), replicas.elements(), replicas.gradientBytesPerStep(),
                    replicas.gradientSecondsPerStep(), replicas.exchangeSeconds(), timing.trainSeconds, timing.images);
        }
    }

    /** {@value #PROGRESS} of the run folder, appended to (a resumed or retried run adds its lines). */
    private static PrintWriter progressFile(RunFolder folder) {
        try {
            return new PrintWriter(Files.newBufferedWriter(folder.file(PROGRESS), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + folder.file(PROGRESS), e);
        }
    }

    /** The training time and images of this attempt's epochs (validation left out). */
    private static final class Timing implements TrainListener {
        private final BarrierTaskContext ctx;
        private final int trainSize;
        double trainSeconds;
        long images;

        Timing(BarrierTaskContext ctx, int trainSize) {
            this.ctx = ctx;
            this.trainSize = trainSize;
        }

        @Override
        public void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
            trainSeconds += m.trainSeconds();
            images += trainSize;
            BiConsumer<BarrierTaskContext, EpochMetrics> hook = afterEpochForTests;
            if (hook != null) hook.accept(ctx, m);
        }
    }
}
