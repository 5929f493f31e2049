package dev.nabla.cli;

import dev.nabla.cli.config.ConfigLoader;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.kernel.KernelProvider;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options that describe a training run, shared by {@code train} and {@code sweep} (whose trials start from
 * them). Values are kept as text and checked by {@link RunConfig}, the same code that checks config files.
 */
public final class TrainOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config: the course's format (Train:/Model:) or nabla's flat keys")
    Path config;

    @Option(names = "--model", paramLabel = "softmax|twolayer|mlp", description = "model (default twolayer)")
    String model;

    @Option(names = "--hidden", paramLabel = "N[,N...]", description = "hidden layer sizes (default 128)")
    String hidden;

    @Option(names = "--activation", paramLabel = "relu|sigmoid|tanh", description = "hidden activation (twolayer: sigmoid, mlp: relu)")
    String activation;

    @Option(names = "--lr", paramLabel = "X", description = "learning rate > 0 (default 0.1)")
    String lr;

    @Option(names = "--reg", paramLabel = "X", description = "L2 regularization of the weights, >= 0 (default 0.001)")
    String reg;

    @Option(names = "--batch", paramLabel = "N", description = "batch size (default 64)")
    String batch;

    @Option(names = "--epochs", paramLabel = "N", description = "epochs (default 10)")
    String epochs;

    @Option(names = "--momentum", paramLabel = "X", description = "SGD momentum in [0, 1) (default 0)")
    String momentum;

    @Option(names = "--nesterov", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Nesterov momentum")
    String nesterov;

    @Option(names = "--optimizer", paramLabel = "sgd|adam|adamw", description = "optimizer (default sgd)")
    String optimizer;

    @Option(names = "--schedule", paramLabel = "constant|step:N:G|cosine", description = "learning rate per epoch: constant (default), step:N:G (times G every N epochs), cosine[:MIN]")
    String schedule;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the initial weights and the shuffling (default 1024)")
    String seed;

    @Option(names = "--init", paramLabel = "numpy|normal|xavier|kaiming", description = "weight initialisation (default numpy)")
    String init;

    @Option(names = "--threads", paramLabel = "N", description = "threads for the kernels (default: all cores)")
    String threads;

    @Option(names = "--no-simd", description = "use the scalar kernels instead of the Vector API ones")
    boolean noSimd;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the MNIST files (default: the cache, fetched on first use)")
    Path data;

    /** The --data folder, or null for the cache. */
    public Path data() {
        return data;
    }

    /** The options given on the command line, by config key (the hyper-parameters, not --data/--out/...). */
    Map<String, String> given() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "model", model);
        put(m, "hidden", hidden);
        put(m, "activation", activation);
        put(m, "lr", lr);
        put(m, "reg", reg);
        put(m, "batch", batch);
        put(m, "epochs", epochs);
        put(m, "momentum", momentum);
        put(m, "nesterov", nesterov);
        put(m, "optimizer", optimizer);
        put(m, "schedule", schedule);
        put(m, "seed", seed);
        put(m, "init", init);
        put(m, "threads", threads);
        return m;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) m.put(key, value);
    }

    /** The --config file (or the defaults) with the given options on top, each value checked. */
    public RunConfig runConfig() {
        return runConfig(RunConfig.defaults());
    }

    /** As {@link #runConfig()}, but starting from {@code defaults} (a command's own defaults) instead of the course's. */
    public RunConfig runConfig(RunConfig defaults) {
        RunConfig rc = config == null ? defaults : ConfigLoader.load(defaults, config);
        for (Map.Entry<String, String> e : given().entrySet()) {
            rc = rc.with(e.getKey(), e.getValue(), "--" + e.getKey());
        }
        return rc;
    }

    /** --no-simd selects the scalar kernels: opens the command's {@link ExecutionContext} with them. */
    public void applyKernelChoice() {
        if (noSimd) ExecutionContext.withKernels(KernelProvider.scalar());
    }
}
