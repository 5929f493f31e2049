package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.autograd.Functional;
import dev.nabla.autograd.Grad;
import dev.nabla.autograd.Tensor;
import dev.nabla.cli.config.RunConfig;
import dev.nabla.data.ImageSet;
import dev.nabla.io.NamedArray;
import dev.nabla.io.Npy;
import dev.nabla.models.CourseNames;
import dev.nabla.models.ModelFile;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.Module;
import dev.nabla.nn.Parameter;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.train.Setting;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * {@code nabla gradcheck}: each parameter's analytic gradient (reverse mode) against central finite differences
 * in float64, and forward mode (a JVP along a random direction) against both, for the loss of a model on a batch
 * of images. Convolutional models are checked as they train: batch norm on the batch's statistics, dropout on.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        modelTransformer = GradCheckCommand.Declared.class,
        header = "Check a model's gradients against central differences.",
        description = {
                "Check a model's gradients: the mean cross-entropy loss on a batch of training",
                "images, in float64; each parameter's gradient from backpropagation against",
                "central differences (L(w + h) - L(w - h)) / 2h. An entry passes when",
                "|analytic - numerical| <= atol + rtol * |numerical|; the relative error shown",
                "is |analytic - numerical| / max(|analytic|, |numerical|, atol / rtol).",
                "--max-entries N checks, per parameter, the N/2 entries with the largest",
                "gradients and N/2 others drawn at random (seeded). Forward mode: the JVP along",
                "a random direction of all parameters must match the reverse-mode gradient's",
                "dot product with it and the central difference along it, by the same rule.",
                "lenet5 and cnn are checked in training mode: batch norm on the batch's",
                "statistics, dropout on with the same masks in every evaluation.",
                ""},
        footer = {"", "Examples:",
                "  nabla gradcheck --model twolayer --init numpy --seed 1024 --range 0:64",
                "  nabla gradcheck --model softmax --save-grads runs/grads",
                "  nabla gradcheck --model cnn --channels 3,4 --fc 8 --dropout 0.25 --range 0:4",
                "  nabla gradcheck --dtype float64 --inputs X.npy --labels y.npy",
                "  nabla gradcheck --inputs X.npy --labels y.npy --max-entries 0",
                "Exit codes: 0 the check passed, 1 it failed, 2 bad input."})
public final class GradCheckCommand implements Callable<Integer> {

    /** The settings gradcheck shares with train: the model and its weights, and the precision. */
    static final List<Setting<?>> SHARED = List.of(TrainSettings.MODEL, TrainSettings.HIDDEN, TrainSettings.ACTIVATION,
            TrainSettings.CHANNELS, TrainSettings.KERNEL, TrainSettings.FC, TrainSettings.DROPOUT, TrainSettings.BATCHNORM,
            TrainSettings.INIT, TrainSettings.SEED, TrainSettings.DTYPE);

    /** gradcheck's options for {@link #SHARED}, built from their declarations; the precision defaults to float64. */
    public static final class Declared implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            List<OptionSpec> declared = new ArrayList<>();
            for (Setting<?> s : SHARED) {
                declared.add(s == TrainSettings.DTYPE
                        ? TrainOptions.option(s, "precision of the analytic gradients; the differences are always float64", "float64")
                        : s == TrainSettings.SEED ? TrainOptions.option(s, "seed of the initial weights", s.defaultText())
                        : TrainOptions.option(s));
            }
            return TrainOptions.addFirst(spec, declared);
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--range", paramLabel = "FROM:TO", description = "the training images [FROM, TO) (default 0:64)")
    String range;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the MNIST files (default: the cache)")
    Path data;

    @Option(names = "--inputs", paramLabel = "X.npy", description = "inputs [N, features] from a .npy file instead of MNIST")
    Path inputs;

