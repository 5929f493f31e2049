package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.cli.config.ConfigLoader;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.datasets.mnist.Mnist;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.kernel.KernelProvider;
import dev.nabla.train.Setting;
import dev.nabla.train.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options that describe a training run, shared by {@code train} and {@code sweep} (whose trials start from
 * them). One option per {@link TrainSettings} declaration ({@code --lr}, {@code --momentum}, ...) is built from
 * the declaration by {@link Declared}; values are kept as text and checked by {@link RunConfig}, the same code
 * that checks config files.
 */
@Command(modelTransformer = TrainOptions.Declared.class)
public final class TrainOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command; // the command using these options: it holds the declared options and their values

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config: the course's format (Train:/Model:) or nabla's flat keys")
    Path config;

    @Option(names = "--no-simd", description = "use the scalar kernels instead of the Vector API ones")
    boolean noSimd;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the MNIST files (default: the cache, fetched on first use)")
    Path data;

    @Option(names = "--dataset", paramLabel = "mnist|fashion-mnist",
            description = "the data set: its cache folder when --data is not given, and its class names (default mnist)")
    String dataset;

    @Option(names = "--val-fraction", paramLabel = "F", description = "the last F of the training file validates, as in the course (default 0.2: 12,000 of MNIST's 60,000)")
    String valFraction;

    /** The --data folder, or null for the cache. */
    public Path data() {
        return data;
    }

    /** The --dataset given (checked), or null when none was. */
    public ImageDataset datasetGiven() {
        return dataset == null ? null : ImageDataset.byName(dataset, "--dataset");
    }

    /** The --dataset given, else MNIST. */
    public ImageDataset dataset() {
        ImageDataset d = datasetGiven();
        return d != null ? d : ImageDataset.MNIST;
    }

    /** The splits of --dataset from --data (or its cache), validating on --val-fraction (default 0.2). */
    public MnistSplits load(PrintWriter err) {
        return MnistData.load(dataset(), data, valFractionOrDefault(), err);
    }

    /** The --val-fraction given (checked), or null when none was. */
    public Double valFraction() {
        if (valFraction == null) return null;
        double f;
        try {
            f = Double.parseDouble(valFraction.strip());
        } catch (NumberFormatException e) {
            f = Double.NaN;
        }
        if (!(f >= 0 && f < 1)) {
            throw new InputException("--val-fraction " + valFraction + " is not allowed: expected a number in [0, 1)");
        }
        return f;
    }

    /** The --val-fraction given, else the course's 0.2. */
    public double valFractionOrDefault() {
        Double f = valFraction();
        return f != null ? f : Mnist.DEFAULT_VALIDATION_FRACTION;
    }

    /** The settings given on the command line, by config key (not --config/--data/--out/...). */
    Map<String, String> given() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting<?> s : TrainSettings.ALL) {
            String v = command.findOption(s.option()).getValue();
            if (v != null) m.put(s.key(), v);
        }
        return m;
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

    /** The option of one declared setting: {@code --key LABEL}, its help with the default, a String value. */
    static OptionSpec option(Setting<?> s) {
        return option(s, s.help(), s.defaultText());
    }

    /** {@link #option(Setting)} for a command that gives the setting its own meaning or default. */
    static OptionSpec option(Setting<?> s, String help, String defaultText) {
        OptionSpec.Builder b = OptionSpec.builder(s.option()).paramLabel(s.label()).type(String.class)
                .description(help + " (default " + defaultText + ")");
        if (s.dflt() instanceof Boolean) b.arity("0..1").fallbackValue("true"); // --nesterov alone means true
        return b.build();
    }

    /** Puts {@code declared} before the command's own options, in order (for commands that share a few settings). */
    static CommandSpec addFirst(CommandSpec spec, List<OptionSpec> declared) {
        List<OptionSpec> own = List.copyOf(spec.options());
        for (OptionSpec o : own) spec.remove(o);
        for (OptionSpec o : declared) spec.addOption(o);
        for (OptionSpec o : own) spec.addOption(o);
        return spec;
    }

    /** Adds the declared settings' options after --config, before the others, in declaration order. */
    public static final class Declared implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            List<OptionSpec> after = spec.options().stream().filter(o -> !o.longestName().equals("--config")).toList();
            for (OptionSpec o : after) spec.remove(o);
            for (Setting<?> s : TrainSettings.ALL) spec.addOption(option(s));
            for (OptionSpec o : after) spec.addOption(o);
            return spec;
        }
    }
}
