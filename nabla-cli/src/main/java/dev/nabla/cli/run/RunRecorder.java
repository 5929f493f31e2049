package dev.nabla.cli.run;

import dev.nabla.cli.plot.Charts;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.optim.Optimizer;
import dev.nabla.train.EpochMetrics;
import dev.nabla.train.Replicas;
import dev.nabla.train.Splits;
import dev.nabla.train.StepLog;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainListener;
import dev.nabla.train.TrainResult;
import dev.nabla.train.TrainState;
import dev.nabla.train.Trainer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a training and keeps its {@link RunFolder} up to date: after every epoch the best model (when the epoch
 * is a new best), the checkpoint that names it, the history and {@code results.json} (status {@code running})
 * are rewritten whole, in that order, so a killed run loses at most the epoch in flight and the one whose files
 * were being written, and a resume repairs whatever the crash left half done ({@link RunFolder#repair}). The
 * charts are redrawn after the first epoch, then at most every {@link #CHART_INTERVAL_NANOS} (they lag a short
 * epoch or two behind), after the last epoch, and at the end if those are not the final ones. When the run
 * ends, {@code results.json} gets the test accuracy and the final status.
 *
 * <p>An epoch's files are written on a thread of their own while the next epoch trains (they took 0.03 s of
 * the training thread per epoch, and each drawing of the charts 0.1 s, against epochs of 0.3 s). The state they
 * are written from is a copy ({@link TrainState}), one epoch's writing at most is in flight, and a write that
 * failed stops the run at the next epoch's end (or at the end of the run) with its own error. The charts are
 * drawn on a third thread, which the training never waits for: an epoch that ends while they are still being
 * drawn skips its own drawing (the first one, which loads AWT and its fonts, took longer than an epoch).
 *
 * <p>{@link #runTraining} is the whole of {@code nabla train} minus argument parsing and data loading, so that
 * other commands (a sweep) can run trials in-process.
 */
public final class RunRecorder implements TrainListener {

    private final RunFolder folder;
    private final TrainConfig cfg;
    private final double secondsBefore; // time spent by the run before a resume
    private final long startNanos = System.nanoTime();
    /**
     * Least time between two drawings of the charts during a run. Drawing both (PNG and SVG) takes 0.1-0.2 s,
     * half of a short epoch or more; a run redraws them after its first epoch, then at most this often, and
     * always when it ends.
     */
    static final long CHART_INTERVAL_NANOS = 2_000_000_000L;
    private String modelSha256; // the model file the next checkpoint names
    private int chartEpochs; // epochs in the charts last drawn (0: none yet)
    private long chartNanos; // when they were drawn
    private final StepLog steps; // null unless the config asks for the loss of every step
    /** Writes an epoch's files while the next epoch trains. */
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nabla-run-files");
        t.setDaemon(true);
        return t;
    });
    private Future<?> writing; // the last epoch's files, or null
    /** Draws the charts, apart from the files, so that a slow drawing never holds up the next epoch. */
    private final ExecutorService drawer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nabla-run-charts");
        t.setDaemon(true);
        return t;
    });
    private Future<?> drawing; // the charts last handed to the drawer, or null

    RunRecorder(RunFolder folder, TrainConfig cfg, double secondsBefore) {
        this.folder = folder;
        this.cfg = cfg;
        this.secondsBefore = secondsBefore;
        this.steps = cfg.logSteps() ? new StepLog() : null;
    }

    /** Trains a fresh model on {@code data}, writing the run's files into {@code outDir}; quiet prints nothing. */
    public static TrainResult runTraining(TrainConfig cfg, MnistSplits data, Path outDir, boolean quiet) {
        TrainListener progress = quiet ? null : Progress.toStderr();
        return runTraining(cfg, data, outDir, null, progress);
    }

    /**
     * Trains on {@code data} with the run's files in {@code outDir}.
     *
     * @param resume   the checkpoint to continue from ({@link RunFolder#readCheckpoint()}), or null for a fresh run
     * @param progress told of every event too (progress display), or null
     * @return the result; its {@code seconds} include the time before a resume
     */
    public static TrainResult runTraining(TrainConfig cfg, MnistSplits data, Path outDir,
                                          RunFolder.Checkpoint resume, TrainListener progress) {
        return runTraining(cfg, data, outDir, resume, progress, null);
    }

    /**
     * {@link #runTraining(TrainConfig, MnistSplits, Path, RunFolder.Checkpoint, TrainListener)} as one of
     * data-parallel {@code replicas} (null: alone), {@code cfg.batchSize()} samples of every global batch each:
     * replica 0 keeps the run folder, the others train alike and write nothing.
     */
    public static TrainResult runTraining(TrainConfig cfg, MnistSplits data, Path outDir,
                                          RunFolder.Checkpoint resume, TrainListener progress, Replicas replicas) {
        boolean records = replicas == null || replicas.rank() == 0;
        if (records) Charts.warmUp();
        TrainConfig c = fitToData(cfg, data);
        Module model = Models.build(c.model()).to(c.dtype());
        if (resume != null) resume = resume.inNamesOf(model); // a checkpoint of the course's names and layout
        Optimizer opt = Trainer.optimizer(model, c);
        Splits splits = Splits.of(data.train(), data.validation(), data.test());
        if (!records) return Trainer.fit(model, opt, splits, c, progress, resume == null ? null : resume.state(), replicas);
        RunFolder folder = new RunFolder(outDir, data.dataset());
        if (resume != null) folder.checkConfigMatches(resume, c);
        folder.writeConfig(c);
        RunRecorder recorder = new RunRecorder(folder, c, resume == null ? 0 : resume.seconds());
        if (resume != null) recorder.modelSha256 = folder.repair(resume, c);
        else folder.deleteModel();
        TrainListener listener = progress == null ? recorder : both(recorder, progress);
        if (recorder.steps != null) listener = both(recorder.steps, listener);
        TrainResult r;
        try {
            r = Trainer.fit(model, opt, splits, c, listener, resume == null ? null : resume.state(), replicas);
            recorder.awaitFiles();
            recorder.drawing = await(recorder.drawing);
        } finally {
            // a run that failed leaves no file half written behind it (the other thread may still be at one)
            finish(recorder.writer);
            finish(recorder.drawer);
        }
        TrainResult total = new TrainResult(r.config(), r.history(), r.bestEpoch(), r.bestValAcc(), r.finalTrainAcc(),
                r.testAcc(), recorder.secondsBefore + r.seconds(), r.status(), r.message());
        folder.writeHistory(total.history());
        if (!total.history().isEmpty() && recorder.chartEpochs != total.history().size()) {
            folder.writeCharts(c, total.history());
        }
        if (recorder.steps != null) folder.writeSteps(c, recorder.steps, true);
        folder.writeResults(results(total));
        return total;
    }

    /** The results record of a finished run. */
    public static RunFolder.Results results(TrainResult r) {
        return new RunFolder.Results(r.config(), r.history(), r.bestEpoch(), r.bestValAcc(), r.finalTrainAcc(),
                r.testAcc(), r.seconds(), r.status(), r.message());
    }

    /** The config with the model's input size and classes taken from the data. */
    static TrainConfig fitToData(TrainConfig cfg, MnistSplits data) {
        ModelSpec s = cfg.model();
        return cfg.withModel(new ModelSpec(s.type(), data.train().features(), s.hidden(), s.activation(),
                data.train().classes(), s.init(), s.seed(), s.conv()));
    }

    @Override
    public void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
        double seconds = secondsBefore + (System.nanoTime() - startNanos) / 1e9;
        awaitFiles(); // the files of the epoch before, in order
        List<EpochMetrics> h = state.history();
        // the step log grows while the next epoch trains: written here, not with the rest
        if (steps != null) folder.writeSteps(cfg, steps, false);
        long now = System.nanoTime();
        // the last epoch's charts are drawn while the test runs, so that the end of the run need not draw them
        boolean due = chartEpochs == 0 || now - chartNanos >= CHART_INTERVAL_NANOS || h.size() == cfg.epochs();
        if (due && (drawing == null || drawing.isDone())) {
            drawing = await(drawing); // (a drawing that failed stops the run here)
            chartEpochs = h.size();
            chartNanos = now;
            drawing = drawer.submit(() -> folder.writeCharts(cfg, h));
        }
        writing = writer.submit(() -> {
            // the model first: the checkpoint names it, and a crash between the two is repaired from the checkpoint
            if (newBest) modelSha256 = folder.writeModel(cfg, state.bestWeights(), state.bestEpoch(), state.bestValAcc());
            folder.writeCheckpoint(state, seconds, cfg, modelSha256);
            folder.writeHistory(h);
            double finalTrainAcc = h.isEmpty() ? Double.NaN : h.get(h.size() - 1).trainAcc();
            folder.writeResults(new RunFolder.Results(cfg, h, state.bestEpoch(), state.bestValAcc(), finalTrainAcc,
                    Double.NaN, seconds, "running", null));
        });
    }

    /** Waits for the last epoch's files; a write that failed is rethrown here, on the training thread. */
    private void awaitFiles() {
        writing = await(writing);
    }

    /** Waits for {@code w} (nothing when null) and rethrows its failure on this thread; null, to forget it by. */
    private static Future<?> await(Future<?> w) {
        if (w == null) return null;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    w.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        return null;
    }

    /** Shuts {@code threads} down once the work handed to it is done. */
    private static void finish(ExecutorService threads) {
        threads.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (threads.awaitTermination(1, TimeUnit.MINUTES)) break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** A listener that tells {@code a}, then {@code b}, of every event a run's files and progress need. */
    public static TrainListener both(TrainListener a, TrainListener b) {
        return new TrainListener() {
            @Override
            public void onStart(Trainer trainer) {
                a.onStart(trainer);
                b.onStart(trainer);
            }

            @Override
            public void onLoss(Trainer trainer, int epoch, int batch, double loss) {
                a.onLoss(trainer, epoch, batch, loss);
                b.onLoss(trainer, epoch, batch, loss);
            }

            @Override
            public void onBatch(int epoch, int batch, int batches, double runningLoss, double runningAcc) {
                a.onBatch(epoch, batch, batches, runningLoss, runningAcc);
                b.onBatch(epoch, batch, batches, runningLoss, runningAcc);
            }

            @Override
            public void onEpoch(EpochMetrics m, boolean newBest, TrainState state) {
                a.onEpoch(m, newBest, state);
                b.onEpoch(m, newBest, state);
            }

            @Override
            public void onDiverged(int epoch, int batch, String message) {
                a.onDiverged(epoch, batch, message);
                b.onDiverged(epoch, batch, message);
            }
        };
    }
}
