package dev.nabla.io;

import dev.nabla.InputException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A small JSON reader and writer for nabla's own files (results, safetensors headers, configs).
 *
 * <p>Reading gives {@code Map<String, Object>} (a {@link LinkedHashMap} in the file's key order),
 * {@code List<Object>}, {@link Double}, {@link String}, {@link Boolean} and {@code null}. The reader also accepts
 * {@code NaN}, {@code Infinity} and {@code -Infinity}, which Python's {@code json} module writes.
 *
 * <p>Writing accepts maps, collections, arrays ({@code double[]}, {@code float[]}, {@code int[]}, {@code long[]},
 * {@code Object[]}), numbers, strings, booleans, enums (by name) and {@code null}. Keys are written in the map's
 * own order when it has one ({@link SequencedMap}, {@link SortedMap}) and sorted otherwise, so the same data
 * always gives the same text. Integers are written without a fraction; floats and doubles in their shortest
 * round-trip form ({@code 0.1f} is {@code 0.1}, not {@code 0.10000000149011612}); non-finite numbers, which JSON
 * cannot express, are written as {@code null}.
 */
public final class Json {

    private Json() {
    }

    /** Compact JSON text of {@code value}, on one line. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        new Writer(sb, null).value(value, 0);
        return sb.toString();
    }

    /** JSON text of {@code value} indented by two spaces per level, ending with a newline. */
    public static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        new Writer(sb, "  ").value(value, 0);
        return sb.append('\n').toString();
    }

    /** Parses JSON text; errors name line and column. */
    public static Object parse(String text) {
        return parse(text, "JSON");
    }

    /**
     * Parses JSON text read from {@code source} (a file name, used in error messages).
     *
     * @throws InputException naming the source, line and column of the first error
     */
    public static Object parse(String text, String source) {
        Parser p = new Parser(text, source);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos < text.length()) {
            throw p.error("unexpected '" + text.charAt(p.pos) + "' after the end of the JSON value");
        }
        return v;
    }

    /** Parses JSON text that must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, String source) {
        Object v = parse(text, source);
        if (!(v instanceof Map)) {
            throw new InputException(source + ": expected a JSON object, found " + typeName(v));
        }
        return (Map<String, Object>) v;
    }

    /** A user-facing name of the JSON type of a parsed value ("object", "array", "number", ...). */
    public static String typeName(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "object";
        if (v instanceof List) return "array";
        if (v instanceof Number) return "number";
        if (v instanceof String) return "string";
        if (v instanceof Boolean) return "boolean";
        return v.getClass().getSimpleName();
    }

    /** Formats a double as the writer does: integral values without exponent up to 1e15, else shortest form. */
    static String number(double d) {
        if (!Double.isFinite(d)) return "null";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            // 3.0 stays a float in Python's reading: keep the ".0"
            return (d == 0 && 1 / d < 0) ? "-0.0" : (long) d + ".0";
        }
        return Double.toString(d).replace('E', 'e');
    }

    static String number(float f) {
        if (!Float.isFinite(f)) return "null";
        if (f == Math.rint(f) && Math.abs(f) < 1e7f) {
            return (f == 0 && 1 / f < 0) ? "-0.0" : (long) f + ".0";
        }
        return Float.toString(f).replace('E', 'e');
    }

    private static final class Writer {
        private final StringBuilder sb;
        private final String indent;

        Writer(StringBuilder sb, String indent) {
            this.sb = sb;
            this.indent = indent;
        }

        private void newline(int depth) {
            if (indent == null) return;
            sb.append('\n');
            for (int i = 0; i < depth; i++) sb.append(indent);
        }

        void value(Object v, int depth) {
            switch (v) {
                case null -> sb.append("null");
                case String s -> string(s);
                case Boolean b -> sb.append(b);
                case Double d -> sb.append(number(d));
                case Float f -> sb.append(number(f));
                case Integer i -> sb.append(i);
                case Long l -> sb.append(l);
                case Short s -> sb.append(s);
                case Byte b -> sb.append(b);
                case Number n -> sb.append(number(n.doubleValue()));
                case Enum<?> e -> string(e.name());
                case Map<?, ?> m -> object(m, depth);
                case Collection<?> c -> array(new ArrayList<>(c), depth);
                case double[] a -> {
                    List<Object> l = new ArrayList<>(a.length);
                    for (double x : a) l.add(x);
                    array(l, depth);
                }
                case float[] a -> {
                    List<Object> l = new ArrayList<>(a.length);
                    for (float x : a) l.add(x);
                    array(l, depth);
                }
                case int[] a -> {
                    List<Object> l = new ArrayList<>(a.length);
                    for (int x : a) l.add(x);
                    array(l, depth);
                }
                case long[] a -> {
                    List<Object> l = new ArrayList<>(a.length);
                    for (long x : a) l.add(x);
                    array(l, depth);
                }
                case Object[] a -> array(List.of(a), depth);
                default -> throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
            }
        }

        private void object(Map<?, ?> m, int depth) {
            Map<?, ?> ordered = (m instanceof SequencedMap || m instanceof SortedMap) ? m : sorted(m);
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ordered.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, found " + e.getKey());
                }
                if (!first) sb.append(',');
                first = false;
                newline(depth + 1);
                string(key);
                sb.append(indent == null ? ":" : ": ");
                value(e.getValue(), depth + 1);
            }
            if (!first) newline(depth);
            sb.append('}');
        }

        private static Map<?, ?> sorted(Map<?, ?> m) {
            TreeMap<String, Object> t = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, found " + e.getKey());
                }
                t.put(key, e.getValue());
            }
            return t;
        }

        private void array(List<?> l, int depth) {
            sb.append('[');
            // short arrays of scalars (shapes, offsets) stay on one line even when pretty-printing
            boolean flat = indent == null || l.stream().noneMatch(x -> x instanceof Map || x instanceof Collection
                    || (x != null && x.getClass().isArray()));
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(flat && indent != null ? ", " : ",");
                if (!flat) newline(depth + 1);
                value(l.get(i), depth + 1);
            }
            if (!flat && !l.isEmpty()) newline(depth);
            sb.append(']');
        }

        private void string(String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '\b' -> sb.append("\\b");
                    case '\f' -> sb.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }

    private static final class Parser {
        private static final int MAX_DEPTH = 512;
        private final String s;
        private final String source;
        int pos;

        Parser(String s, String source) {
            this.s = s;
            this.source = source;
        }

        InputException error(String what) {
            int line = 1;
            int col = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return new InputException(source + ": invalid JSON at line " + line + ", column " + col + ": " + what);
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH + " levels");
            if (pos >= s.length()) throw error("unexpected end of text, expected a value");
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                case 'N' -> literal("NaN", Double.NaN);
                case 'I' -> literal("Infinity", Double.POSITIVE_INFINITY);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("unexpected '" + c + "', expected a value");
                }
            };
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) throw error("unexpected '" + s.charAt(pos) + "', expected a value");
            pos += word.length();
            return v;
        }

        private Map<String, Object> object(int depth) {
            pos++; // '{'
            Map<String, Object> m = new LinkedHashMap<>();
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return m;
            }
            while (true) {
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string key");
                int keyPos = pos;
                String key = string();
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != ':') throw error("expected ':' after key \"" + key + "\"");
                pos++;
                skipSpace();
                Object v = value(depth + 1);
                if (m.containsKey(key)) {
                    pos = keyPos;
                    throw error("duplicate key \"" + key + "\"");
                }
                m.put(key, v);
                skipSpace();
                if (pos >= s.length()) throw error("unexpected end of text, expected ',' or '}'");
                char c = s.charAt(pos++);
                if (c == '}') return m;
                if (c != ',') {
                    pos--;
                    throw error("unexpected '" + c + "', expected ',' or '}'");
                }
            }
        }

        private List<Object> array(int depth) {
            pos++; // '['
            List<Object> l = new ArrayList<>();
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return l;
            }
            while (true) {
                skipSpace();
                l.add(value(depth + 1));
                skipSpace();
                if (pos >= s.length()) throw error("unexpected end of text, expected ',' or ']'");
                char c = s.charAt(pos++);
                if (c == ']') return l;
                if (c != ',') {
                    pos--;
                    throw error("unexpected '" + c + "', expected ',' or ']'");
                }
            }
        }

        private String string() {
            pos++; // opening quote
            StringBuilder sb = null;
            int start = pos;
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                    pos++;
                    return out;
                }
                if (c < 0x20) throw error("control character in string, escape it as \\u" + String.format("%04x", (int) c));
                if (c == '\\') {
                    if (sb == null) sb = new StringBuilder();
                    sb.append(s, start, pos);
                    pos++;
                    if (pos >= s.length()) throw error("unterminated string");
                    char e = s.charAt(pos++);
                    switch (e) {
                        case '"' -> sb.append('"');
                        case '\\' -> sb.append('\\');
                        case '/' -> sb.append('/');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            if (pos + 4 > s.length()) throw error("incomplete \\u escape");
                            int cp = 0;
                            for (int i = 0; i < 4; i++) {
                                int d = Character.digit(s.charAt(pos + i), 16);
                                if (d < 0) throw error("invalid \\u escape");
                                cp = cp * 16 + d;
                            }
                            pos += 4;
                            sb.append((char) cp);
                        }
                        default -> {
                            pos -= 2;
                            throw error("invalid escape \\" + e);
                        }
                    }
                    start = pos;
                } else {
                    pos++;
                }
            }
        }

        private Double number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
                if (s.startsWith("Infinity", pos)) {
                    pos += "Infinity".length();
                    return Double.NEGATIVE_INFINITY;
                }
            }
            int intStart = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
            if (pos == intStart) throw error("invalid number: expected a digit");
            if (pos - intStart > 1 && s.charAt(intStart) == '0') {
                pos = intStart;
                throw error("invalid number: leading zero");
            }
            if (pos < s.length() && s.charAt(pos) == '.') {
                pos++;
                int fs = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
                if (pos == fs) throw error("invalid number: expected a digit after '.'");
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
                int es = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
                if (pos == es) throw error("invalid number: expected a digit in the exponent");
            }
            return Double.parseDouble(s.substring(start, pos));
        }
    }
}
