package dev.nabla.cli.experiment.wann;

import dev.nabla.InputException;
import dev.nabla.cli.Cluster;
import dev.nabla.cli.Main;
import dev.nabla.cli.MnistData;
import dev.nabla.cli.plot.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code nabla experiment wann}: weight agnostic neural networks (Gaier and Ha, 2019) on MNIST 16x16. */
@Command(name = "wann", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Search network topologies whose weights all share one value (Gaier and Ha, 2019).",
        description = {
                "Weight agnostic neural networks (Gaier and Ha, 2019): a search over network",
                "topologies whose links all carry one shared weight. It starts from minimal",
                "networks (pixels linked to the outputs at random), mutates them (add a link, add",
                "a node, change an activation among ten), scores each with the shared weight set",
                "to each of --weights on a minibatch of training images, ranks by mean accuracy",
                "and connection count, and keeps the best. Images are MNIST shrunk to 16x16 by",
                "area averaging. Reports test accuracy per weight value, for the weight best on",
                "validation and for the ensemble over the values, against network size, and",
                "draws the best network. A checkpoint is written after every generation.",
                ""},
        footer = {"", "Examples:",
                "  nabla experiment wann",
                "  nabla experiment wann --generations 50 --population 64 --out runs/wann-quick",
                "  nabla experiment wann --out runs/wann-quick --resume --generations 100",
                "  nabla experiment wann --spark 'local[2]' --out runs/wann-spark",
                "Exit codes: 0 done, 2 bad input."})
public final class WannCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the MNIST files (default: $NABLA_DATA or the cache, fetched on first use)")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default runs/wann-<yyyyMMdd-HHmmss>)")
    Path out;

    @Option(names = "--resume", description = "continue the search from the checkpoint in --out (the settings must match; --generations may grow)")
    boolean resume;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the whole search (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--population", paramLabel = "N", defaultValue = "100", description = "networks per generation (default ${DEFAULT-VALUE})")
    int population;

    @Option(names = "--generations", paramLabel = "N", defaultValue = "1000", description = "generations (default ${DEFAULT-VALUE})")
    int generations;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "300", description = "training images scored per generation (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--weights", paramLabel = "W[,W...]", split = ",", defaultValue = "-2,-1,-0.5,0.5,1,2",
            description = "shared weight values each network is scored with (default ${DEFAULT-VALUE})")
    List<Float> weights;

    @Option(names = "--link-probability", paramLabel = "P", defaultValue = "0.05",
            description = "chance of each pixel-to-output link in the first networks (default ${DEFAULT-VALUE})")
    double linkProbability;

    @Option(names = "--elites", paramLabel = "N", defaultValue = "10", description = "best networks kept unchanged each generation (default ${DEFAULT-VALUE})")
    int elites;

    @Option(names = "--tournament", paramLabel = "N", defaultValue = "16", description = "networks per parent tournament (default ${DEFAULT-VALUE})")
    int tournament;

    @Option(names = "--size-pressure", paramLabel = "P", defaultValue = "0.2",
            description = "chance per generation of ranking by mean accuracy and connections rather than by mean and best accuracy (default ${DEFAULT-VALUE})")
    double sizePressure;

    @Option(names = "--mutations", paramLabel = "N", defaultValue = "3",
            description = "most mutations per child; each child gets between 1 and N (default ${DEFAULT-VALUE})")
    int mutations;

    @Option(names = "--mutation-rates", paramLabel = "LINK,NODE,ACT", split = ",", defaultValue = "0.7,0.1,0.2",
            description = "relative chances of the mutations: add a link, add a node, change an activation (default ${DEFAULT-VALUE})")
    List<Double> mutationRates;

    @Option(names = "--fitness", paramLabel = "loglik|scaled|accuracy", defaultValue = "scaled",
            description = "what is averaged over the weight values and maximized: the mean log-likelihood of the labels under the softmax of the outputs, the same with each image's outputs standardized, or accuracy (default ${DEFAULT-VALUE})")
    String fitness;

    @Option(names = "--start", paramLabel = "signed|minimal", defaultValue = "signed",
            description = "first networks: pixels linked to a linear and an inverse node per output, or straight to the outputs (default ${DEFAULT-VALUE})")
    String start;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads scoring the population (default: all cores); results do not depend on it")
    Integer threads;

    @Option(names = "--spark", paramLabel = "MASTER", description = "score each generation's networks in Apache Spark tasks: "
            + "local[N] (embedded) or spark://HOST:PORT; results are the same as on threads")
    String spark;

    @Option(names = "--json", description = "print results.json on stdout (progress stays on stderr)")
    boolean json;

    private Genome.Rates rates() {
        if (mutationRates.size() != 3) {
            throw new InputException("--mutation-rates: expected three numbers (add link, add node, change activation), got " + mutationRates.size());
        }
        return new Genome.Rates(mutationRates.get(0), mutationRates.get(1), mutationRates.get(2));
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (threads != null && threads < 1) throw new InputException("--threads must be at least 1, got " + threads);
        if (threads != null && spark != null) throw new InputException("--threads and --spark exclude each other: Spark tasks score the networks");
        if (resume && out == null) throw new InputException("--resume needs --out, the folder of the run to continue");
        for (float w : weights) {
            if (!Float.isFinite(w)) throw new InputException("--weights: " + w + " is not a finite number");
        }
        float[] w = new float[weights.size()];
        for (int i = 0; i < w.length; i++) w[i] = weights.get(i);
        Search.Settings settings;
        try {
            settings = new Search.Settings(seed, population, generations, batch, w, linkProbability, elites, tournament,
                    sizePressure, mutations, rates(), Fitness.parse(fitness), Start.parse(start));
        } catch (IllegalArgumentException e) {
            throw new InputException("--" + e.getMessage());
        }
        Path dir = out != null ? out : Path.of("runs", "wann-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Charts.warmUp();
        var splits = MnistData.load(data, err);
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Scorer scorer = spark != null ? Cluster.find("--spark").wannScorer(spark, "nabla experiment wann " + dir.getFileName())
                : new ThreadScorer(t);
        WannExperiment.Report report = new WannExperiment(settings, scorer, dir, err).run(splits, resume);
        if (json) {
            stdout.println(report.json());
        } else {
            stdout.print(report.markdown());
            stdout.printf(Locale.ROOT, "results: %s%n", dir);
        }
        stdout.flush();
        return Main.EXIT_OK;
    }
}
