package dev.nabla.train;

import dev.nabla.InputException;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One training setting, declared once (in {@link TrainSettings}): its key, the kind of value, the default, the
 * check and the help text. The command-line options, the YAML keys, the echoed {@code config.yaml}, the docs'
 * table and {@link TrainConfig}'s checks are all derived from the declaration.
 *
 * @param key     the YAML key; the option is {@code --key}
 * @param label   the option's parameter label, e.g. {@code X} or {@code sgd|adam|adamw}
 * @param help    one line for {@code --help} and the docs
 * @param dflt    the default (null: derived from other settings, as {@link #defaultText} says)
 * @param defaultText the default as the help shows it
 * @param allowed what a valid value is, for messages: "a number > 0"
 * @param parser  reads a value from text (an option, an override) or from YAML (a number, boolean, list), or
 *                returns null when it is not allowed
 * @param read    the value a {@link TrainConfig} has (null where the setting does not apply), for the echoed config
 * @param <T> the value's type
 */
public record Setting<T>(String key, String label, String help, T dflt, String defaultText, String allowed,
                         Function<Object, T> parser, Function<TrainConfig, T> read) {

    /**
     * Reads and checks {@code raw}; {@code origin} names where it came from in messages, e.g. {@code --lr} or
     * {@code run.yaml: lr}.
     *
     * @throws InputException "{@code --lr -1 is not allowed: expected a number > 0}"
     */
    public T parse(Object raw, String origin) {
        T v;
        try {
            v = parser.apply(raw);
        } catch (RuntimeException e) {
            v = null;
        }
        if (v == null) throw notAllowed(origin, raw, allowed);
        return v;
    }

    /** Checks a value given in code; the message names the key. */
    public T check(T value) {
        return parse(value, key);
    }

    /** The option's name, {@code --key}. */
    public String option() {
        return "--" + key;
    }

    /** "--lr -1 is not allowed: ..." for an option, "run.yaml: lr = -1 is not allowed: ..." for a file or override. */
    public static InputException notAllowed(String origin, Object raw, String allowed) {
        String sep = origin.startsWith("--") ? " " : " = ";
        return new InputException(origin + sep + show(raw) + " is not allowed: expected " + allowed);
    }

    private static String show(Object raw) {
        if (raw instanceof String s) return s.isEmpty() ? "\"\" (empty)" : s;
        if (raw instanceof int[] a) return java.util.Arrays.toString(a);
        return String.valueOf(raw);
    }

    // ---------------------------------------------------------------- value kinds

    /** One of {@code choices} (case-insensitive, trimmed). */
    static Function<Object, String> choice(List<String> choices) {
        return raw -> {
            if (!(raw instanceof String s)) return null;
            String v = s.trim().toLowerCase(Locale.ROOT);
            return choices.contains(v) ? v : null;
        };
    }

    /** A finite number for which {@code ok} holds. */
    static Function<Object, Double> real(java.util.function.DoublePredicate ok) {
        return raw -> {
            double x;
            if (raw instanceof Number n && !(raw instanceof Float f && f.isNaN())) x = n.doubleValue();
            else if (raw instanceof String s) x = Double.parseDouble(s.trim());
            else return null;
            return Double.isFinite(x) && ok.test(x) ? x : null;
        };
    }

    /** An integer in [min, max] (YAML and JSON may give it as a double without a fraction). */
    static Function<Object, Long> integer(long min, long max) {
        return raw -> {
            long x;
            if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
                x = ((Number) raw).longValue();
            } else if (raw instanceof java.math.BigInteger b) {
                if (b.bitLength() > 63) return null;
                x = b.longValue();
            } else if (raw instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
                x = d.longValue();
            } else if (raw instanceof String s) {
                x = Long.parseLong(s.trim().replace("_", ""));
            } else {
                return null;
            }
            return x >= min && x <= max ? x : null;
        };
    }

    static Function<Object, Integer> intRange(int min, int max) {
        Function<Object, Long> f = integer(min, max);
        return raw -> {
            Long v = f.apply(raw);
            return v == null ? null : v.intValue();
        };
    }

    static Function<Object, Boolean> bool() {
        return raw -> {
            if (raw instanceof Boolean b) return b;
            if (!(raw instanceof String s)) return null;
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> null;
            };
        };
    }

    /** One or more integers in [min, max]: {@code 128}, {@code 256,128}, {@code [256, 128]} or a YAML list. */
    static Function<Object, int[]> intList(int min, int max) {
        Function<Object, Long> one = integer(min, max);
        return raw -> {
            List<?> parts;
            if (raw instanceof List<?> l) {
                parts = l;
            } else if (raw instanceof int[] a) {
                parts = java.util.Arrays.stream(a).boxed().toList();
            } else if (raw instanceof String s) {
                String t = s.trim();
                if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
                if (t.isBlank()) return null;
                parts = java.util.Arrays.stream(t.split(",")).map(String::trim).toList();
            } else {
                parts = List.of(raw);
            }
            if (parts.isEmpty()) return null;
            int[] out = new int[parts.size()];
            for (int i = 0; i < out.length; i++) {
                Long v = one.apply(parts.get(i));
                if (v == null) return null;
                out[i] = v.intValue();
            }
            return out;
        };
    }
}
