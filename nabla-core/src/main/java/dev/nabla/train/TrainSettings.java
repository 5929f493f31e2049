package dev.nabla.train;

import dev.nabla.models.ModelSpec;
import dev.nabla.data.Augment;
import dev.nabla.optim.Penalty;
import dev.nabla.optim.Schedule;
import dev.nabla.tensor.DType;

import java.util.List;
import java.util.function.Function;

/**
 * The settings of a training run, each declared once: {@code nabla train}'s options, the keys of nabla's YAML
 * format, the echoed {@code config.yaml}, the table in docs/cli-train.md and {@link TrainConfig}'s checks all
 * come from {@link #ALL}. A new setting is one more declaration here (and its use where the run is built).
 */
public final class TrainSettings {
    private TrainSettings() {}

    public static final List<String> MODELS = List.of("softmax", "twolayer", "mlp", "lenet5", "cnn");
    public static final List<String> ACTIVATIONS = List.of("relu", "sigmoid", "tanh");
    public static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw", "proxsgd");
    public static final List<String> INITS = List.of("numpy", "normal", "xavier", "kaiming");

    public static final Setting<String> MODEL = new Setting<>("model", String.join("|", MODELS),
            "model", "twolayer", "twolayer", "one of " + String.join(", ", MODELS), Setting.choice(MODELS),
            c -> c.model().type());
    public static final Setting<int[]> HIDDEN = new Setting<>("hidden", "N[,N...]",
            "hidden layer sizes", null, "128; softmax, lenet5, cnn: none", "one or more layer sizes >= 1, e.g. 128 or 256,128",
            Setting.intList(1, 1 << 20),
            c -> c.model().type().equals("softmax") || c.model().type().equals("lenet5") || cnn(c) ? null : c.model().hidden().clone());
    public static final Setting<String> ACTIVATION = new Setting<>("activation", String.join("|", ACTIVATIONS),
            "hidden activation", null, "twolayer: sigmoid, mlp: relu", "one of " + String.join(", ", ACTIVATIONS),
            Setting.choice(ACTIVATIONS),
            c -> c.model().type().equals("softmax") ? null : c.model().activation());
    public static final Setting<int[]> CHANNELS = new Setting<>("channels", "N[,N...]",
            "cnn: output channels of each conv block (conv, [batchnorm], relu, max pool 2)", null, "32,64",
            "one or more channel counts >= 1, e.g. 32,64", Setting.intList(1, 1 << 16), c -> cnn(c) ? c.model().conv().channels() : null);
    public static final Setting<Integer> KERNEL = new Setting<>("kernel", "N",
            "cnn: side of the square conv kernels (padding keeps the image size)", ModelSpec.Conv.DEFAULT.kernel(), "3", "an odd integer >= 1",
            odd(Setting.intRange(1, 99)), c -> cnn(c) ? c.model().conv().kernel() : null);
    public static final Setting<Integer> FC = new Setting<>("fc", "N",
            "cnn: units of the dense layer after the conv blocks", ModelSpec.Conv.DEFAULT.fc(), "128", "an integer >= 1",
            Setting.intRange(1, 1 << 20), c -> cnn(c) ? c.model().conv().fc() : null);
    public static final Setting<Double> DROPOUT = new Setting<>("dropout", "X",
            "cnn: dropout probability before each dense layer (0: none)", ModelSpec.Conv.DEFAULT.dropout(), "0", "a number in [0, 1)",
            Setting.real(x -> x >= 0 && x < 1), c -> cnn(c) ? c.model().conv().dropout() : null);
    public static final Setting<Boolean> BATCHNORM = new Setting<>("batchnorm", "true|false",
            "cnn: BatchNorm2d after each convolution (which then has no bias)", ModelSpec.Conv.DEFAULT.batchNorm(), "false", "true or false",
            Setting.bool(), c -> cnn(c) ? c.model().conv().batchNorm() : null);

    private static boolean cnn(TrainConfig c) {
        return c.model().type().equals("cnn");
    }

    private static Function<Object, Integer> odd(Function<Object, Integer> any) {
        return raw -> {
            Integer n = any.apply(raw);
            return n != null && n % 2 == 1 ? n : null;
        };
    }

