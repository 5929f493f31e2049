package dev.nabla.cli.sweep;

import dev.nabla.InputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One swept option, from {@code --param NAME=VALUES}:
 * <ul>
 *   <li>a list: {@code lr=1,0.1,0.01} (grid or random search). A value that itself holds commas writes each
 *       of them as '/', since ',' separates the values: {@code hidden=128,256/128} (128, then 256,128),
 *       {@code channels=16/32,32/64}, {@code augment=none,shift:2/flip};</li>
 *   <li>a log-uniform range: {@code lr=log:1e-3..1} (random search only);</li>
 *   <li>a uniform range: {@code momentum=uniform:0..0.95}, or whole numbers {@code hidden=int:64..512}.</li>
 * </ul>
 */
public record ParamSpec(String name, Kind kind, List<String> values, double lo, double hi) {

    public enum Kind { LIST, LOG_UNIFORM, UNIFORM, INT_UNIFORM }

    /** Parses {@code NAME=VALUES}; {@code known} lists the option names that may be swept. */
    public static ParamSpec parse(String text, java.util.Collection<String> known) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new InputException("--param " + text + ": expected NAME=VALUES, e.g. lr=1,0.1,0.01 or lr=log:1e-3..1");
        }
        String name = text.substring(0, eq).trim();
        String spec = text.substring(eq + 1).trim();
        if (!known.contains(name)) {
            throw new InputException("--param " + text + ": unknown option '" + name + "'; sweepable options are " + String.join(", ", known));
        }
        if (spec.isEmpty()) throw new InputException("--param " + text + ": no values given for '" + name + "'");
        int colon = spec.indexOf(':');
        if (colon > 0 && spec.substring(0, colon).matches("log|uniform|int")) {
            String kindName = spec.substring(0, colon);
            String range = spec.substring(colon + 1);
            String[] ends = range.split("\\.\\.", -1);
            if (ends.length != 2) {
                throw new InputException("--param " + text + ": malformed range '" + range + "', expected LOW..HIGH, e.g. " + kindName + ":1e-3..1");
            }
            double lo = number(text, ends[0]), hi = number(text, ends[1]);
            if (!(lo < hi)) throw new InputException("--param " + text + ": range low " + ends[0] + " must be below high " + ends[1]);
            Kind kind = switch (kindName) {
                case "log" -> Kind.LOG_UNIFORM;
                case "int" -> Kind.INT_UNIFORM;
                default -> Kind.UNIFORM;
            };
            if (kind == Kind.LOG_UNIFORM && lo <= 0) {
                throw new InputException("--param " + text + ": a log range needs a positive low end, got " + ends[0]);
            }
            return new ParamSpec(name, kind, List.of(), lo, hi);
        }
        List<String> values = new ArrayList<>();
        for (String v : spec.split(",", -1)) { // '/' stands for a comma inside one value
            String t = v.trim().replace('/', ',');
            if (t.isEmpty()) throw new InputException("--param " + text + ": empty value in the list '" + spec + "'");
            values.add(t);
        }
        return new ParamSpec(name, Kind.LIST, List.copyOf(values), 0, 0);
    }

    private static double number(String text, String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new InputException("--param " + text + ": '" + s + "' is not a number");
        }
    }

    /** A random value (as option text) for random search. */
    String sample(SplittableRandom rng) {
        return switch (kind) {
            case LIST -> values.get(rng.nextInt(values.size()));
            case UNIFORM -> format(lo + (hi - lo) * rng.nextDouble());
            case LOG_UNIFORM -> format(Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.nextDouble()));
            case INT_UNIFORM -> Long.toString(Math.round(lo + (hi - lo) * rng.nextDouble()));
        };
    }

    /** Four significant digits: enough to reproduce a trial, short enough for a table. */
    static String format(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString().toLowerCase(Locale.ROOT);
    }
}
