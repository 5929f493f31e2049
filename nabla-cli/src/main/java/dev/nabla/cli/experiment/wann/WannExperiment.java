package dev.nabla.cli.experiment.wann;

import dev.nabla.InputException;
import dev.nabla.cli.plot.Charts;
import dev.nabla.data.ImageSet;
import dev.nabla.datasets.mnist.MnistSplits;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The weight agnostic network experiment on MNIST: the images shrunk to 16x16 ({@link Downsample}), a
 * {@link Search} scored on minibatches of the training split with a checkpoint after every generation, then the
 * final population scored on the validation split to choose the network (highest mean accuracy over the weight
 * values, then fewer connections) and the smallest networks for their accuracy (the Pareto front of mean
 * validation accuracy and connections), and those scored on the test split: for each weight value, for the
 * weight value best on validation, and for the ensemble over the values.
 */
public final class WannExperiment {

    /** The side of the shrunk images. */
    public static final int SIDE = 16;
    static final String CHECKPOINT = "checkpoint.json";

    private final Search.Settings settings;
    private final Scorer scorer;
    private final Path dir;
    private final PrintWriter log;

    /** An experiment whose populations {@code scorer} scores (closed when the run ends). */
    public WannExperiment(Search.Settings settings, Scorer scorer, Path dir, PrintWriter log) {
        this.settings = settings;
        this.scorer = scorer;
        this.dir = dir;
        this.log = log;
    }

    /** One network of the final population and how it scored. */
    public record Candidate(Genome genome, Score validation, Score test) {
    }

