package dev.nabla.cli.config;

import dev.nabla.InputException;
import dev.nabla.nn.ModelSpec;
import dev.nabla.optim.Schedule;
import dev.nabla.train.TrainConfig;

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
 * <p>Settings use nabla's flat keys ({@link #KEYS}): {@code model, hidden, activation, lr, reg, batch, epochs,
 * momentum, nesterov, optimizer, seed, init, threads}. Every value is checked when it is set, with a message
 * that names where it came from (a file and key, or an option), the value and what is allowed; the checks that
 * involve several keys run in {@link #resolve()}. Both throw {@link InputException}, which the CLI turns into
 * exit code 2 before anything runs.
 *
 * <p>Instances are immutable: {@link #with} returns a new configuration, so a sweep can derive many trials
 * from one base with {@link #withOverrides}.
 */
public final class RunConfig {

    /** nabla's configuration keys, in the order they are written. */
    public static final List<String> KEYS = List.of("model", "hidden", "activation", "lr", "reg", "batch", "epochs",
            "momentum", "nesterov", "optimizer", "schedule", "seed", "init", "threads");

    static final List<String> MODELS = List.of("softmax", "twolayer", "mlp");
    static final List<String> ACTIVATIONS = List.of("relu", "sigmoid", "tanh");
    static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw");
    static final List<String> INITS = List.of("numpy", "normal", "xavier", "kaiming");

    // MNIST's shape; the training code adapts the model to the data it is given
    static final int INPUT_SIZE = 784;
    static final int CLASSES = 10;

    private final Map<String, Object> values;   // typed, only the keys that were set
    private final Map<String, String> origins;  // key -> "file.yaml: Train.learning_rate" or "--lr"
    private final boolean courseFormat;
    private final String courseNote;            // why momentum is ignored, shown while courseFormat holds

    private RunConfig(Map<String, Object> values, Map<String, String> origins, boolean courseFormat,
                      String courseNote) {
        this.values = values;
        this.origins = origins;
        this.courseFormat = courseFormat;
        this.courseNote = courseNote;
    }

    /** Nothing set: resolves to the course's defaults ({@link TrainConfig#courseDefaults()}). */
    public static RunConfig defaults() {
        return new RunConfig(new LinkedHashMap<>(), new LinkedHashMap<>(), false, null);
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
        if (!KEYS.contains(key)) {
            throw new InputException(origin + ": unknown key '" + key + "' (allowed: " + String.join(", ", KEYS) + ")");
        }
        Object v = parse(key, raw, origin);
        Map<String, Object> nv = new LinkedHashMap<>(values);
        Map<String, String> no = new LinkedHashMap<>(origins);
        nv.put(key, v);
        no.put(key, origin);
        // momentum set on top of a course-format file is meant to be used: nabla honours it from then on
        boolean course = courseFormat && !key.equals("momentum");
        return new RunConfig(nv, no, course, courseNote);
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

    /** The same settings, marked as read from the course's format; {@code note} is shown while that holds. */
    RunConfig asCourseFormat(String note) {
        return new RunConfig(values, origins, true, note);
    }

    /** Whether the settings came from the course's YAML format (whose optimizer ignores momentum). */
    public boolean courseFormat() {
        return courseFormat;
    }

    /** Lines to show the user before training (e.g. that the course's format ignores momentum). */
    public List<String> notes() {
        return courseFormat && courseNote != null ? List.of(courseNote) : List.of();
    }

    /** The value set for {@code key}, or null when it was not set. */
    public Object get(String key) {
        return values.get(key);
    }

    /**
     * The resolved configuration: defaults for what was not set, then the checks across keys (a two-layer net
     * has exactly one hidden size, Nesterov needs momentum, ...).
     */
    public TrainConfig resolve() {
        TrainConfig d = TrainConfig.courseDefaults();
        String model = (String) values.getOrDefault("model", d.model().type());
        int[] hidden = (int[]) values.get("hidden");
        if (hidden == null) {
            hidden = model.equals("softmax") ? new int[0]
                    : d.model().hidden().length > 0 ? d.model().hidden().clone() : new int[]{128};
        }
        String activation = (String) values.get("activation");
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
            default -> {
                if (hidden.length == 0) {
                    throw new InputException(origins.getOrDefault("hidden", "model mlp")
                            + ": model mlp needs at least one hidden size (e.g. hidden = 256,128)");
                }
                if (activation == null) activation = "relu";
            }
        }
        double momentum = num("momentum", d.momentum());
        boolean nesterov = (Boolean) values.getOrDefault("nesterov", d.nesterov());
        String optimizer = (String) values.getOrDefault("optimizer", d.optimizer());
        if (nesterov && optimizer.equals("sgd") && (momentum == 0 || courseFormat)) {
            throw new InputException(setting("nesterov", "true") + " needs momentum > 0"
                    + (courseFormat ? " in nabla's format (the course's format ignores momentum)" : "")
                    + " (set momentum, e.g. 0.9)");
        }
        long seed = values.containsKey("seed") ? (Long) values.get("seed") : d.seed();
        String init = (String) values.getOrDefault("init", d.model().init());
        ModelSpec spec = new ModelSpec(model, INPUT_SIZE, hidden, activation, CLASSES, init, seed);
        return new TrainConfig(spec, num("lr", d.lr()), num("reg", d.reg()),
                (Integer) values.getOrDefault("batch", d.batchSize()),
                (Integer) values.getOrDefault("epochs", d.epochs()),
                momentum, nesterov, optimizer, seed,
                (Integer) values.getOrDefault("threads", d.threads()), courseFormat,
                (Schedule) values.getOrDefault("schedule", Schedule.constant()));
    }

    // "--hidden 64,32" for an option, "run.yaml: hidden = 64,32" for a file
    private String setting(String key, String value) {
        String origin = origins.getOrDefault(key, key);
        return origin + (origin.startsWith("--") ? " " : " = ") + value;
    }

    private double num(String key, double dflt) {
        return values.containsKey(key) ? (Double) values.get(key) : dflt;
    }

    // ---------------------------------------------------------------- values

    private static Object parse(String key, Object raw, String origin) {
        return switch (key) {
            case "model" -> choice(key, raw, origin, MODELS);
            case "activation" -> choice(key, raw, origin, ACTIVATIONS);
            case "optimizer" -> choice(key, raw, origin, OPTIMIZERS);
            case "init" -> choice(key, raw, origin, INITS);
            case "hidden" -> hidden(raw, origin);
            case "lr" -> real(key, raw, origin, "a number > 0", x -> x > 0);
            case "reg" -> real(key, raw, origin, "a number >= 0", x -> x >= 0);
            case "momentum" -> real(key, raw, origin, "a number in [0, 1)", x -> x >= 0 && x < 1);
            case "batch" -> (int) integer(key, raw, origin, 1, Integer.MAX_VALUE, "an integer >= 1");
            case "epochs" -> (int) integer(key, raw, origin, 1, 1_000_000, "an integer >= 1");
            case "threads" -> (int) integer(key, raw, origin, 0, 4096, "an integer >= 1, or 0 for all cores");
            case "seed" -> integer(key, raw, origin, Long.MIN_VALUE, Long.MAX_VALUE, "an integer");
            case "nesterov" -> bool(key, raw, origin);
            case "schedule" -> schedule(raw, origin);
            default -> throw new IllegalStateException(key);
        };
    }

    static InputException bad(String origin, Object raw, String allowed) {
        // "--lr -1 ..." for an option, "run.yaml: lr = -1 ..." for a file or an override
        String sep = origin.startsWith("--") ? " " : " = ";
        return new InputException(origin + sep + show(raw) + " is not allowed: expected " + allowed);
    }

    private static String show(Object raw) {
        if (raw instanceof String s) return s.isEmpty() ? "\"\" (empty)" : s;
        if (raw instanceof List<?> l) return l.toString();
        return String.valueOf(raw);
    }

    private static String choice(String key, Object raw, String origin, List<String> allowed) {
        if (raw instanceof String s) {
            String v = s.trim().toLowerCase(java.util.Locale.ROOT);
            if (allowed.contains(v)) return v;
        }
        throw bad(origin, raw, "one of " + String.join(", ", allowed));
    }

    private static double real(String key, Object raw, String origin, String allowed,
                               java.util.function.DoublePredicate ok) {
        double x;
        if (raw instanceof Number n && !(raw instanceof Float f && f.isNaN())) {
            x = n.doubleValue();
        } else if (raw instanceof String s) {
            try {
                x = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw bad(origin, raw, allowed);
            }
        } else {
            throw bad(origin, raw, allowed);
        }
        if (!Double.isFinite(x) || !ok.test(x)) throw bad(origin, raw, allowed);
        return x;
    }

    private static long integer(String key, Object raw, String origin, long min, long max, String allowed) {
        long x;
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            x = ((Number) raw).longValue();
        } else if (raw instanceof java.math.BigInteger b) {
            if (b.bitLength() > 63) throw bad(origin, raw, allowed);
            x = b.longValue();
        } else if (raw instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            x = d.longValue(); // JSON numbers arrive as doubles
        } else if (raw instanceof String s) {
            try {
                x = Long.parseLong(s.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw bad(origin, raw, allowed);
            }
        } else {
            throw bad(origin, raw, allowed);
        }
        if (x < min || x > max) throw bad(origin, raw, allowed);
        return x;
    }

    private static Schedule schedule(Object raw, String origin) {
        String allowed = "constant, step:EVERY:GAMMA (e.g. step:10:0.5) or cosine[:MIN]";
        if (!(raw instanceof String s)) throw bad(origin, raw, allowed);
        try {
            return Schedule.parse(s);
        } catch (InputException e) {
            throw bad(origin, raw, allowed);
        }
    }

    private static boolean bool(String key, Object raw, String origin) {
        if (raw instanceof Boolean b) return b;
        if (raw instanceof String s) {
            switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on" -> { return true; }
                case "false", "no", "off" -> { return false; }
                default -> { }
            }
        }
        throw bad(origin, raw, "true or false");
    }

    private static int[] hidden(Object raw, String origin) {
        String allowed = "one or more layer sizes >= 1, e.g. 128 or 256,128";
        List<Object> parts = new ArrayList<>();
        if (raw instanceof List<?> l) {
            parts.addAll(l);
        } else if (raw instanceof String s) {
            String t = s.trim();
            if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
            if (t.isBlank()) throw bad(origin, raw, allowed);
            for (String p : t.split(",")) parts.add(p.trim());
        } else if (raw instanceof int[] a) {
            for (int x : a) parts.add(x);
        } else {
            parts.add(raw);
        }
        if (parts.isEmpty()) throw bad(origin, raw, allowed);
        int[] out = new int[parts.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = (int) integer("hidden", parts.get(i), origin, 1, 1 << 20, allowed);
            } catch (InputException e) {
                throw bad(origin, raw, allowed);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- writing

    /**
     * The settings of {@code cfg} under nabla's keys, in {@link #KEYS} order, as the run actually uses them: a
     * course-format config's momentum is written as 0, since its optimizer ignored it.
     */
    public static Map<String, Object> toMap(TrainConfig cfg) {
        Map<String, Object> m = new LinkedHashMap<>();
        ModelSpec s = cfg.model();
        m.put("model", s.type());
        if (!s.type().equals("softmax")) {
            m.put("hidden", s.hidden().clone());
            m.put("activation", s.activation());
        }
        m.put("lr", cfg.lr());
        m.put("reg", cfg.reg());
        m.put("batch", cfg.batchSize());
        m.put("epochs", cfg.epochs());
        m.put("momentum", effectiveMomentum(cfg));
        m.put("nesterov", cfg.nesterov());
        m.put("optimizer", cfg.optimizer());
        m.put("schedule", cfg.schedule().toString());
        m.put("seed", cfg.seed());
        m.put("init", s.init());
        m.put("threads", cfg.threads());
        return m;
    }

    /** The momentum the optimizer uses: 0 for a course-format config, as in the course's code. */
    public static double effectiveMomentum(TrainConfig cfg) {
        return cfg.effectiveMomentum();
    }

    /** {@code cfg} in nabla's YAML format; loading the text back gives the same configuration. */
    public static String toYaml(TrainConfig cfg) {
        StringBuilder sb = new StringBuilder();
        sb.append("# nabla training config (nabla's format); run it again with: nabla train --config <this file>\n");
        if (cfg.courseFormat() && cfg.momentum() != 0) {
            sb.append("# from a course-format config whose momentum ").append(number(cfg.momentum()))
                    .append(" was ignored, as the course's optimizer ignores it\n");
        }
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
        double m = effectiveMomentum(cfg);
        if (m != 0 && cfg.optimizer().equals("sgd")) {
            sb.append(cfg.nesterov() ? " nesterov=" : " momentum=").append(number(m).replaceAll("\\.0$", ""));
        }
        if (!(cfg.schedule() instanceof Schedule.Constant)) sb.append(" schedule=").append(cfg.schedule());
        return sb.toString();
    }
}
