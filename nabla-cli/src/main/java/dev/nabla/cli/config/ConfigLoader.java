package dev.nabla.cli.config;

import dev.nabla.InputException;
import dev.nabla.train.TrainSettings;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads training configs in either of two YAML formats, told apart by their top-level keys.
 *
 * <p>The course's format, read as is:
 * <pre>
 * Train:
 *   batch_size: 64
 *   learning_rate: 0.1
 *   reg: 0.001
 *   epochs: 10
 *   momentum: 0.9     # the course's optimizer ignores it, and so does nabla for this format
 *   debug: False      # accepted and ignored
 * Model:
 *   type: TwoLayerNet # or SoftmaxRegression (also twolayer, softmax)
 *   hidden_size: 128
 * </pre>
 * nabla's format: flat keys named as the {@code train} command's options ({@link RunConfig#KEYS}), e.g.
 * {@code model: twolayer}, {@code lr: 0.1}, {@code momentum: 0.9} (honoured), {@code hidden: [256, 128]}.
 */
public final class ConfigLoader {

    private static final Map<String, String> COURSE_TRAIN = Map.of(
            "batch_size", "batch", "learning_rate", "lr", "reg", "reg", "epochs", "epochs",
            "momentum", "momentum", "debug", "");
    private static final List<String> COURSE_TRAIN_ORDER =
            List.of("batch_size", "learning_rate", "reg", "epochs", "momentum", "debug");
    private static final List<String> COURSE_MODEL_ORDER = List.of("type", "hidden_size");

    /** Bounds for a config: its length, how deep it nests, how many aliases it uses, how many values it expands to. */
    static final int MAX_CHARS = 1 << 20;
    static final int MAX_DEPTH = 20;
    static final int MAX_ALIASES = 20;
    static final int MAX_VALUES = 10_000;

    private ConfigLoader() {
    }

    /**
     * Refuses a document that expands to more than {@link #MAX_VALUES} values: aliases share one object, so a
     * few lines below SnakeYAML's alias limit can stand for billions of values, which a message printing the
     * value (or any walk over it) would expand. The count stops at the bound, so this takes no longer than that.
     */
    static void checkExpandedSize(Object doc, String source) {
        ArrayDeque<Object> todo = new ArrayDeque<>();
        todo.push(doc == null ? "" : doc);
        long values = 0;
        while (!todo.isEmpty()) {
            Object v = todo.pop();
            if (++values > MAX_VALUES) {
                throw new InputException(source + ": the YAML expands to more than " + MAX_VALUES
                        + " values (through its aliases); a config has a few dozen");
            }
            if (v instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    todo.push(e.getKey() == null ? "" : e.getKey());
                    todo.push(e.getValue() == null ? "" : e.getValue());
                }
            } else if (v instanceof List<?> l) {
                for (Object o : l) todo.push(o == null ? "" : o);
            }
        }
    }

    /** Reads {@code file} on top of the defaults. */
    public static RunConfig load(Path file) {
        return load(RunConfig.defaults(), file);
    }

    /**
     * Reads {@code file} on top of {@code base}.
     *
     * @throws InputException for a missing or unreadable file, invalid YAML, an unknown key or a bad value
     */
    public static RunConfig load(RunConfig base, Path file) {
        String text;
        try {
            long size = Files.size(file);
            if (size > MAX_CHARS) {
                throw new InputException(file + ": a config file of " + size + " bytes; configs are at most "
                        + MAX_CHARS + " bytes (a few hundred is usual)");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InputException("config file not found: " + file);
        } catch (IOException e) {
            throw new InputException("cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(base, text, file.toString());
    }

    /** Parses YAML {@code text} read from {@code source} (a file name for messages) on top of {@code base}. */
    public static RunConfig parse(RunConfig base, String text, String source) {
        Object doc;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setCodePointLimit(MAX_CHARS);
            options.setNestingDepthLimit(MAX_DEPTH);
            options.setMaxAliasesForCollections(MAX_ALIASES);
            doc = new Yaml(new SafeConstructor(options)).load(text);
            checkExpandedSize(doc, source);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            String where = m == null ? "" : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
            String what = e.getProblem() == null ? "" : e.getProblem();
            if (e.getContext() != null) what = e.getContext() + ": " + what;
            throw new InputException(source + ": not valid YAML" + where + ": " + what);
        } catch (YAMLException e) {
            throw new InputException(source + ": not valid YAML: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (doc == null) {
            throw new InputException(source + ": the config is empty (expected keys such as "
                    + String.join(", ", RunConfig.KEYS) + ", or the course's Train: and Model: sections)");
        }
        if (!(doc instanceof Map<?, ?> top)) {
            throw new InputException(source + ": expected a mapping of keys to values at the top, found "
                    + describe(doc));
        }
        boolean course = top.containsKey("Train") || top.containsKey("Model");
        return course ? course(base, top, source) : nabla(base, top, source);
    }

    private static RunConfig nabla(RunConfig base, Map<?, ?> top, String source) {
        RunConfig rc = base;
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!RunConfig.KEYS.contains(key)) {
                throw new InputException(source + ": unknown key '" + key + "' (nabla's format allows: "
                        + String.join(", ", RunConfig.KEYS) + "; the course's format has Train: and Model: sections)");
            }
            rc = rc.withValue(key, e.getValue(), source + ": " + key);
        }
        return rc;
    }

    private static RunConfig course(RunConfig base, Map<?, ?> top, String source) {
        for (Object k : top.keySet()) {
            if (!"Train".equals(k) && !"Model".equals(k)) {
                throw new InputException(source + ": unknown key '" + k + "' in the course's format (allowed: Train, Model)");
            }
        }
        RunConfig rc = base;
        double momentum = 0;
        Map<?, ?> train = section(top, "Train", source);
        for (Map.Entry<?, ?> e : train.entrySet()) {
            String key = String.valueOf(e.getKey());
            String origin = source + ": Train." + key;
            String target = COURSE_TRAIN.get(key);
            if (target == null) {
                throw new InputException(source + ": unknown key 'Train." + key + "' (allowed: "
                        + String.join(", ", COURSE_TRAIN_ORDER) + ")");
            }
            if (target.isEmpty()) { // debug: a flag of the course's own scripts; checked, then ignored
                if (!(e.getValue() instanceof Boolean)) throw RunConfig.bad(origin, e.getValue(), "true or false");
                continue;
            }
            if (target.equals("momentum")) { // checked, then ignored, as the course's optimizer ignores it
                momentum = TrainSettings.MOMENTUM.parse(e.getValue(), origin);
                continue;
            }
            rc = rc.withValue(target, e.getValue(), origin);
        }
        Map<?, ?> model = section(top, "Model", source);
        for (Map.Entry<?, ?> e : model.entrySet()) {
            String key = String.valueOf(e.getKey());
            String origin = source + ": Model." + key;
            switch (key) {
                case "type" -> rc = rc.withValue("model", courseModel(e.getValue(), origin), origin);
                case "hidden_size" -> rc = rc.withValue("hidden", e.getValue(), origin);
                default -> throw new InputException(source + ": unknown key 'Model." + key + "' (allowed: "
                        + String.join(", ", COURSE_MODEL_ORDER) + ")");
            }
        }
        if (momentum == 0) return rc;
        return rc.withNote("momentum", "note: " + source + " is in the course's format, whose optimizer ignores momentum (Train.momentum = "
                + RunConfig.number(momentum).replaceAll("\\.0$", "") + "); nabla ignores it too."
                + " Use nabla's format or --momentum to train with momentum.");
    }

    private static Map<?, ?> section(Map<?, ?> top, String name, String source) {
        Object s = top.get(name);
        if (s == null) return Map.of();
        if (!(s instanceof Map<?, ?> m)) {
            throw new InputException(source + ": " + name + " must be a section of keys, found " + describe(s));
        }
        return new LinkedHashMap<>(m);
    }

    private static String courseModel(Object raw, String origin) {
        if (raw instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "twolayernet", "twolayer" -> { return "twolayer"; }
                case "softmaxregression", "softmax" -> { return "softmax"; }
                case "mlp" -> { return "mlp"; }
                default -> { }
            }
        }
        throw RunConfig.bad(origin, raw, "TwoLayerNet or SoftmaxRegression (also twolayer, softmax, mlp)");
    }

    private static String describe(Object v) {
        if (v instanceof List<?>) return "a list";
        if (v instanceof Map<?, ?>) return "a mapping";
        return "'" + v + "'";
    }
}
