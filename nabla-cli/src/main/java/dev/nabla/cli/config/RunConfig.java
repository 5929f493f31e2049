package dev.nabla.cli.config;

import dev.nabla.InputException;
import dev.nabla.models.ModelSpec;
import dev.nabla.data.Augment;
import dev.nabla.optim.Penalty;
import dev.nabla.optim.Schedule;
import dev.nabla.tensor.DType;
import dev.nabla.train.Setting;
import dev.nabla.train.TrainConfig;
import dev.nabla.train.TrainSettings;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A training configuration being assembled from defaults, a YAML file and command-line options, in that order
 * (later settings win), then {@linkplain #resolve() resolved} into a {@link TrainConfig}.
 *
 * <p>Settings use nabla's flat keys, declared once in {@link TrainSettings} ({@link #KEYS}). Every value is
 * checked when it is set, by its declaration, with a message that names where it came from (a file and key, or
 * an option), the value and what is allowed; the checks that involve several keys run in {@link #resolve()}.
 * Both throw {@link InputException}, which the CLI turns into exit code 2 before anything runs.
 *
 * <p>Instances are immutable: {@link #with} returns a new configuration, so a sweep can derive many trials
 * from one base with {@link #withOverrides}.
 */
public final class RunConfig {

    /** nabla's configuration keys, in the order they are written: those of {@link TrainSettings#ALL}. */
    public static final List<String> KEYS = TrainSettings.keys();

    /** The largest thread count allowed on this machine ({@link TrainSettings#maxThreads()}). */
    public static int maxThreads() {
        return TrainSettings.maxThreads();
    }

    /** What a thread count may be, for messages: "an integer from 1 to 16 (8 per core, 2 cores)". */
    public static String threadsAllowed() {
        int cores = Runtime.getRuntime().availableProcessors();
        return "an integer from 1 to " + maxThreads() + " (" + TrainSettings.MAX_THREADS_PER_CORE + " per core, " + cores + " core"
                + (cores == 1 ? "" : "s") + ")";
    }

    // MNIST's shape; the training code adapts the model to the data it is given
    static final int INPUT_SIZE = 784;
    static final int CLASSES = 10;

    private final Map<String, Object> values;   // typed, only the keys that were set
    private final Map<String, String> origins;  // key -> "file.yaml: Train.learning_rate" or "--lr"
    private final Map<String, String> notes;    // key -> a line about it, shown before training until the key is set

    private RunConfig(Map<String, Object> values, Map<String, String> origins, Map<String, String> notes) {
        this.values = values;
        this.origins = origins;
        this.notes = notes;
    }

    /** Nothing set: resolves to the declared defaults ({@link TrainConfig#defaults()}). */
    public static RunConfig defaults() {
        return new RunConfig(new LinkedHashMap<>(), new LinkedHashMap<>(), Map.of());
    }

    /**
     * Sets {@code key} from text (an option value or a {@code key=value} override). {@code origin} names where it
     * came from in messages, e.g. {@code "--lr"}.
     *
     * @throws InputException for an unknown key or a value that is not allowed
     */
    public RunConfig with(String key, String text, String origin) {
        return withValue(key, text, origin);
    }

    /** Sets {@code key} from a value read from YAML or JSON (a string, number, boolean or list), checked. */
    public RunConfig withValue(String key, Object raw, String origin) {
        Setting<?> setting = TrainSettings.find(key);
        if (setting == null) {
            throw new InputException(origin + ": unknown key '" + key + "' (allowed: " + String.join(", ", KEYS) + ")");
        }
        Object v = setting.parse(raw, origin);
        Map<String, Object> nv = new LinkedHashMap<>(values);
        Map<String, String> no = new LinkedHashMap<>(origins);
        nv.put(key, v);
        no.put(key, origin);
        Map<String, String> nn = new LinkedHashMap<>(notes);
        nn.remove(key); // a note says how a file treats this key; setting it again overrides that
        return new RunConfig(nv, no, nn);
    }

    /**
     * Applies {@code key=value} overrides in order, with the same checks as options (e.g. {@code lr=0.05},
     * {@code hidden=256,128}).
     */
    public RunConfig withOverrides(List<String> keyValues) {
        RunConfig rc = this;
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new InputException("override '" + kv + "': expected key=value with a key from "
                        + String.join(", ", KEYS));
            }
            String key = kv.substring(0, eq).trim();
            rc = rc.with(key, kv.substring(eq + 1).trim(), "override " + key);
        }
        return rc;
    }

    /** The same settings with a line about {@code key} to show the user before training, until {@code key} is set. */
    RunConfig withNote(String key, String note) {
        Map<String, String> n = new LinkedHashMap<>(notes);
        n.put(key, note);
        return new RunConfig(values, origins, n);
    }

    /** Lines to show the user before training (e.g. that the course's format ignores momentum). */
    public List<String> notes() {
        return List.copyOf(notes.values());
    }

    /** The value set for {@code key}, or null when it was not set. */
    public Object get(String key) {
        return values.get(key);
    }

    @SuppressWarnings("unchecked")
    private <T> T value(Setting<T> s) {
        return values.containsKey(s.key()) ? (T) values.get(s.key()) : s.dflt();
    }

    /**
     * The resolved configuration: defaults for what was not set, then the checks across keys (a two-layer net
     * has exactly one hidden size, Nesterov needs momentum, ...).
     */
    public TrainConfig resolve() {
        String model = value(TrainSettings.MODEL);
        int[] hidden = (int[]) values.get(TrainSettings.HIDDEN.key());
        if (hidden == null) hidden = model.equals("softmax") ? new int[0] : new int[]{128};
        String activation = (String) values.get(TrainSettings.ACTIVATION.key());
        switch (model) {
            case "softmax" -> {
                hidden = new int[0];
                if (activation != null && !activation.equals("relu")) {
                    throw new InputException(setting("activation", activation)
                            + " does not apply to model softmax (linear -> relu -> softmax); leave it out");
                }
                activation = "relu";
            }
            case "twolayer" -> {
                if (hidden.length != 1) {
                    throw new InputException(setting("hidden", join(hidden))
                            + " is not allowed for model twolayer, which has one hidden layer: give one size,"
                            + " or use model mlp for several");
                }
                if (activation == null) activation = "sigmoid";
            }
            case "lenet5" -> {
                hidden = new int[0];
                activation = "relu";
            }
            case "cnn" -> {
                if (values.get(TrainSettings.HIDDEN.key()) != null) {
                    throw new InputException(setting("hidden", join(hidden)) + " does not apply to model cnn: give its"
                            + " conv blocks' channels with channels (--channels 32,64) and its dense layer with fc");
                }
                hidden = new int[0];
                activation = "relu";
            }
            default -> {
                if (hidden.length == 0) {
                    throw new InputException(origins.getOrDefault("hidden", "model mlp")
                            + ": model mlp needs at least one hidden size (e.g. hidden = 256,128)");
                }
                if (activation == null) activation = "relu";
            }
        }
        double momentum = value(TrainSettings.MOMENTUM);
        boolean nesterov = value(TrainSettings.NESTEROV);
        String optimizer = value(TrainSettings.OPTIMIZER);
        if (nesterov && optimizer.equals("sgd") && momentum == 0) {
            throw new InputException(setting("nesterov", "true") + " needs momentum > 0"
                    + (notes.containsKey("momentum") ? " in nabla's format (the course's format ignores momentum)" : "")
                    + " (set momentum, e.g. 0.9)");
        }
        long seed = value(TrainSettings.SEED);
        ModelSpec spec = new ModelSpec(model, INPUT_SIZE, hidden, activation, CLASSES, value(TrainSettings.INIT), seed,
                conv(model));
        return new TrainConfig(spec, value(TrainSettings.LR), value(TrainSettings.REG), value(TrainSettings.BATCH),
                value(TrainSettings.EPOCHS), momentum, nesterov, optimizer, seed, value(TrainSettings.THREADS),
                value(TrainSettings.SCHEDULE), value(TrainSettings.PENALTY), value(TrainSettings.LOG_STEPS),
                value(TrainSettings.DTYPE), value(TrainSettings.AUGMENT));
    }

    /** The cnn's blocks from channels, kernel, fc, dropout and batchnorm; for another model, none of them may be set. */
    private ModelSpec.Conv conv(String model) {
        List<Setting<?>> convKeys = List.of(TrainSettings.CHANNELS, TrainSettings.KERNEL, TrainSettings.FC,
                TrainSettings.DROPOUT, TrainSettings.BATCHNORM);
        if (!model.equals("cnn")) {
            for (Setting<?> k : convKeys) {
                Object v = values.get(k.key());
                if (v != null) {
                    throw new InputException(setting(k.key(), v instanceof int[] a ? join(a) : String.valueOf(v))
                            + " applies to model cnn only, not " + model);
                }
            }
            return null;
        }
        int[] channels = (int[]) values.get(TrainSettings.CHANNELS.key());
        return new ModelSpec.Conv(channels == null ? ModelSpec.Conv.DEFAULT.channels() : channels, value(TrainSettings.KERNEL),
                value(TrainSettings.FC), value(TrainSettings.DROPOUT), value(TrainSettings.BATCHNORM));
    }

    // "--hidden 64,32" for an option, "run.yaml: hidden = 64,32" for a file
    private String setting(String key, String value) {
        String origin = origins.getOrDefault(key, key);
        return origin + (origin.startsWith("--") ? " " : " = ") + value;
    }

    static InputException bad(String origin, Object raw, String allowed) {
        return Setting.notAllowed(origin, raw, allowed);
    }

    // ---------------------------------------------------------------- writing

    /** The settings of {@code cfg} under nabla's keys, in {@link #KEYS} order, as the run uses them. */
    public static Map<String, Object> toMap(TrainConfig cfg) {
        return toMap(cfg, TrainSettings.ALL);
    }

    /** The values of {@code settings} in {@code cfg}, by key, leaving out those that do not apply (null). */
    public static Map<String, Object> toMap(TrainConfig cfg, List<Setting<?>> settings) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            Object v = s.read().apply(cfg);
            if (v instanceof DType t) v = TrainSettings.dtypeName(t);
            if (v != null) m.put(s.key(), v instanceof Schedule || v instanceof Penalty || v instanceof Augment ? v.toString() : v);
        }
        return m;
    }

    /** {@code cfg} in nabla's YAML format; loading the text back gives the same configuration. */
    public static String toYaml(TrainConfig cfg) {
        StringBuilder sb = new StringBuilder();
        sb.append("# nabla training config (nabla's format); run it again with: nabla train --config <this file>\n");
        for (Map.Entry<String, Object> e : toMap(cfg).entrySet()) {
            sb.append(e.getKey()).append(": ").append(yamlValue(e.getValue())).append('\n');
        }
        return sb.toString();
    }

    private static String yamlValue(Object v) {
        if (v instanceof int[] a) return a.length == 1 ? Integer.toString(a[0]) : "[" + join(a) + "]";
        if (v instanceof Double d) return number(d);
        return String.valueOf(v);
    }

    /** A double as short, exact text that YAML reads back as the same number (0.001, not 1.0E-3). */
    public static String number(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) return Long.toString((long) x) + ".0";
        BigDecimal b = new BigDecimal(Double.toString(x));
        if (b.scale() <= 12 && Math.abs(x) >= 1e-12) return b.toPlainString();
        return Double.toString(x); // "1.0E-15": YAML 1.1 reads it as a float (it has a dot and a signed exponent)
    }

    static String join(int[] a) {
        return Arrays.stream(a).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    /** A short description of a model, e.g. {@code twolayer 784-128-10 sigmoid}. */
    public static String describeModel(ModelSpec s) {
        return s.summary();
    }

    /** A one-line description, e.g. {@code twolayer 784-128-10 sigmoid, sgd lr=0.1 reg=0.001 batch=64}. */
    public static String describe(TrainConfig cfg) {
        StringBuilder sb = new StringBuilder(describeModel(cfg.model()));
        sb.append(", ").append(cfg.optimizer()).append(" lr=").append(number(cfg.lr()).replaceAll("\\.0$", ""))
                .append(" reg=").append(number(cfg.reg()).replaceAll("\\.0$", ""))
                .append(" batch=").append(cfg.batchSize());
        double m = cfg.momentum();
        if (m != 0 && cfg.optimizer().equals("sgd")) {
            sb.append(cfg.nesterov() ? " nesterov=" : " momentum=").append(number(m).replaceAll("\\.0$", ""));
        }
        if (!(cfg.schedule() instanceof Schedule.Constant)) sb.append(" schedule=").append(cfg.schedule());
        if (cfg.penalty().active()) sb.append(" penalty=").append(cfg.penalty());
        if (cfg.dtype() != TrainSettings.DTYPE.dflt()) sb.append(' ').append(TrainSettings.dtypeName(cfg.dtype()));
        if (cfg.augment().active()) sb.append(" augment=").append(cfg.augment());
        return sb.toString();
    }
}
