package dev.nabla.cli.experiment;

import dev.nabla.cli.config.RunConfig;
import dev.nabla.cli.plot.Charts;
import dev.nabla.data.ImageSet;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.train.Evaluator;
import dev.nabla.train.Splits;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainResult;
import dev.nabla.train.Trainer;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Convolution commutes with shifts, a dense layer does not: an MLP and a CNN of about the same parameter count,
 * trained on the same (unshifted) MNIST images, are evaluated on the test images moved by 0 to {@code maxShift}
 * pixels right, left, down and up (the vacated border filled with background, 0). The CNN's features move with
 * the digit and its pooling absorbs small moves; the MLP's first layer sees a different input vector and its
 * accuracy falls faster. The {@link ShiftLesson} checks before it show the mechanism in float64.
 */
public final class Shift {
    /** The four directions, as (rows, columns) per pixel of shift. */
    static final Map<String, int[]> DIRECTIONS = directions();

    private static Map<String, int[]> directions() {
        Map<String, int[]> d = new LinkedHashMap<>();
        d.put("right", new int[] {0, 1});
        d.put("left", new int[] {0, -1});
        d.put("down", new int[] {1, 0});
        d.put("up", new int[] {-1, 0});
        return d;
    }

    /**
     * One trained model's accuracies on shifted test images.
     *
     * @param accuracy per direction, index = shift in pixels (0..maxShift)
     * @param mean     per shift, the mean over the four directions
     */
    public record Outcome(String name, String model, long parameters, double seconds, double cpuSeconds,
                          Map<String, double[]> accuracy, double[] mean) {
    }

    private final List<TrainConfig> configs;
    private final int maxShift;
    private final Path dir;
    private final PrintWriter log;

    /**
     * @param configs  the models to compare (the MLP first, then the CNN) and how to train them
     * @param maxShift the largest shift, in pixels
     */
    public Shift(List<TrainConfig> configs, int maxShift, Path dir, PrintWriter log) {
        this.configs = configs;
        this.maxShift = maxShift;
        this.dir = dir;
        this.log = log;
    }

    /** Trains each model on {@code train} (validating on {@code validation}) and evaluates it on shifted {@code test} images. */
    public List<Outcome> run(ImageSet train, ImageSet validation, ImageSet test) {
        List<Outcome> done = new ArrayList<>();
        for (TrainConfig cfg : configs) done.add(train(cfg, train, validation, test));
        return done;
    }

    private Outcome train(TrainConfig cfg, ImageSet train, ImageSet validation, ImageSet test) {
        long cpu0 = processCpuNanos(), t0 = System.nanoTime();
        Module model = Models.build(cfg.model());
        TrainResult r = Trainer.fit(model, Trainer.optimizer(model, cfg), Splits.of(train, validation, null), cfg, null, null);
        Map<String, double[]> acc = new LinkedHashMap<>();
        double[] mean = new double[maxShift + 1];
        for (Map.Entry<String, int[]> d : DIRECTIONS.entrySet()) {
            double[] a = new double[maxShift + 1];
            for (int s = 0; s <= maxShift; s++) {
                a[s] = s == 0 && !acc.isEmpty() ? acc.values().iterator().next()[0]
                        : shiftedAccuracy(model, test, s * d.getValue()[0], s * d.getValue()[1]);
                mean[s] += a[s] / DIRECTIONS.size();
            }
            acc.put(d.getKey(), a);
        }
        String name = cfg.model().type().equals("cnn") ? "CNN" : "MLP";
        Outcome o = new Outcome(name, RunConfig.describeModel(cfg.model()), model.parameterCount(),
                (System.nanoTime() - t0) / 1e9, (processCpuNanos() - cpu0) / 1e9, acc, mean);
        log.printf(Locale.ROOT, "[%s] %s, %d parameters: best validation accuracy %.4f at epoch %d; test accuracy %.4f unshifted,"
                        + " %.4f at %d pixels; %.0f s (%.0f s CPU)%n", name, o.model(), o.parameters(), r.bestValAcc(), r.bestEpoch(),
                mean[0], mean[maxShift], maxShift, o.seconds(), o.cpuSeconds());
        log.flush();
        return o;
    }

