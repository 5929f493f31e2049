package dev.nabla.spark;

import dev.nabla.cli.sweep.Sweep;
import dev.nabla.cli.sweep.TrialResult;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

/**
 * Runs a sweep's trials on Spark: one single-task job per trial, submitted side by side from driver threads, so
 * that the scheduler spreads them over the executors and each trial's run folder and table row arrive as soon as
 * it ends. A task lost with its executor is retried by Spark; a trial that threw is recorded as failed.
 */
final class SparkTrials implements Sweep.TrialExecutor {
    private final JavaSparkContext spark;
    private final Sweep sweep;
    private final Path dir;
    private final PrintWriter log;

    SparkTrials(JavaSparkContext spark, Sweep sweep, Path dir, PrintWriter log) {
        this.spark = spark;
        this.sweep = sweep;
        this.dir = dir;
        this.log = log;
    }

    @Override
    public void run(List<Integer> trials, BiConsumer<Integer, TrialResult> finished) {
        if (trials.isEmpty()) return;
        String planJson;
        try {
            planJson = Files.readString(dir.resolve(Sweep.PLAN));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(Sweep.PLAN), e);
        }
        ExecutorService submitters = Executors.newFixedThreadPool(trials.size(), r -> {
            Thread t = new Thread(r, "nabla-spark-trial");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int index : trials) {
                TrialTask task = new TrialTask(index, planJson, TrialTask.runFiles(dir.resolve(Sweep.trialName(index))));
                jobs.add(submitters.submit(() -> finished.accept(index, runOne(task))));
            }
            Sweep.awaitAll(jobs);
        } finally {
            submitters.shutdownNow();
        }
    }

    private TrialResult runOne(TrialTask task) {
        long start = System.nanoTime();
        String name = Sweep.trialName(task.index());
        spark.setJobDescription("nabla " + name);
        TrialTask.Outcome out;
        try {
            out = spark.parallelize(List.of(task), 1).map(TrialTask::run).collect().get(0);
        } catch (RuntimeException e) {
            // Spark gave up on the task (every retry lost): the trial is recorded as failed and runs again on resume
            say(task.index(), "failed on Spark: " + firstLine(e.getMessage()));
            return sweep.finishedOrFailed(task.index(), (System.nanoTime() - start) / 1e9);
        }
        RunFiles.write(dir.resolve(name), out.runFolder());
        if (out.error() != null) say(task.index(), "failed on " + out.host() + ": " + firstLine(out.error()));
        TrialResult r = sweep.finishedOrFailed(task.index(), out.seconds());
        if (out.error() == null) {
            say(task.index(), String.format(Locale.ROOT, "%s on %s: best val acc %.4f, %.1f s", r.status(), out.host(),
                    r.bestValAcc(), out.seconds()));
        }
        return r;
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private void say(int index, String text) {
        synchronized (log) {
            log.printf("[%s] %s%n", Sweep.trialName(index), text);
            log.flush();
        }
    }
}
