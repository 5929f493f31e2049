package dev.nabla.spark;

import dev.nabla.cli.run.RunLock;
import dev.nabla.cli.sweep.Sweep;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.kernel.ExecutionContext;
import org.apache.spark.TaskContext;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One trial of a sweep as a Spark task: the plan's text and whatever the trial's run folder already holds (a
 * checkpoint to continue from) go out; the trial runs in a scratch folder on the executor with
 * {@code spark.task.cpus} kernel threads, and its whole run folder comes back as the {@link Outcome}. A retried
 * task starts again from what the driver sent, so a lost executor changes nothing in the result.
 */
record TrialTask(int index, String planJson, Map<String, byte[]> runFolder) implements Serializable {

    /** The trial's run folder after it ran; {@code error} is null unless the trial threw. */
    record Outcome(int index, Map<String, byte[]> runFolder, String error, double seconds, String host) implements Serializable {}

    Outcome run() {
        long start = System.nanoTime();
        String host = hostName();
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("nabla-trial-");
            Files.writeString(scratch.resolve(Sweep.PLAN), planJson);
            Path trialDir = scratch.resolve(Sweep.trialName(index));
            RunFiles.write(trialDir, runFolder);
            Sweep.Plan plan = Sweep.Plan.read(scratch);
            PrintWriter log = new PrintWriter(System.err, true);
            MnistSplits data = ExecutorData.mnist(plan.data(), plan.validationFraction(), log);
            try (var ctx = ExecutionContext.withThreads(taskCpus())) {
                new Sweep(scratch, plan, Sweep.baseConfig(plan), log).runTrial(index, data);
            }
            return new Outcome(index, runFiles(trialDir), null, seconds(start), host);
        } catch (IOException e) {
            throw new UncheckedIOException("trial " + index + " on " + host + ": cannot use its scratch folder", e);
        } catch (RuntimeException e) {
            // the trial itself failed (bad data, a bug): record it and let the sweep go on; Spark retries only lost tasks
            Map<String, byte[]> partial = scratch == null ? Map.of() : runFiles(scratch.resolve(Sweep.trialName(index)));
            return new Outcome(index, partial, e.toString(), seconds(start), host);
        } finally {
            if (scratch != null) RunFiles.delete(scratch);
        }
    }

    /** The trial's files, less its lock: the lock belongs to the folder it was taken in. */
    static Map<String, byte[]> runFiles(Path trialDir) {
        Map<String, byte[]> files = RunFiles.read(trialDir);
        files.remove(RunLock.FILE);
        return files;
    }

    /** Kernel threads for this task: the cores Spark gave it ({@code spark.task.cpus}). */
    static int taskCpus() {
        TaskContext ctx = TaskContext.get();
        return ctx == null ? 1 : Math.max(1, ctx.cpus());
    }

    static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }
}