    /** CPU time of the whole process (every thread), for the report: wall time on a shared machine says little. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /**
     * Test images per pass of the shifted evaluation. Each chunk is shifted and evaluated on its own: no shifted
     * copy of the whole test set, and the CNN's activations of a pass stay a few megabytes. Passes of 500 images
     * made 12 MB feature maps that outlived the JVM's young generation; promoted, they grew its heap to gigabytes
     * of garbage between full collections.
     */
    static final int EVAL_CHUNK = 100;

    /** The model's accuracy on {@code test} with every image moved by dy rows and dx columns ({@link #shifted}). */
    static double shiftedAccuracy(Module model, ImageSet test, int dy, int dx) {
        long hits = 0;
        for (int from = 0; from < test.count(); from += EVAL_CHUNK) {
            ImageSet part = shifted(test.slice(from, Math.min(test.count(), from + EVAL_CHUNK)), dy, dx);
            int[][] confusion = Evaluator.evaluate(model, part, EVAL_CHUNK).confusion();
            for (int c = 0; c < confusion.length; c++) hits += confusion[c][c];
        }
        return (double) hits / test.count();
    }

    /**
     * {@code set} with every image moved by dy rows and dx columns; pixels moved in from outside are 0 (MNIST's
     * background), pixels moved out are lost.
     */
    static ImageSet shifted(ImageSet set, int dy, int dx) {
        int rows = set.rows(), cols = set.cols(), n = rows * cols;
        float[] in = set.pixels(), out = new float[in.length];
        for (int i = 0; i < set.count(); i++) {
            for (int y = Math.max(0, dy); y < Math.min(rows, rows + dy); y++) {
                for (int x = Math.max(0, dx); x < Math.min(cols, cols + dx); x++) {
                    out[i * n + y * cols + x] = in[i * n + (y - dy) * cols + (x - dx)];
                }
            }
        }
        return new ImageSet(out, set.labels(), set.count(), rows, cols, set.classes());
    }

    /** Writes results.md, results.json and the two figures; returns the report. */
    Report write(ShiftLesson.Result lesson, List<Outcome> outcomes, int trainSize, int testSize) {
        Report report = new Report(lesson, outcomes, configs.get(0), trainSize, testSize, maxShift);
        Experiments.createFolder(dir);
        AtomicFiles.writeString(dir.resolve("results.md"), report.markdown());
        AtomicFiles.writeString(dir.resolve("results.json"), report.json());
        double[] shifts = new double[maxShift + 1];
        for (int s = 0; s <= maxShift; s++) shifts[s] = s;
        List<Charts.Series> acc = new ArrayList<>();
        for (Outcome o : outcomes) acc.add(new Charts.Series(o.name() + " (" + o.parameters() + " parameters)", shifts, o.mean()));
        Charts.lines("Test accuracy on MNIST digits shifted by s pixels (mean of right, left, down, up)", "shift (pixels)",
                "test accuracy", acc, Charts.Style.curves(), dir.resolve("accuracy_vs_shift"));
        List<Charts.Series> pool = new ArrayList<>();
        lesson.relativeChange().forEach((p, y) -> pool.add(new Charts.Series(p, shifts, y)));
        Charts.lines("Relative change of relu(conv(x)) features when the digit moves s pixels (circularly)",
                "shift (pixels)", "||f(shifted x) - f(x)|| / ||f(x)||", pool, Charts.Style.curves(), dir.resolve("pooling_invariance"));
        return report;
    }

