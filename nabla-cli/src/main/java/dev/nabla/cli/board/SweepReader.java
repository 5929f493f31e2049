package dev.nabla.cli.board;

import dev.nabla.cli.sweep.Sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the board shows of a sweep folder ({@link Sweep}): the plan in {@code sweep.json} (base settings and each
 * trial's overrides) joined with the trial folders as they are now, so that a sweep in progress shows its
 * finished, running and pending trials. The best trial is the one with the highest validation accuracy, as in
 * the sweep's own tables.
 */
final class SweepReader {

    private SweepReader() {
    }

    /** The plan, or an empty one with the problem when {@code sweep.json} cannot be read. */
    record Plan(String command, Map<String, Object> base, List<Map<String, Object>> trials, String problem) {
    }

    static Plan plan(Path dir) {
        try {
            Map<String, Object> m = RunFiles.jsonObject(dir.resolve(Sweep.PLAN));
            if (m == null) return new Plan(null, Map.of(), List.of(), "no " + Sweep.PLAN);
            Map<String, Object> base = m.get("base") instanceof Map<?, ?> b ? strings(b) : Map.of();
            List<Map<String, Object>> trials = new ArrayList<>();
            if (m.get("trials") instanceof List<?> l) {
                for (Object o : l) trials.add(o instanceof Map<?, ?> t ? strings(t) : Map.of());
            }
            return new Plan(m.get("command") == null ? null : String.valueOf(m.get("command")), base, trials, null);
        } catch (RunFiles.Damaged e) {
            return new Plan(null, Map.of(), List.of(), e.getMessage());
        }
    }

    /** The sweep's row in the runs list, from its plan and its trials' summaries. */
    static Map<String, Object> overview(Plan plan, List<Map<String, Object>> trials) {
        Map<String, Object> s = new LinkedHashMap<>();
        int planned = Math.max(plan.trials().size(), trials.size());
        int done = 0, running = 0;
        Map<String, Object> best = null;
        for (Map<String, Object> t : trials) {
            Object st = t.get("status");
            if ("finished".equals(st) || "diverged".equals(st)) done++;
            if ("running".equals(st)) running++;
            if (better(t, best)) best = t;
        }
        String status;
        if (plan.problem() != null && trials.isEmpty()) status = "malformed";
        else if (running > 0) status = "running";
        else if (done == planned && planned > 0) status = "finished";
        else status = "killed";
        s.put("status", status);
        s.put("trials", planned);
        s.put("trials_done", done);
        s.put("params", sweptNames(plan));
        Map<String, Object> settings = new LinkedHashMap<>(plan.base());
        s.put("settings", settings);
        s.put("model", RunReader.describeModel(null, plan.base()));
        if (best != null) {
            s.put("best", best.get("id"));
            s.put("best_val_acc", best.get("best_val_acc"));
            s.put("test_acc", best.get("test_acc"));
        }
        if (plan.problem() != null) s.put("problems", List.of(plan.problem()));
        return s;
    }

    /** The sweep page: plan, each trial (params and summary, or pending) and which trial is best. */
    static Map<String, Object> detail(Path dir, String id, RunScanner scanner) {
        Plan plan = plan(dir);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> summaries = new ArrayList<>();
        int n = plan.trials().size();
        for (int i = 0; i < n; i++) {
            Path d = dir.resolve(Sweep.trialName(i + 1));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("trial", i + 1);
            row.put("params", plan.trials().get(i));
            if (RunFiles.stat(d.resolve(dev.nabla.cli.run.RunFolder.CONFIG)) != null || RunScanner.isRun(d)) {
                RunReader.Reading r = scanner.run(d);
                row.putAll(RunScanner.listed(r));
                row.put("val_acc", r.history().getOrDefault("val_acc", List.of()));
                row.put("val_loss", r.history().getOrDefault("val_loss", List.of()));
                summaries.add(r.summary());
            } else {
                row.put("id", id + "/" + Sweep.trialName(i + 1));
                row.put("status", "pending");
            }
            row.put("params", plan.trials().get(i));
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>(overview(plan, summaries));
        out.put("id", id);
        out.put("name", dir.getFileName().toString());
        out.put("command", plan.command());
        out.put("rows", rows);
        return out;
    }

    private static boolean better(Map<String, Object> t, Map<String, Object> best) {
        if (!(t.get("best_val_acc") instanceof Number v) || !Double.isFinite(v.doubleValue())) return false;
        return best == null || v.doubleValue() > ((Number) best.get("best_val_acc")).doubleValue();
    }

    private static List<String> sweptNames(Plan plan) {
        Set<String> names = new LinkedHashSet<>();
        for (Map<String, Object> t : plan.trials()) names.addAll(t.keySet());
        return new ArrayList<>(names);
    }

    private static Map<String, Object> strings(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        return out;
    }
}
