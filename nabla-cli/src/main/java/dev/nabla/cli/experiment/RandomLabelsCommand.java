package dev.nabla.cli.experiment;

import dev.nabla.InputException;
import dev.nabla.cli.Main;
import dev.nabla.cli.TrainOptions;
import dev.nabla.cli.config.RunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nabla experiment random-labels}: the randomization test of Zhang et al. (2017) on MNIST. */
@Command(name = "random-labels", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Fit random labels: the randomization test of Zhang et al. (2017).",
        description = {
                "The central experiment of \"Understanding deep learning requires rethinking",
                "generalization\" (Zhang et al., 2017): an MLP trained on true labels, on",
                "labels randomized for a fraction p of the examples, on shuffled pixels (one",
                "permutation for all images), on random pixels (a permutation per image) and on",
                "Gaussian noise.",
                "It plots the training loss per epoch of each and the test accuracy against p,",
                "and reports whether the network fits random labels while test accuracy falls",
                "to chance.",
                "",
                "Defaults: 5,000 training images, mlp 512-512 relu with kaiming init, adam lr",
                "0.001 decaying along a cosine, batch 128, 60 epochs, no weight decay; any train",
                "option overrides them (the options below show these defaults).",
                ""},
        footer = {"", "Examples:",
                "  nabla experiment random-labels",
                "  nabla experiment random-labels --train-size 2000 --epochs 40 --probs 0,0.5,1",
                "Exit codes: 0 done, 2 bad input."})
public final class RandomLabelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainOptions options;

    @Option(names = "--train-size", paramLabel = "N", defaultValue = "5000", description = "training images, from the start of the training split (default ${DEFAULT-VALUE})")
    int trainSize;

    @Option(names = "--probs", paramLabel = "P[,P...]", split = ",", defaultValue = "0,0.2,0.5,0.8,1.0", description = "label corruption levels (default ${DEFAULT-VALUE})")
    List<Double> probs;

    @Option(names = "--no-pixel-tests", description = "skip the shuffled, random and Gaussian pixel conditions")
    boolean noPixelTests;

    @Option(names = "--parallel", paramLabel = "N", description = "conditions trained side by side (default: one per core)")
    Integer parallel;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default runs/random-labels-<yyyyMMdd-HHmmss>)")
    Path out;

    @Option(names = "--json", description = "print results.json on stdout (progress stays on stderr)")
    boolean json;

    /** The experiment's defaults: an over-parameterised MLP that can memorise its training set. */
    static RunConfig defaults() {
        return RunConfig.defaults()
                .with("model", "mlp", "random-labels default")
                .with("hidden", "512,512", "random-labels default")
                .with("activation", "relu", "random-labels default")
                .with("optimizer", "adam", "random-labels default")
                .with("lr", "0.001", "random-labels default")
                .with("reg", "0", "random-labels default")
                .with("batch", "128", "random-labels default")
                .with("epochs", "60", "random-labels default")
                .with("schedule", "cosine", "random-labels default")
                .with("init", "kaiming", "random-labels default");
    }

    /**
     * Rewrites the shared train options' descriptions in this command's help so that they state this command's
     * defaults ({@link #defaults()}: mlp, 60 epochs, ...) instead of {@code nabla train}'s.
     */
    public static void describeOwnDefaults(CommandSpec spec) {
        Map<String, Object> d = RunConfig.toMap(defaults().resolve());
        List<OptionSpec> all = new ArrayList<>(spec.options());
        for (OptionSpec o : all) spec.remove(o);
        for (OptionSpec o : all) {
            Object v = d.get(o.longestName().substring(2));
            if (v == null || o.longestName().equals("--threads") || o.longestName().equals("--seed")) {
                spec.addOption(o);
                continue;
            }
            String text = String.join(" ", o.description())
                    .replaceAll("\\s*\\((default [^)]*|twolayer: [^)]*)\\)", "")
                    .replace("constant (default)", "constant");
            spec.addOption(OptionSpec.builder(o).description(text + " (default " + show(v) + ")").build());
        }
    }

    private static String show(Object v) {
        if (v instanceof int[] a) {
            StringBuilder sb = new StringBuilder();
            for (int x : a) sb.append(sb.length() > 0 ? "," : "").append(x);
            return sb.toString();
        }
        if (v instanceof Double x) return RunConfig.number(x).replaceAll("\\.0$", "");
        return String.valueOf(v);
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (trainSize < 10) throw new InputException("--train-size must be at least 10, got " + trainSize);
        for (double p : probs) {
            if (!(p >= 0 && p <= 1)) throw new InputException("--probs: " + p + " is not a probability in [0, 1]");
        }
        if (parallel != null && parallel < 1) throw new InputException("--parallel must be at least 1, got " + parallel);
        var cfg = options.runConfig(defaults()).resolve();
        List<RandomLabels.Condition> conditions = new ArrayList<>();
        for (double p : probs) conditions.add(RandomLabels.Condition.labels(p));
        if (!noPixelTests) {
            conditions.add(RandomLabels.Condition.SHUFFLED_PIXELS);
            conditions.add(RandomLabels.Condition.RANDOM_PIXELS);
            conditions.add(RandomLabels.Condition.GAUSSIAN);
        }
        Path dir = out != null ? out : Path.of("runs", "random-labels-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        options.applyKernelChoice();
        var data = options.load(err);
        if (trainSize > data.train().count()) {
            throw new InputException("--train-size " + trainSize + " exceeds the " + data.train().count() + " training images");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int p = parallel != null ? parallel : Math.min(cores, conditions.size());
        RandomLabels.Report report = new RandomLabels(cfg, trainSize, conditions, dir, err).run(data, p);
        if (json) {
            stdout.println(report.json());
        } else {
            stdout.print(report.markdown());
            stdout.println(report.verdict());
            stdout.println("results: " + dir);
        }
        stdout.flush();
        return Main.EXIT_OK;
    }
}