    @Option(names = "--labels", paramLabel = "y.npy", description = "labels [N] for --inputs")
    Path labels;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "10",
            description = "classes (model outputs) for --inputs; labels lie in [0, N) (default ${DEFAULT-VALUE})")
    int classes;

    @Option(names = "--save-grads", paramLabel = "DIR",
            description = "write each analytic gradient as DIR/<parameter>.npy in --dtype, in the course's names and layout (W1 [in, out], b1, ...)")
    Path saveGrads;

    @Option(names = "--max-entries", paramLabel = "N", defaultValue = "200",
            description = "entries checked per parameter, 0 for all (default ${DEFAULT-VALUE})")
    int maxEntries;

    @Option(names = "--eps", paramLabel = "H", defaultValue = "1e-6", description = "finite-difference step (default ${DEFAULT-VALUE})")
    double eps;

    @Option(names = "--atol", paramLabel = "X", defaultValue = "1e-8", description = "absolute tolerance (default ${DEFAULT-VALUE})")
    double atol;

    @Option(names = "--rtol", paramLabel = "X", defaultValue = "1e-5", description = "relative tolerance (default ${DEFAULT-VALUE})")
    double rtol;

    /** One parameter's comparison. */
    record ParamReport(String name, int[] shape, int checked, double maxAbsError, double maxRelError, int worst,
                       double analyticAtWorst, double numericalAtWorst, boolean passed) {
    }

    @Override
    @SuppressWarnings("try") // the Grad scope is used for its effect, not referenced
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxEntries < 0) throw new InputException("--max-entries " + maxEntries + " is not allowed: expected 0 (all) or more");
        if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0) || (atol == 0 && rtol == 0)) {
            throw new InputException("--eps must be > 0 and --atol, --rtol >= 0 (not both 0); got " + eps + ", " + atol + ", " + rtol);
        }
        if ((inputs == null) != (labels == null)) {
            throw new InputException("--inputs and --labels go together: give both .npy files or neither");
        }
        RunConfig rc = RunConfig.defaults().withValue(TrainSettings.DTYPE.key(), DType.F64, "gradcheck's default");
        for (Setting<?> setting : SHARED) {
            String given = spec.findOption(setting.option()).getValue();
            if (given != null) rc = rc.with(setting.key(), given, setting.option());
        }
        TrainConfig cfg = rc.resolve();
        ModelSpec base = cfg.model();

        Batch b = inputs != null ? npyBatch() : mnistBatch(err);
        ModelSpec s = new ModelSpec(base.type(), b.features, base.hidden(), base.activation(), b.classes, base.init(),
                base.seed(), base.conv());
        DType dt = cfg.dtype();
        Module m = Models.build(s).to(DType.F64); // the model the central differences evaluate
        Module analytic = dt == DType.F64 ? m : Models.build(s).to(dt);
        NDArray x = NDArray.of(b.x, b.count, b.features).to(DType.F64);

        // analytic gradients, in --dtype
        double loss;
        try (var on = Grad.enabled()) {
            analytic.zeroGrad();
            Tensor l = Functional.crossEntropy(analytic.forward(Tensor.of(x.to(dt))), b.y);
            loss = l.item();
            l.backward();
        }
        out.printf(Locale.ROOT, "gradcheck %s (init %s, seed %d) on %s%n", RunConfig.describeModel(s), s.init(),
                s.seed(), b.what);
        out.printf(Locale.ROOT, "loss %.9f (mean cross-entropy, %s)%n", loss, TrainSettings.dtypeName(dt));
        out.printf(Locale.ROOT, "central differences with h = %s; an entry passes when |analytic - numerical| <= %s + %s * |numerical|%n",
                num(eps), num(atol), num(rtol));

        List<ParamReport> reports = new ArrayList<>();
        Map<String, NDArray> grads = new LinkedHashMap<>();
        Random rng = new Random(42);
        Map<String, Parameter> checked = m.namedParameters();
        analytic.namedParameters().forEach((name, p) -> {
            NDArray g = p.grad() == null ? NDArray.zeros(dt, p.shape()) : p.grad().copy();
            grads.put(name, g);
            reports.add(check(s, m, x, b.y, name, checked.get(name), g.to(DType.F64), rng));
        });
        ForwardMode forward = forwardMode(s, dt, m, x, b.y, grads, rng);

        Map<String, NDArray> saved = CourseNames.toCourse(analytic, grads);
        if (saveGrads != null) saved.forEach((name, g) -> Npy.write(saveGrads.resolve(name + ".npy"), ModelFile.toStored(g)));

        printTable(out, reports);
        out.printf(Locale.ROOT, "forward mode, along a random direction of every parameter: JVP %.9e, reverse mode's"
                        + " <gradient, direction> %.9e (|diff| %.2e), central difference %.9e (|diff| %.2e): %s%n",
                forward.jvp(), forward.viaReverse(), Math.abs(forward.jvp() - forward.viaReverse()), forward.numerical(),
                Math.abs(forward.jvp() - forward.numerical()), forward.passed() ? "pass" : "FAIL");
        boolean passed = reports.stream().allMatch(ParamReport::passed) && forward.passed();
        if (saveGrads != null) out.println("gradients written to " + saveGrads + " (" + TrainSettings.dtypeName(dt) + ": "
                + String.join(", ", saved.keySet().stream().map(n -> n + ".npy").toList()) + ")");
        out.println(passed ? "gradcheck passed" : "gradcheck FAILED");
        out.flush();
        return passed ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    @SuppressWarnings("try") // the Grad scope is used for its effect, not referenced
    private ParamReport check(ModelSpec s, Module m, NDArray x, int[] y, String name, Parameter p, NDArray g, Random rng) {
        NDArray w = p.value();
        int n = w.numel();
        int[] entries = entries(g, n, rng);
        double maxAbs = 0, maxRel = -1, aW = 0, nW = 0;
        int worst = -1;
        boolean ok = true;
        double floor = rtol > 0 ? atol / rtol : 0;
        try (var off = Grad.disabled()) {
            for (int k : entries) {
                double orig = w.getFlat(k);
                w.setFlat(k, orig + eps);
                double plus = loss(s, m, x, y);
                w.setFlat(k, orig - eps);
                double minus = loss(s, m, x, y);
                w.setFlat(k, orig);
                double num = (plus - minus) / (2 * eps);
                double ana = g.getFlat(k);
                double abs = Math.abs(ana - num);
                double denom = Math.max(Math.max(Math.abs(ana), Math.abs(num)), floor);
                double rel = denom == 0 ? 0 : abs / denom;
                double excess = abs - (atol + rtol * Math.abs(num));
                if (!(excess <= 0)) ok = false;
                maxAbs = Math.max(maxAbs, abs);
                if (rel > maxRel || Double.isNaN(rel)) {
                    maxRel = Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel;
                    worst = k;
                    aW = ana;
                    nW = num;
                }
            }
        }
        return new ParamReport(name, p.shape(), entries.length, maxAbs, maxRel, worst, aW, nW, ok);
    }

    private static String num(double v) {
        return Double.toString(v).replace(".0E", "e").replace('E', 'e'); // 1e-6, 0.001
    }

    /**
     * The float64 loss at the current weights of {@code m}. A model with dropout computes it in a copy built
     * afresh from {@code s}, whose dropout layers draw the same masks as the analytic pass (the first forward
     * of a fresh model) did.
     */
    private static double loss(ModelSpec s, Module m, NDArray x, int[] y) {
        Module at = m;
        if (m.namedModules().values().stream().anyMatch(Dropout.class::isInstance)) {
            at = Models.build(s).to(DType.F64);
            at.loadStateDict(m.stateDict(), true);
        }
        return Functional.crossEntropy(at.forward(Tensor.of(x)), y).item();
    }

    /** Forward mode's directional derivative against reverse mode's and the central difference's. */
    record ForwardMode(double jvp, double viaReverse, double numerical, boolean passed) {
    }

    /**
     * The JVP of the loss along a random direction v of all parameters, in {@code dt}, by a model built afresh
     * (the same initial weights and dropout masks as the analytic pass), against sum over parameters of
     * {@code <gradient, v>} and against (L(w + h v) - L(w - h v)) / 2h in float64.
     */
    @SuppressWarnings("try") // the Grad scope is used for its effect, not referenced
    private ForwardMode forwardMode(ModelSpec s, DType dt, Module m, NDArray x, int[] y, Map<String, NDArray> grads, Random rng) {
        Map<String, NDArray> direction = new LinkedHashMap<>();
        double viaReverse = 0;
        for (var e : m.namedParameters().entrySet()) {
            NDArray v = NDArray.uniform(rng, -1, 1, DType.F64, e.getValue().shape());
            direction.put(e.getKey(), v);
            viaReverse += grads.get(e.getKey()).to(DType.F64).mul(v).sum(false).item();
        }
        double jvp, numerical;
        try (var off = Grad.disabled()) {
            Module tangent = Models.build(s).to(dt);
            tangent.namedParameters().forEach((name, p) ->
                    p.bind(Tensor.of(p.value()).withTangent(direction.get(name).to(dt))));
            Tensor l = Functional.crossEntropy(tangent.forward(Tensor.of(x.to(dt))), y);
            jvp = l.tangent() == null ? 0 : l.tangent().to(DType.F64).item();

            Map<String, NDArray> start = new LinkedHashMap<>();
            m.namedParameters().forEach((name, p) -> start.put(name, p.value().copy()));
            double[] at = new double[2];
            for (int side = 0; side < 2; side++) {
                double step = side == 0 ? eps : -eps;
                m.namedParameters().forEach((name, p) ->
                        p.value().assign(start.get(name).add(direction.get(name).mulScalar(step))));
                at[side] = loss(s, m, x, y);
            }
            m.namedParameters().forEach((name, p) -> p.value().assign(start.get(name)));
            numerical = (at[0] - at[1]) / (2 * eps);
        }
        boolean passed = Math.abs(jvp - viaReverse) <= atol + rtol * Math.abs(viaReverse)
                && Math.abs(jvp - numerical) <= atol + rtol * Math.abs(numerical);
        return new ForwardMode(jvp, viaReverse, numerical, passed);
    }

    // all entries, or half the largest |gradient| (where mistakes show) and half drawn at random from the rest
    private int[] entries(NDArray g, int n, Random rng) {
        if (maxEntries == 0 || maxEntries >= n) return IntStream.range(0, n).toArray();
        Set<Integer> chosen = new LinkedHashSet<>();
        Integer[] byMagnitude = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(byMagnitude, Comparator.comparingDouble((Integer i) -> -Math.abs(g.getFlat(i))));
        for (int i = 0; i < maxEntries / 2; i++) chosen.add(byMagnitude[i]);
        while (chosen.size() < maxEntries) chosen.add(rng.nextInt(n));
        return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    private static void printTable(PrintWriter out, List<ParamReport> reports) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"param", "shape", "checked", "max |a-n|", "max rel err", "worst entry (analytic, numerical)", "result"});
        for (ParamReport r : reports) {
            rows.add(new String[]{r.name(), Arrays.toString(r.shape()), Integer.toString(r.checked()),
                    String.format(Locale.ROOT, "%.2e", r.maxAbsError()), String.format(Locale.ROOT, "%.2e", r.maxRelError()),
                    String.format(Locale.ROOT, "[%d] (%.6e, %.6e)", r.worst(), r.analyticAtWorst(), r.numericalAtWorst()),
                    r.passed() ? "pass" : "FAIL"});
        }
        int[] w = new int[rows.get(0).length];
        for (String[] row : rows) for (int c = 0; c < w.length; c++) w[c] = Math.max(w[c], row[c].length());
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < w.length; c++) {
                sb.append(row[c]).append(" ".repeat(w[c] - row[c].length()));
                if (c < w.length - 1) sb.append("  ");
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /** The images and labels to check on. */
    private record Batch(float[] x, int[] y, int count, int features, int classes, String what) {
    }

    private Batch mnistBatch(PrintWriter err) {
        ImageSet train = MnistData.load(data, err).train();
        int[] r = parseRange(range == null ? "0:64" : range, train.count());
        ImageSet s = train.slice(r[0], r[1]);
        return new Batch(s.pixels(), s.labels(), s.count(), s.features(), s.classes(),
                "MNIST training images " + r[0] + ":" + r[1]);
    }

    private Batch npyBatch() {
        NamedArray xa = Npy.readFiniteFloats(inputs);
        int[] ys = Npy.readInts(labels).data();
        int[] shape = xa.shape();
        if (shape.length < 2) {
            throw new InputException("--inputs " + inputs + ": expected an array [N, features] (or [N, rows, cols]), found shape "
                    + Arrays.toString(shape));
        }
        int count = shape[0];
        int features = xa.data().length / Math.max(1, count);
        if (ys.length != count) {
            throw new InputException("--labels " + labels + " has " + ys.length + " labels, --inputs " + inputs + " has "
                    + count + " rows");
        }
        if (classes < 2) throw new InputException("--classes " + classes + " is not allowed: expected 2 or more");
        for (int i = 0; i < ys.length; i++) {
            if (ys[i] < 0 || ys[i] >= classes) {
                throw new InputException("--labels " + labels + ": label " + ys[i] + " at index " + i + " is outside 0.."
                        + (classes - 1) + " (--classes " + classes + ")");
            }
        }
        int[] r = parseRange(range == null ? "0:" + count : range, count);
        float[] x = Arrays.copyOfRange(xa.data(), r[0] * features, r[1] * features);
        return new Batch(x, Arrays.copyOfRange(ys, r[0], r[1]), r[1] - r[0], features, classes,
                inputs + " rows " + r[0] + ":" + r[1]);
    }

    static int[] parseRange(String text, int count) {
        String[] parts = text.split(":", -1);
        try {
            if (parts.length == 2) {
                int from = parts[0].isBlank() ? 0 : Integer.parseInt(parts[0].trim());
                int to = parts[1].isBlank() ? count : Integer.parseInt(parts[1].trim());
                if (from >= 0 && to <= count && from < to) return new int[]{from, to};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InputException("--range " + text + " is not allowed: expected FROM:TO with 0 <= FROM < TO <= " + count);
    }
}