    public static final Setting<Double> LR = new Setting<>("lr", "X",
            "learning rate (the base rate of a schedule)", 0.1, "0.1", "a number > 0", Setting.real(x -> x > 0),
            TrainConfig::lr);
    public static final Setting<Double> REG = new Setting<>("reg", "X",
            "L2 regularization of the weights", 0.001, "0.001", "a number >= 0", Setting.real(x -> x >= 0),
            TrainConfig::reg);
    public static final Setting<Integer> BATCH = new Setting<>("batch", "N",
            "batch size", 64, "64", "an integer >= 1", Setting.intRange(1, Integer.MAX_VALUE),
            TrainConfig::batchSize);
    public static final Setting<Integer> EPOCHS = new Setting<>("epochs", "N",
            "epochs", 10, "10", "an integer >= 1", Setting.intRange(1, 1_000_000),
            TrainConfig::epochs);
    public static final Setting<Double> MOMENTUM = new Setting<>("momentum", "X",
            "SGD momentum", 0.0, "0", "a number in [0, 1)", Setting.real(x -> x >= 0 && x < 1),
            TrainConfig::momentum);
    public static final Setting<Boolean> NESTEROV = new Setting<>("nesterov", "true|false",
            "Nesterov momentum (SGD, with momentum > 0)", false, "false", "true or false", Setting.bool(),
            TrainConfig::nesterov);
    public static final Setting<String> OPTIMIZER = new Setting<>("optimizer", String.join("|", OPTIMIZERS),
            "optimizer", "sgd", "sgd", "one of " + String.join(", ", OPTIMIZERS), Setting.choice(OPTIMIZERS),
            TrainConfig::optimizer);
    public static final Setting<Penalty> PENALTY = new Setting<>("penalty", "none|l1:X|group:X",
            "non-smooth penalty on the weight matrices: proxsgd applies its proximal operator, sgd a subgradient",
            Penalty.NONE, "none", "none, l1:LAMBDA or group:LAMBDA (rows of each weight matrix), LAMBDA >= 0",
            raw -> raw instanceof Penalty p ? p : raw instanceof String t ? Penalty.parse(t) : null,
            TrainConfig::penalty);
    public static final Setting<Schedule> SCHEDULE = new Setting<>("schedule", "constant|step:N:G|cosine",
            "learning rate per epoch: constant, step:N:G (times G every N epochs), cosine[:MIN]",
            Schedule.constant(), "constant", "constant, step:EVERY:GAMMA (e.g. step:10:0.5) or cosine[:MIN]", schedule(),
            TrainConfig::schedule);
    public static final Setting<Long> SEED = new Setting<>("seed", "N",
            "seed of the initial weights and the shuffling", 1024L, "1024", "an integer",
            Setting.integer(Long.MIN_VALUE, Long.MAX_VALUE),
            TrainConfig::seed);
    public static final Setting<String> INIT = new Setting<>("init", String.join("|", INITS),
            "weight initialisation", "numpy", "numpy", "one of " + String.join(", ", INITS), Setting.choice(INITS),
            c -> c.model().init());
    /**
     * More threads than this many per core only add switching and memory (each thread keeps its own buffers);
     * a count like 100000 is a typo, refused before any thread starts.
     */
    public static final int MAX_THREADS_PER_CORE = 8;

    /** The largest thread count allowed on this machine: {@value #MAX_THREADS_PER_CORE} per core. */
    public static int maxThreads() {
        return MAX_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
    }

    public static final Setting<Integer> THREADS = new Setting<>("threads", "N",
            "threads for the kernels; 0: all cores", 0, "0", "an integer from 1 to " + MAX_THREADS_PER_CORE
            + " per core, or 0 for all cores", threadCount(), TrainConfig::threads);

    private static Function<Object, Integer> threadCount() {
        Function<Object, Integer> any = Setting.intRange(0, Integer.MAX_VALUE);
        return raw -> {
            Integer n = any.apply(raw);
            return n != null && n <= maxThreads() ? n : null;
        };
    }

    public static final Setting<Boolean> LOG_STEPS = new Setting<>("log-steps", "true|false",
            "record the training loss of every step (steps.csv and a chart in the run folder)", false, "false",
            "true or false", Setting.bool(), TrainConfig::logSteps);

    public static final Setting<DType> DTYPE = new Setting<>("dtype", "float32|float64",
            "precision of the weights and the computation", DType.F32, "float32", "float32 or float64", dtype(),
            TrainConfig::dtype);

    public static final Setting<Augment> AUGMENT = new Setting<>("augment", "none|shift:N[,flip]",
            "random changes to the training images, seeded: translation by up to N pixels (zero padding), flip: "
                    + "mirror half of them left to right (for clothing, not digits)",
            Augment.NONE, "none", "none, flip, shift:N (N from 1 to " + Augment.MAX_SHIFT + ") or shift:N,flip",
            raw -> raw instanceof Augment a ? a : raw instanceof String t ? Augment.parse(t) : null,
            c -> c.augment().active() ? c.augment() : null); // left out when off: runs without it read as before

    /** Every setting, in the order the options, the YAML and the docs list them. */
    public static final List<Setting<?>> ALL = List.of(MODEL, HIDDEN, ACTIVATION, CHANNELS, KERNEL, FC,
            DROPOUT, BATCHNORM, LR, REG, BATCH, EPOCHS, MOMENTUM,
            NESTEROV, OPTIMIZER, PENALTY, SCHEDULE, SEED, INIT, THREADS, LOG_STEPS, DTYPE, AUGMENT);

    /** The keys of {@link #ALL}, in order. */
    public static List<String> keys() {
        return ALL.stream().map(Setting::key).toList();
    }

    /** The setting named {@code key}, or null. */
    public static Setting<?> find(String key) {
        for (Setting<?> s : ALL) if (s.key().equals(key)) return s;
        return null;
    }

    /** {@link #ALL} as a Markdown table (key, option, value, default, meaning): docs/cli-train.md holds it. */
    public static String markdownTable() {
        return markdownTable(ALL);
    }

    /** {@code settings} as a Markdown table, one row each. */
    public static String markdownTable(List<Setting<?>> settings) {
        StringBuilder sb = new StringBuilder("| key | option | value | default | meaning |\n| --- | --- | --- | --- | --- |\n");
        for (Setting<?> s : settings) {
            sb.append("| `").append(s.key()).append("` | `").append(s.option()).append(' ').append(cell(s.label()))
                    .append("` | ").append(cell(s.allowed())).append(" | ").append(cell(s.defaultText())).append(" | ")
                    .append(cell(s.help())).append(" |\n");
        }
        return sb.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /** {@code float32} or {@code float64}, the names {@link #DTYPE} reads and writes. */
    public static String dtypeName(DType t) {
        return t == DType.F64 ? "float64" : "float32";
    }

    // float32 or float64 (also f32, f64)
    private static Function<Object, DType> dtype() {
        return raw -> {
            if (raw instanceof DType d) return d;
            if (!(raw instanceof String t)) return null;
            return switch (t.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "float32", "f32" -> DType.F32;
                case "float64", "f64" -> DType.F64;
                default -> null;
            };
        };
    }

    private static Function<Object, Schedule> schedule() {
        return raw -> raw instanceof Schedule s ? s : raw instanceof String t ? Schedule.parse(t) : null;
    }
}
