package dev.nabla.cli.experiment.wann;

import dev.nabla.data.ImageSet;
import dev.nabla.io.Json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The topology search of weight agnostic networks (Gaier and Ha, 2019). Generation {@code g}:
 * <ol>
 *   <li>draws a minibatch of training images (seeded by the seed and {@code g});</li>
 *   <li>scores every genome with each shared weight value ({@link Score});</li>
 *   <li>ranks them ({@link Ranking}) by the {@link Fitness} averaged over the weight values and, by a coin with
 *       probability {@code sizePressure}, fewer connections, else the fitness of the best single weight;</li>
 *   <li>keeps the {@code elites} best unchanged and fills the rest with copies of tournament winners (the best
 *       ranked of {@code tournament} random picks), each mutated ({@link Genome#mutate}) a random number of
 *       times between 1 and {@code mutations}.</li>
 * </ol>
 * All randomness of generation {@code g} comes from one generator seeded by (seed, g) and used on the calling
 * thread only, so a state after generation {@code g} depends on nothing else: a run resumed from a checkpoint
 * equals an uninterrupted one. Genomes are scored by a {@link Scorer} (worker threads, or Spark tasks); a
 * genome's score does not depend on where it is computed, so results are the same for any thread count.
 */
public final class Search implements AutoCloseable {

    /**
     * The search's settings; all but {@code generations} must match to resume a checkpoint. Errors name each
     * setting as its command-line option does.
     */
    public record Settings(long seed, int population, int generations, int batch, float[] weights,
                           double linkProbability, int elites, int tournament, double sizePressure,
                           int mutations, Genome.Rates rates, Fitness fitness, Start start) {

        public Settings {
            if (population < 2) throw new IllegalArgumentException("population must be at least 2, got " + population);
            if (generations < 1) throw new IllegalArgumentException("generations must be at least 1, got " + generations);
            if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
            if (weights.length == 0) throw new IllegalArgumentException("weights: at least one value is needed");
            if (!(linkProbability > 0 && linkProbability <= 1)) {
                throw new IllegalArgumentException("link-probability must be in (0, 1], got " + linkProbability);
            }
            if (elites < 0 || elites >= population) {
                throw new IllegalArgumentException("elites must be in [0, population), got " + elites);
            }
            if (tournament < 1) throw new IllegalArgumentException("tournament must be at least 1, got " + tournament);
            if (!(sizePressure >= 0 && sizePressure <= 1)) {
                throw new IllegalArgumentException("size-pressure must be a probability in [0, 1], got " + sizePressure);
            }
            if (mutations < 1) throw new IllegalArgumentException("mutations must be at least 1, got " + mutations);
            if (!(rates.addLink() >= 0 && rates.addNode() >= 0 && rates.changeActivation() >= 0)
                    || !(rates.addLink() + rates.addNode() + rates.changeActivation() > 0)) {
                throw new IllegalArgumentException("mutation-rates must be three numbers >= 0, not all 0, got "
                        + rates.addLink() + "," + rates.addNode() + "," + rates.changeActivation());
            }
            if (fitness == null) throw new IllegalArgumentException("fitness must be given");
            if (start == null) throw new IllegalArgumentException("start must be given");
        }

        /** The settings as JSON-ready values. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seed", seed);
            m.put("population", population);
            m.put("generations", generations);
            m.put("batch", batch);
            m.put("weights", weights.clone());
            m.put("link_probability", linkProbability);
            m.put("elites", elites);
            m.put("tournament", tournament);
            m.put("size_pressure", sizePressure);
            m.put("mutations", mutations);
            m.put("mutation_rates", new double[]{rates.addLink(), rates.addNode(), rates.changeActivation()});
            m.put("fitness", fitness.label());
            m.put("start", start.label());
            return m;
        }
    }

    /** What generation {@code generation} (1-based) saw on its minibatch. */
    public record Generation(int generation, double bestMean, double bestMax, double populationMean,
                             double bestMeanLogLikelihood, int bestConnections, int bestHidden, double meanConnections) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("generation", generation);
            m.put("best_mean_accuracy", bestMean);
            m.put("best_max_accuracy", bestMax);
            m.put("population_mean_accuracy", populationMean);
            m.put("best_mean_log_likelihood", bestMeanLogLikelihood);
            m.put("best_connections", bestConnections);
            m.put("best_hidden", bestHidden);
            m.put("mean_connections", meanConnections);
            return m;
        }

        static Generation fromMap(Map<?, ?> m) {
            return new Generation(num(m, "generation").intValue(), num(m, "best_mean_accuracy").doubleValue(),
                    num(m, "best_max_accuracy").doubleValue(), num(m, "population_mean_accuracy").doubleValue(),
                    num(m, "best_mean_log_likelihood").doubleValue(),
                    num(m, "best_connections").intValue(), num(m, "best_hidden").intValue(),
                    num(m, "mean_connections").doubleValue());
        }
    }

    /**
     * Where a search stands: {@code done} generations finished, {@code population} the genomes the next one
     * scores (the elites of the last, then their offspring).
     */
    public record State(int done, List<Genome> population, List<Generation> history) {
    }

    private final Settings settings;
    private final int inputs, outputs;
    private final Scorer scorer;

    /** A search scoring on {@code threads} worker threads. */
    public Search(Settings settings, int inputs, int outputs, int threads) {
        this(settings, inputs, outputs, new ThreadScorer(threads));
    }

    /** A search scoring with {@code scorer}, which it closes when closed. */
    public Search(Settings settings, int inputs, int outputs, Scorer scorer) {
        this.settings = settings;
        this.inputs = inputs;
        this.outputs = outputs;
        this.scorer = scorer;
    }

    public Settings settings() {
        return settings;
    }

    /** Generation 0: {@code population} first genomes of the settings' {@link Start}. */
    public State start() {
        Random rng = rng(settings.seed(), -1);
        List<Genome> pop = new ArrayList<>();
        for (int i = 0; i < settings.population(); i++) pop.add(settings.start().genome(inputs, outputs, settings.linkProbability(), rng));
        return new State(0, pop, List.of());
    }

    /** One generation on a minibatch of {@code train}. */
    public State step(State state, ImageSet train) {
        Random rng = rng(settings.seed(), state.done());
        int[] batch = sample(train.count(), Math.min(settings.batch(), train.count()), rng);
        List<Score> scores = score(state.population(), Images.of(train, batch), false);
        int n = scores.size(), values = settings.weights().length;
        double[] mean = new double[n], max = new double[n], fitMean = new double[n], fitMax = new double[n], negConn = new double[n];
        int[] conn = new int[n];
        for (int i = 0; i < n; i++) {
            Score s = scores.get(i);
            mean[i] = s.mean();
            max[i] = s.max();
            fitMax[i] = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < values; v++) {
                double f = settings.fitness().of(s, v);
                fitMean[i] += f / values;
                fitMax[i] = Math.max(fitMax[i], f);
            }
            conn[i] = state.population().get(i).connections();
            negConn[i] = -conn[i];
        }
        boolean bySize = rng.nextDouble() < settings.sizePressure();
        int[] order = Ranking.order(fitMean, bySize ? negConn : fitMax, conn);
        int[] rankOf = new int[n];
        for (int r = 0; r < n; r++) rankOf[order[r]] = r;

        Genome best = state.population().get(order[0]);
        double bestMax = 0, popMean = 0, meanConn = 0;
        for (int i = 0; i < n; i++) {
            bestMax = Math.max(bestMax, max[i]);
            popMean += mean[i] / n;
            meanConn += (double) conn[i] / n;
        }
        List<Generation> history = new ArrayList<>(state.history());
        history.add(new Generation(state.done() + 1, mean[order[0]], bestMax, popMean,
                scores.get(order[0]).meanLogLikelihood(), best.connections(), best.hidden().length, meanConn));

        List<Genome> next = new ArrayList<>(n);
        for (int e = 0; e < settings.elites(); e++) next.add(state.population().get(order[e]));
        while (next.size() < n) {
            int winner = rng.nextInt(n);
            for (int t = 1; t < settings.tournament(); t++) {
                int other = rng.nextInt(n);
                if (rankOf[other] < rankOf[winner]) winner = other;
            }
            Genome child = state.population().get(winner);
            for (int m = 1 + rng.nextInt(settings.mutations()); m > 0; m--) child = child.mutate(rng, settings.rates());
            next.add(child);
        }
        return new State(state.done() + 1, List.copyOf(next), List.copyOf(history));
    }

    /** The score of each genome on {@code images} with the settings' weight values, from the scorer. */
    public List<Score> score(List<Genome> genomes, Images images, boolean ensemble) {
        return scorer.score(genomes, images, settings.weights(), ensemble);
    }

    /** {@code k} distinct indices of {@code [0, n)} in random order (a partial Fisher-Yates shuffle). */
    static int[] sample(int n, int k, Random rng) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return Arrays.copyOf(idx, k);
    }

    /** The generator of generation {@code g} ({@code -1}: the initial population), mixed so nearby seeds differ. */
    static Random rng(long seed, int g) {
        long z = seed * 0x9E3779B97F4A7C15L + (g + 2L) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }

    // ---- checkpoints ----

    /** The checkpoint of {@code state}: the settings, the generations done, the population and the history. */
    public Map<String, Object> checkpoint(State state) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("settings", settings.toMap());
        m.put("done", state.done());
        List<Object> pop = new ArrayList<>();
        for (Genome g : state.population()) pop.add(g.toMap());
        m.put("population", pop);
        List<Object> hist = new ArrayList<>();
        for (Generation g : state.history()) hist.add(g.toMap());
        m.put("history", hist);
        return m;
    }

    /**
     * The state a checkpoint holds, checked against this search's settings (all but the generation count must
     * match).
     *
     * @throws IllegalArgumentException naming the first setting that differs or the part that is broken
     */
    public State restore(Map<?, ?> checkpoint) {
        if (!(checkpoint.get("settings") instanceof Map<?, ?> saved)) throw new IllegalArgumentException("no 'settings'");
        Map<String, Object> now = settings.toMap();
        for (var e : now.entrySet()) {
            if (e.getKey().equals("generations")) continue;
            Object was = saved.get(e.getKey());
            // both sides through the JSON reader, so 7 and 7.0 compare equal
            String a = Json.write(Json.parse(Json.write(e.getValue()))), b = Json.write(was);
            if (!a.equals(b)) {
                a = a.replaceAll("(\\d)\\.0(?!\\d)", "$1"); // 100.0 -> 100 for the message
                b = b.replaceAll("(\\d)\\.0(?!\\d)", "$1");
                throw new IllegalArgumentException("setting '" + e.getKey() + "' was " + b + " in the checkpoint, now " + a);
            }
        }
        int done = num(checkpoint, "done").intValue();
        if (!(checkpoint.get("population") instanceof List<?> pop) || pop.size() != settings.population()) {
            throw new IllegalArgumentException("'population' must list " + settings.population() + " genomes");
        }
        List<Genome> genomes = new ArrayList<>();
        for (Object o : pop) {
            if (!(o instanceof Map<?, ?> gm)) throw new IllegalArgumentException("a genome is not an object");
            Genome g = Genome.fromMap(gm);
            if (g.inputs() != inputs || g.outputs() != outputs) {
                throw new IllegalArgumentException("a genome has " + g.inputs() + " inputs and " + g.outputs()
                        + " outputs, expected " + inputs + " and " + outputs);
            }
            genomes.add(g);
        }
        if (!(checkpoint.get("history") instanceof List<?> hist) || hist.size() != done) {
            throw new IllegalArgumentException("'history' must list the " + done + " generations done");
        }
        List<Generation> history = new ArrayList<>();
        for (Object o : hist) {
            if (!(o instanceof Map<?, ?> hm)) throw new IllegalArgumentException("a history entry is not an object");
            history.add(Generation.fromMap(hm));
        }
        return new State(done, List.copyOf(genomes), List.copyOf(history));
    }

    private static Number num(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof Number n)) throw new IllegalArgumentException("missing number '" + key + "'");
        return n;
    }

    @Override
    public void close() {
        scorer.close();
    }
}
