package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.cli.sweep.Sweep;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Where {@code --spark MASTER} sends work. The implementation lives in the nabla-spark module and is found through
 * {@link ServiceLoader}, so that the CLI, its other commands and their start-up carry no Spark; the launcher puts
 * that module and the Spark jars on the class path only for a command given {@code --spark}.
 */
public interface Cluster {

    /**
     * Runs the trials of the sweep whose plan is saved in {@code sweepDir} on {@code master}, one task per trial;
     * each trial's run folder comes back into {@code sweepDir} as the trial ends.
     */
    Sweep.TrialExecutor sweepTrials(String master, Sweep sweep, Path sweepDir, PrintWriter log);

    /** The cluster support on the class path; an input error naming the fix when there is none. */
    static Cluster find(String option) {
        for (Cluster c : ServiceLoader.load(Cluster.class)) return c;
        throw new InputException(option + " needs the nabla-spark module and the Spark jars on the class path; "
                + "run through ./nabla, which adds them for --spark, or spark-submit the nabla-spark jar");
    }
}
