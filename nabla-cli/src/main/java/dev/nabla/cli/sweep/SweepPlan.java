package dev.nabla.cli.sweep;

import dev.nabla.InputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The trials of a sweep: the full grid of listed values, or N random draws. Each trial is option -> value text. */
public final class SweepPlan {
    private SweepPlan() {}

    /** Every combination of the listed values, the first parameter varying slowest. */
    public static List<Map<String, String>> grid(List<ParamSpec> specs) {
        if (specs.isEmpty()) throw new InputException("sweep: nothing to sweep; give at least one --param NAME=V1,V2,...");
        for (ParamSpec s : specs) {
            if (s.kind() != ParamSpec.Kind.LIST) {
                throw new InputException("sweep: --param " + s.name() + " is a range; ranges need random search (--random N)");
            }
        }
        checkDistinct(specs);
        List<Map<String, String>> trials = new ArrayList<>();
        trials.add(new LinkedHashMap<>());
        for (ParamSpec s : specs) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> t : trials) {
                for (String v : s.values()) {
                    Map<String, String> m = new LinkedHashMap<>(t);
                    m.put(s.name(), v);
                    next.add(m);
                }
            }
            trials = next;
        }
        return trials;
    }

    /** {@code n} configurations drawn independently with a seeded generator (same seed, same trials). */
    public static List<Map<String, String>> random(List<ParamSpec> specs, int n, long seed) {
        if (specs.isEmpty()) throw new InputException("sweep: nothing to sweep; give at least one --param");
        if (n < 1) throw new InputException("sweep: --random must be at least 1, got " + n);
        checkDistinct(specs);
        SplittableRandom rng = new SplittableRandom(seed);
        List<Map<String, String>> trials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> m = new LinkedHashMap<>();
            for (ParamSpec s : specs) m.put(s.name(), s.sample(rng));
            trials.add(m);
        }
        return trials;
    }

    private static void checkDistinct(List<ParamSpec> specs) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ParamSpec s : specs) {
            if (!seen.add(s.name())) throw new InputException("sweep: --param " + s.name() + " is given twice; list all its values in one --param");
        }
    }
}