    /** Both parts as a table and JSON. */
    public record Report(ShiftLesson.Result lesson, List<Outcome> outcomes, TrainConfig training, int trainSize,
                         int testSize, int maxShift) {

        public String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "Convolution as a matrix (float64, %d random %dx%d images and kernels per size):%n",
                    lesson.trials(), lesson.side(), lesson.side()));
            lesson.matrixError().forEach((k, e) -> sb.append(String.format(Locale.ROOT,
                    "- circular %dx%d conv vs its doubly block-circulant matrix: max |difference| %.2e%n", k, k, e)));
            sb.append(String.format(Locale.ROOT, "- conv(shift(x)) vs shift(conv(x)), shifts %s: max |difference| %.2e%n%n",
                    shiftsText(), lesson.equivarianceError()));
            sb.append(String.format(Locale.ROOT, "Relative change of relu(conv(x)) (%d random 3x3 kernels, first %d test digits) when x moves s pixels right (circularly):%n%n",
                    lesson.channels(), lesson.images()));
            table(sb, "pooling", lesson.relativeChange(), "%.3f");
            sb.append(String.format(Locale.ROOT, "%nTest accuracy on shifted digits (%d training images, %d test images, %s, batch %d, %d epochs; mean of right, left, down, up):%n%n",
                    trainSize, testSize, training.optimizer() + " lr=" + RunConfig.number(training.lr()).replaceAll("\\.0$", ""),
                    training.batchSize(), training.epochs()));
            Map<String, double[]> means = new LinkedHashMap<>();
            for (Outcome o : outcomes) means.put(o.name() + ": " + o.model() + " (" + o.parameters() + " parameters)", o.mean());
            table(sb, "model", means, "%.4f");
            sb.append('\n');
            for (Outcome o : outcomes) {
                sb.append(String.format(Locale.ROOT, "%s: %.0f s, %.0f s CPU (training and evaluation)%n", o.name(), o.seconds(), o.cpuSeconds()));
            }
            return sb.toString();
        }

        private void table(StringBuilder sb, String first, Map<String, double[]> rows, String format) {
            sb.append("| ").append(first).append(" |");
            for (int s = 0; s <= maxShift; s++) sb.append(' ').append(s).append(" px |");
            sb.append("\n| --- |");
            for (int s = 0; s <= maxShift; s++) sb.append(" --- |");
            sb.append('\n');
            rows.forEach((name, y) -> {
                sb.append("| ").append(name).append(" |");
                for (double v : y) sb.append(' ').append(String.format(Locale.ROOT, format, v)).append(" |");
                sb.append('\n');
            });
        }

        private static String shiftsText() {
            List<String> s = new ArrayList<>();
            for (int[] d : ShiftLesson.SHIFTS) s.add("(" + d[0] + ", " + d[1] + ")");
            return String.join(" ", s);
        }

        public String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("side", lesson.side());
            a.put("trials", lesson.trials());
            Map<String, Object> errors = new LinkedHashMap<>();
            lesson.matrixError().forEach((k, e) -> errors.put(k + "x" + k, e));
            a.put("matrix_max_abs_diff", errors);
            a.put("equivariance_max_abs_diff", lesson.equivarianceError());
            a.put("pooling_channels", lesson.channels());
            a.put("pooling_images", lesson.images());
            a.put("pooling_relative_change", lesson.relativeChange());
            m.put("lesson", a);
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("train_size", trainSize);
            b.put("test_size", testSize);
            b.put("max_shift", maxShift);
            b.put("optimizer", training.optimizer());
            b.put("lr", training.lr());
            b.put("batch", training.batchSize());
            b.put("epochs", training.epochs());
            b.put("seed", training.seed());
            List<Object> models = new ArrayList<>();
            for (Outcome o : outcomes) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("name", o.name());
                r.put("model", o.model());
                r.put("parameters", o.parameters());
                r.put("seconds", o.seconds());
                r.put("cpu_seconds", o.cpuSeconds());
                r.put("mean_accuracy", o.mean());
                r.put("accuracy", o.accuracy());
                models.add(r);
            }
            b.put("models", models);
            m.put("shifted_test", b);
            return Json.pretty(m);
        }
    }
}