    /**
     * Runs (or, with {@code resume}, continues from the checkpoint in the output folder) the search and writes
     * the results.
     *
     * @throws InputException when resuming without a readable, matching checkpoint
     */
    public Report run(MnistSplits data, boolean resume) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        ImageSet train = Downsample.square(data.train(), SIDE);
        Images validation = Images.of(Downsample.square(data.validation(), SIDE));
        Images test = Images.of(Downsample.square(data.test(), SIDE));
        long t0 = System.nanoTime(), cpu0 = cpuNanos();
        try (Search search = new Search(settings, SIDE * SIDE, data.train().classes(), scorer)) {
            Map<String, Object> saved = resume ? readCheckpoint() : Map.of();
            Search.State state = resume ? restore(search, saved) : search.start();
            // the time of earlier sessions of a resumed run, so the totals describe the whole search
            double secondsBefore = saved.get("seconds") instanceof Number n ? n.doubleValue() : 0;
            double cpuBefore = saved.get("cpu_seconds") instanceof Number n ? n.doubleValue() : 0;
            log.printf(Locale.ROOT, "weight agnostic networks: population %d, %d generations, minibatch %d, weights %s, %s start, scored on %s%s%n",
                    settings.population(), settings.generations(), settings.batch(), weightList(settings.weights()),
                    settings.start().label(), scorer.describe(), resume ? ", resumed after generation " + state.done() : "");
            log.flush();
            while (state.done() < settings.generations()) {
                state = search.step(state, train);
                Map<String, Object> checkpoint = search.checkpoint(state);
                checkpoint.put("seconds", secondsBefore + (System.nanoTime() - t0) / 1e9);
                checkpoint.put("cpu_seconds", cpuBefore + (cpuNanos() - cpu0) / 1e9);
                AtomicFiles.writeString(dir.resolve(CHECKPOINT), Json.write(checkpoint));
                Search.Generation g = state.history().get(state.history().size() - 1);
                if (g.generation() == 1 || g.generation() % 25 == 0 || g.generation() == settings.generations()) {
                    log.printf(Locale.ROOT, "generation %d/%d  best mean acc %.4f (single weight %.4f), log-likelihood %.3f  %d connections, %d hidden  %.0f s%n",
                            g.generation(), settings.generations(), g.bestMean(), g.bestMax(), g.bestMeanLogLikelihood(), g.bestConnections(),
                            g.bestHidden(), (System.nanoTime() - t0) / 1e9);
                    log.flush();
                }
            }
            List<Candidate> front = finalists(search, state.population(), validation, test);
            double seconds = secondsBefore + (System.nanoTime() - t0) / 1e9;
            double cpuSeconds = cpuBefore + (cpuNanos() - cpu0) / 1e9;
            Report report = new Report(settings, scorer.describe(), state.history(), front, seconds, cpuSeconds,
                    new int[]{data.train().count(), data.validation().count(), data.test().count()});
            write(report);
            return report;
        }
    }

    /**
     * The CPU time of the whole process so far (all threads), or -1 where the JVM does not tell: on a shared
     * machine it says what the search costs better than the wall-clock time.
     */
    static long cpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private Map<String, Object> readCheckpoint() {
        Path file = dir.resolve(CHECKPOINT);
        if (!Files.isRegularFile(file)) throw new InputException("--resume: no " + CHECKPOINT + " in " + dir);
        try {
            return Json.parseObject(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new InputException("--resume: cannot read " + file + ": " + e.getMessage());
        }
    }

    private Search.State restore(Search search, Map<String, Object> checkpoint) {
        try {
            return search.restore(checkpoint);
        } catch (IllegalArgumentException e) {
            throw new InputException("--resume: " + dir.resolve(CHECKPOINT) + ": " + e.getMessage());
        }
    }

    /**
     * The final population's Pareto front of mean validation accuracy against connections, smallest first,
     * scored on the test images; its last entry is the chosen network.
     */
    static List<Candidate> finalists(Search search, List<Genome> population, Images validation, Images test) {
        List<Score> val = search.score(population, validation, false);
        int n = population.size();
        double[] mean = new double[n], negConn = new double[n];
        int[] conn = new int[n];
        for (int i = 0; i < n; i++) {
            mean[i] = val.get(i).mean();
            conn[i] = population.get(i).connections();
            negConn[i] = -conn[i];
        }
        int[] front = Ranking.fronts(mean, negConn);
        // one genome per size: the first in population order (duplicates of elites are common)
        Map<Integer, Integer> bySize = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) if (front[i] == 0) bySize.putIfAbsent(conn[i], i);
        List<Genome> chosen = new ArrayList<>();
        for (int i : bySize.values()) chosen.add(population.get(i));
        List<Score> tests = search.score(chosen, test, true);
        List<Candidate> out = new ArrayList<>();
        int k = 0;
        for (int i : bySize.values()) out.add(new Candidate(population.get(i), val.get(i), tests.get(k++)));
        return out;
    }

    private void write(Report r) {
        AtomicFiles.writeString(dir.resolve("results.json"), r.json());
        AtomicFiles.writeString(dir.resolve("results.md"), r.markdown());
        Candidate best = r.best();
        AtomicFiles.writeString(dir.resolve("best_network.svg"), NetworkSvg.draw(best.genome(), SIDE,
                String.format(Locale.ROOT, "Best network: %d connections, %d hidden nodes, test accuracy %.1f%% (w = %s), ensemble %.1f%%",
                        best.genome().connections(), best.genome().hidden().length, 100 * r.bestWeightTest(),
                        number(settings.weights()[r.bestWeightIndex()]), 100 * best.test().ensemble())));
        List<Search.Generation> h = r.history();
        double[] gen = new double[h.size()], bestMean = new double[h.size()], bestMax = new double[h.size()], popMean = new double[h.size()];
        for (int i = 0; i < h.size(); i++) {
            gen[i] = h.get(i).generation();
            bestMean[i] = h.get(i).bestMean();
            bestMax[i] = h.get(i).bestMax();
            popMean[i] = h.get(i).populationMean();
        }
        Charts.lines("Accuracy per generation (minibatch of " + settings.batch() + " training images)", "generation", "accuracy",
                List.of(new Charts.Series("best single weight", gen, bestMax), new Charts.Series("best mean over weights", gen, bestMean),
                        new Charts.Series("population mean", gen, popMean)),
                Charts.Style.curves().withMarkers(false), dir.resolve("accuracy_per_generation"));
        double[] w = new double[settings.weights().length];
        for (int i = 0; i < w.length; i++) w[i] = settings.weights()[i];
        int[] order = java.util.stream.IntStream.range(0, w.length).boxed().sorted((a, b) -> Double.compare(w[a], w[b]))
                .mapToInt(Integer::intValue).toArray();
        double[] ws = new double[w.length], acc = new double[w.length], ens = new double[w.length], valAcc = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            ws[i] = w[order[i]];
            acc[i] = best.test().accuracy()[order[i]];
            valAcc[i] = best.validation().accuracy()[order[i]];
            ens[i] = best.test().ensemble();
        }
        Charts.lines("Best network's accuracy against the shared weight", "shared weight", "accuracy",
                List.of(new Charts.Series("test", ws, acc), new Charts.Series("validation", ws, valAcc),
                        new Charts.Series("test, ensemble of all weights", ws, ens)),
                Charts.Style.curves().withIntegerX(false), dir.resolve("accuracy_vs_weight"));
    }

    static String weightList(float[] w) {
        List<String> s = new ArrayList<>();
        for (float v : w) s.add(number(v));
        return String.join(",", s);
    }

    static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString((float) v);
    }

    /** The results: the history, the size front and the chosen network. */
    public record Report(Search.Settings settings, String scoredOn, List<Search.Generation> history,
                         List<Candidate> front, double seconds, double cpuSeconds, int[] splitSizes) {

        /** The chosen network: the highest mean validation accuracy (the front's largest member). */
        public Candidate best() {
            return front.get(front.size() - 1);
        }

        /** The weight value with the best validation accuracy for the chosen network. */
        public int bestWeightIndex() {
            return best().validation().best();
        }

        /** The chosen network's test accuracy with that weight value. */
        public double bestWeightTest() {
            return best().test().accuracy()[bestWeightIndex()];
        }

        public String markdown() {
            Candidate b = best();
            float[] w = settings.weights();
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "Weight agnostic networks on MNIST 16x16: population %d, %d generations, minibatch %d,"
                            + " fitness %s, %s start, up to %d mutation%s per child, seed %d; %.0f s scored on %s (%.0f s of CPU time in this process)%n%n",
                    settings.population(), history.size(), settings.batch(), settings.fitness().label(), settings.start().label(),
                    settings.mutations(), settings.mutations() == 1 ? "" : "s", settings.seed(), seconds, scoredOn, cpuSeconds));
            sb.append(String.format(Locale.ROOT, "Best network: %d connections, %d hidden nodes.%n%n", b.genome().connections(), b.genome().hidden().length));
            sb.append("| shared weight | validation acc | test acc |\n| --- | --- | --- |\n");
            for (int i = 0; i < w.length; i++) {
                sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f |%n", number(w[i]), b.validation().accuracy()[i], b.test().accuracy()[i]));
            }
            sb.append(String.format(Locale.ROOT, "| mean over weights | %.4f | %.4f |%n", b.validation().mean(), b.test().mean()));
            sb.append(String.format(Locale.ROOT, "| best on validation (w = %s) | %.4f | %.4f |%n", number(w[bestWeightIndex()]),
                    b.validation().accuracy()[bestWeightIndex()], bestWeightTest()));
            sb.append(String.format(Locale.ROOT, "| ensemble (mean softmax over weights) | | %.4f |%n%n", b.test().ensemble()));
            sb.append("Accuracy against size (the final population's Pareto front of mean validation accuracy and connections):\n\n");
            sb.append("| connections | hidden nodes | mean test acc | test acc, weight best on validation | ensemble test acc |\n");
            sb.append("| --- | --- | --- | --- | --- |\n");
            for (Candidate c : front) {
                sb.append(String.format(Locale.ROOT, "| %d | %d | %.4f | %.4f (w = %s) | %.4f |%n", c.genome().connections(),
                        c.genome().hidden().length, c.test().mean(), c.test().accuracy()[c.validation().best()],
                        number(w[c.validation().best()]), c.test().ensemble()));
            }
            return sb.toString();
        }

        public String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("settings", settings.toMap());
            m.put("scored_on", scoredOn);
            m.put("data", Map.of("images", SIDE + "x" + SIDE + ", area-averaged from 28x28",
                    "train", splitSizes[0], "validation", splitSizes[1], "test", splitSizes[2]));
            m.put("seconds", seconds);
            m.put("cpu_seconds", cpuSeconds);
            Candidate b = best();
            Map<String, Object> best = candidate(b);
            best.put("best_weight", settings.weights()[bestWeightIndex()]);
            best.put("best_weight_test_accuracy", bestWeightTest());
            best.put("genome", b.genome().toMap());
            m.put("best", best);
            List<Object> f = new ArrayList<>();
            for (Candidate c : front) f.add(candidate(c));
            m.put("size_front", f);
            List<Object> hist = new ArrayList<>();
            for (Search.Generation g : history) hist.add(g.toMap());
            m.put("generations", hist);
            return Json.pretty(m);
        }

        private Map<String, Object> candidate(Candidate c) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("connections", c.genome().connections());
            m.put("hidden", c.genome().hidden().length);
            m.put("validation_accuracy", c.validation().accuracy());
            m.put("test_accuracy", c.test().accuracy());
            m.put("mean_test_accuracy", c.test().mean());
            m.put("ensemble_test_accuracy", c.test().ensemble());
            return m;
        }
    }
}
