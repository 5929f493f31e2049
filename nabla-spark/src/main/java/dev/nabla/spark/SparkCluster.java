package dev.nabla.spark;

import dev.nabla.cli.Cluster;
import dev.nabla.cli.sweep.Sweep;
import dev.nabla.cli.sweep.TrialResult;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * nabla on Apache Spark, found by the CLI through {@link java.util.ServiceLoader}. The Spark context lives for
 * one command: it starts when the trials start and stops when they end.
 */
public final class SparkCluster implements Cluster {

    @Override
    public Sweep.TrialExecutor sweepTrials(String master, Sweep sweep, Path sweepDir, PrintWriter log) {
        return (List<Integer> trials, BiConsumer<Integer, TrialResult> finished) -> {
            try (JavaSparkContext spark = context(master, "nabla sweep " + sweepDir.getFileName())) {
                new SparkTrials(spark, sweep, sweepDir, log).run(trials, finished);
            }
        };
    }

    /**
     * A context on {@code master}. Settings given as {@code spark.*} system properties (or by spark-submit) win;
     * otherwise the web UI stays off, and executors of a standalone cluster get the driver's class path, which
     * serves when the workers see the same installation (one machine, or nabla installed at the same path).
     */
    static JavaSparkContext context(String master, String appName) {
        SparkConf conf = new SparkConf().setAppName(appName).setIfMissing("spark.ui.enabled", "false");
        if (master != null) conf.setMaster(master);
        // the flags nabla runs with: the same kernels (SIMD where the driver has them) give the same bits everywhere
        conf.setIfMissing("spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector -Xss8m");
        if (master != null && master.startsWith("spark://")) {
            conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        }
        return new JavaSparkContext(conf);
    }
}
