package dev.nabla.cli.experiment;

import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.plot.Charts;
import dev.nabla.data.ImageSet;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.nn.Parameter;
import dev.nabla.optim.Penalty;
import dev.nabla.train.Splits;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainResult;
import dev.nabla.train.Trainer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * L1 by its proximal operator against L1 by its subgradient: each model trained with growing penalty strength,
 * once with {@code proxsgd} and once with {@code sgd} plus the subgradient of the penalty, then tested; the
 * fraction of weight-matrix entries that are exactly zero is counted. The proximal step lands weights on zero;
 * the subgradient step makes them small but (almost) never zero.
 */
public final class Sparsity {

    /** One trained network. */
    public record Outcome(String model, String method, double strength, double testAcc, double zeroFraction,
                          int deadUnits, double seconds) {
    }

    private final List<TrainConfig> models;
    private final String kind;
    private final List<Double> strengths;
    private final Path dir;
    private final PrintWriter log;

    /**
     * @param models    the configurations to train (optimizer and penalty are set per run)
     * @param kind      the penalty: {@code l1} or {@code group}
     * @param strengths penalty strengths; 0 is trained once per model, as the unpenalized reference
     */
    public Sparsity(List<TrainConfig> models, String kind, List<Double> strengths, Path dir, PrintWriter log) {
        this.models = models;
        this.kind = kind;
        this.strengths = strengths;
        this.dir = dir;
        this.log = log;
    }

    /** Trains every (model, strength, method) on {@code train}, tests on {@code test}, and writes the report. */
    public Report run(ImageSet train, ImageSet test) {
        Experiments.createFolder(dir);
        List<Outcome> done = new ArrayList<>();
        for (TrainConfig base : models) {
            for (double s : strengths) {
                for (String method : s == 0 ? List.of("none") : List.of("proximal", "subgradient")) {
                    TrainConfig cfg = base.withOptimizer(method.equals("proximal") ? "proxsgd" : "sgd")
                            .withPenalty(s == 0 ? Penalty.NONE : new Penalty(kind, s));
                    done.add(train(cfg, method, s, train, test));
                    write(done);
                }
            }
        }
        return write(done);
    }

    private Outcome train(TrainConfig cfg, String method, double strength, ImageSet train, ImageSet test) {
        Module model = Models.build(cfg.model());
        TrainResult r = Trainer.fit(model, Trainer.optimizer(model, cfg), Splits.of(train, train.slice(0, 0), test),
                cfg, null, null);
        long zeros = 0, total = 0;
        int dead = 0;
        for (Parameter p : model.namedParameters().values()) {
            if (p.shape().length < 2) continue;
            float[] w = p.value().to(dev.nabla.tensor.DType.F32).toFloatArray();
            int cols = w.length / p.shape()[0];
            for (int row = 0; row < p.shape()[0]; row++) {
                int rowZeros = 0;
                for (int j = 0; j < cols; j++) if (w[row * cols + j] == 0) rowZeros++;
                zeros += rowZeros;
                if (rowZeros == cols) dead++;
            }
            total += w.length;
        }
        Outcome o = new Outcome(cfg.model().type(), method, strength, r.testAcc(), (double) zeros / total, dead, r.seconds());
        log.printf(Locale.ROOT, "[%s %s %s] test acc %.4f, zero weights %.2f%%, units with all inputs zero %d, %.1f s%n",
                o.model(), method, RunConfig.number(strength), o.testAcc(), 100 * o.zeroFraction(), dead, o.seconds());
        log.flush();
        return o;
    }

    private Report write(List<Outcome> done) {
        Report report = new Report(models, kind, List.copyOf(done));
        AtomicFiles.writeString(dir.resolve("results.md"), report.markdown());
        AtomicFiles.writeString(dir.resolve("results.json"), report.json());
        List<Charts.Series> series = new ArrayList<>();
        for (TrainConfig m : models) {
            for (String method : List.of("proximal", "subgradient")) {
                List<double[]> pts = new ArrayList<>();
                for (Outcome o : done) {
                    if (o.model().equals(m.model().type()) && (o.method().equals(method) || o.method().equals("none"))) {
                        pts.add(new double[] {o.zeroFraction(), o.testAcc()});
                    }
                }
                if (pts.isEmpty()) continue;
                pts.sort((a, b) -> Double.compare(a[0], b[0]));
                double[] x = new double[pts.size()], y = new double[pts.size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = pts.get(i)[0];
                    y[i] = pts.get(i)[1];
                }
                series.add(new Charts.Series(m.model().type() + ", " + method, x, y));
            }
        }
        if (!series.isEmpty()) {
            Charts.lines("Test accuracy against the fraction of weights exactly zero (" + kind + ", growing strength)",
                    "fraction of weight-matrix entries exactly zero", "test accuracy", series,
                    Charts.Style.curves().withIntegerX(false), dir.resolve("accuracy_vs_zeros"));
        }
        return report;
    }

    /** The outcomes as a table, JSON and a one-line finding. */
    public record Report(List<TrainConfig> models, String kind, List<Outcome> outcomes) {

        public String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append("Sparsity: ").append(kind).append(" penalty by its proximal operator (proxsgd) or its subgradient (sgd)\n\n");
            for (TrainConfig m : models) sb.append("- ").append(RunConfig.describe(m)).append(", ").append(m.epochs()).append(" epochs\n");
            sb.append("\n| model | method | strength | test acc | weights exactly zero | units with all inputs zero | seconds |\n");
            sb.append("| --- | --- | --- | --- | --- | --- | --- |\n");
            for (Outcome o : outcomes) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.4f | %.2f%% | %d | %.1f |%n", o.model(), o.method(),
                        RunConfig.number(o.strength()).replaceAll("\\.0$", ""), o.testAcc(), 100 * o.zeroFraction(),
                        o.deadUnits(), o.seconds()));
            }
            return sb.toString();
        }

        /** The largest zero fraction each method reached, and the test accuracy there. */
        public String finding() {
            StringBuilder sb = new StringBuilder();
            for (String method : List.of("proximal", "subgradient")) {
                Outcome best = null;
                for (Outcome o : outcomes) {
                    if (o.method().equals(method) && (best == null || o.zeroFraction() > best.zeroFraction())) best = o;
                }
                if (best == null) continue;
                sb.append(String.format(Locale.ROOT, "%s step: at most %.2f%% of the weights exactly zero (%s, strength %s, test acc %.4f). ",
                        method, 100 * best.zeroFraction(), best.model(), RunConfig.number(best.strength()).replaceAll("\\.0$", ""),
                        best.testAcc()));
            }
            return sb.toString().trim();
        }

        public String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Object> cfgs = new ArrayList<>();
            for (TrainConfig c : models) cfgs.add(RunConfig.toMap(c));
            m.put("models", cfgs);
            m.put("penalty", kind);
            List<Object> rows = new ArrayList<>();
            for (Outcome o : outcomes) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("model", o.model());
                r.put("method", o.method());
                r.put("strength", o.strength());
                r.put("test_acc", o.testAcc());
                r.put("zero_fraction", o.zeroFraction());
                r.put("dead_units", o.deadUnits());
                r.put("seconds", o.seconds());
                rows.add(r);
            }
            m.put("runs", rows);
            m.put("finding", finding());
            return Json.pretty(m);
        }
    }
}
