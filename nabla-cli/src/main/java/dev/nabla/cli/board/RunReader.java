package dev.nabla.cli.board;

import dev.nabla.cli.run.RunFolder;
import dev.nabla.cli.run.RunLock;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the board shows of one run folder, read from the files {@code nabla train} writes ({@link RunFolder}):
 * the settings ({@code results.json}'s config, else {@code config.yaml}), the curves ({@code history.csv}, else
 * the history in {@code results.json}), the best validation and test accuracy, and a status:
 * <ul>
 *   <li>{@code finished}, {@code diverged}: what {@code results.json} says of an ended run;</li>
 *   <li>{@code running}: not ended, and the process named in its lock file is alive or, without one, a file of
 *       the run was written recently (see {@link #staleAfterMillis});</li>
 *   <li>{@code killed}: not ended, and that process is gone or nothing was written for longer than that;</li>
 *   <li>{@code malformed}: nothing usable could be read; {@code problems} says what is wrong.</li>
 * </ul>
 * A damaged file never hides the others: a run with a broken {@code results.json} still shows its curves.
 */
final class RunReader {

    /** The lock file of a run folder, held by the process that writes the run. */
    static final String LOCK = RunLock.FILE;

    /** A run not heard of for this long is taken as killed, however long its epochs are. */
    static final long STALE_MIN_MILLIS = 120_000;

    private RunReader() {
    }

    /** The files whose size and time decide whether a cached reading is still current. */
    static final List<String> WATCHED = List.of(RunFolder.RESULTS, RunFolder.HISTORY, RunFolder.CONFIG,
            RunFolder.CHECKPOINT_JSON, RunFolder.MODEL, RunFolder.STEPS, LOCK);

    /** The run's summary (a row of the runs list), its history and its step losses ({@link StepsReader}; null without). */
    record Reading(Map<String, Object> summary, Map<String, List<Object>> history, Map<String, Object> steps) {
    }

    static Reading read(Path dir, String id, String sweep, long now) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> results = null;
        Map<String, List<Object>> history = null;
        Map<String, Object> config = null;
        try {
            results = RunFiles.jsonObject(dir.resolve(RunFolder.RESULTS));
        } catch (RunFiles.Damaged e) {
            problems.add(e.getMessage());
        }
        try {
            history = RunFiles.csv(dir.resolve(RunFolder.HISTORY));
        } catch (RunFiles.Damaged e) {
            problems.add(e.getMessage());
        }
        Map<String, Object> steps = null;
        try {
            steps = StepsReader.read(dir);
        } catch (RunFiles.Damaged e) {
            problems.add(e.getMessage());
        }
        if (results != null && results.get("config") instanceof Map<?, ?> m) config = strings(m);
        if (config == null) {
            try {
                config = RunFiles.flatYaml(dir.resolve(RunFolder.CONFIG));
            } catch (RunFiles.Damaged e) {
                problems.add(e.getMessage());
            }
        }
        if (history == null && results != null && results.get("history") instanceof List<?> h) {
            history = historyFromResults(h);
        }
        if (history == null) history = new LinkedHashMap<>();

        long lastWrite = 0;
        for (String f : WATCHED) {
            BasicFileAttributes a = RunFiles.stat(dir.resolve(f));
            if (a != null) lastWrite = Math.max(lastWrite, a.lastModifiedTime().toMillis());
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("kind", "run");
        s.put("name", dir.getFileName() == null ? id : dir.getFileName().toString());
        if (sweep != null) s.put("sweep", sweep);
        s.put("modified", lastWrite);
        s.put("model", describeModel(results, config));
        s.put("settings", config == null ? Map.of() : config);
        List<Object> epochs = history.getOrDefault("epoch", List.of());
        s.put("epochs_done", epochs.size());
        s.put("epochs", config == null ? null : number(config.get("epochs")));
        if (results != null) {
            s.put("best_epoch", results.get("best_epoch"));
            s.put("best_val_acc", results.get("best_val_acc"));
            s.put("test_acc", results.get("test_acc"));
            s.put("seconds", results.get("seconds"));
            if (results.get("message") != null) s.put("message", String.valueOf(results.get("message")));
        } else {
            s.put("best_val_acc", max(history.get("val_acc")));
        }
        s.put("has_model", RunFiles.stat(dir.resolve(RunFolder.MODEL)) != null);
        s.put("started", started(dir, lastWrite));
        String status = status(results, config, history, problems);
        if (status == null) {
            s.put("stale_after_ms", staleAfterMillis(history));
            Long pid = lockOwner(dir);
            if (pid != null) s.put("pid", pid);
            status = openStatus(s, now);
        }
        s.put("status", status);
        if (!problems.isEmpty()) s.put("problems", problems);
        return new Reading(s, history, steps);
    }

    /** The status of an ended or unreadable run, or null for one that has not ended (running or killed). */
    private static String status(Map<String, Object> results, Map<String, Object> config,
                                 Map<String, List<Object>> history, List<String> problems) {
        String raw = results == null ? null : String.valueOf(results.get("status"));
        if ("ok".equals(raw)) return "finished";
        if ("diverged".equals(raw)) return "diverged";
        if (raw != null && !"running".equals(raw)) {
            problems.add("results.json has an unknown status '" + raw + "'");
            return "malformed";
        }
        if (results == null && config == null && history.isEmpty()) {
            if (problems.isEmpty()) problems.add("no results.json, history.csv or config.yaml that can be read");
            return "malformed";
        }
        return null;
    }

    /** When the run began: the time of its config.yaml (written first), else of its newest file. */
    private static long started(Path dir, long lastWrite) {
        BasicFileAttributes a = RunFiles.stat(dir.resolve(RunFolder.CONFIG));
        return a == null ? lastWrite : a.lastModifiedTime().toMillis();
    }

    /**
     * Running or killed, for a run that has not ended: when its lock file names a process on this machine, whether
     * that process is alive; otherwise whether it wrote a file within its {@code stale_after_ms}.
     */
    static String openStatus(Map<String, Object> summary, long now) {
        if (summary.get("pid") instanceof Long pid) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? "running" : "killed";
        }
        long modified = ((Number) summary.get("modified")).longValue();
        return now - modified < ((Number) summary.get("stale_after_ms")).longValue() ? "running" : "killed";
    }

    /**
     * The process that holds the run folder's lock file, when the file names one on this machine: a run writes
     * {@code pid N on HOST, nabla train, since ...} into {@value #LOCK} while it owns the folder and empties the
     * file when it ends; a killed run leaves its text behind. Null when there is no such text.
     */
    static Long lockOwner(Path dir) {
        String text;
        try {
            text = RunFiles.text(dir.resolve(LOCK));
        } catch (RunFiles.Damaged e) {
            return null;
        }
        if (text == null) return null;
        java.util.regex.Matcher m = LOCK_TEXT.matcher(text.strip());
        if (!m.find() || !m.group(2).strip().equals(HOST)) return null;
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static final java.util.regex.Pattern LOCK_TEXT = java.util.regex.Pattern.compile("^pid (\\d+) on ([^,]+),");
    static final String HOST = hostName();

    /** This machine's name as run folders' lock files give it: $HOSTNAME, else /etc/hostname. */
    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h.strip();
        try {
            String t = RunFiles.text(Path.of("/etc/hostname"));
            if (t != null && !t.isBlank()) return t.strip();
        } catch (RunFiles.Damaged e) {
            // no name: lock files are then not trusted, file ages decide
        }
        return "";
    }

    /**
     * How long a run may go without writing before it counts as killed: four of its slowest epochs (it writes
     * after every epoch) plus half a minute, and never under {@link #STALE_MIN_MILLIS}.
     */
    static long staleAfterMillis(Map<String, List<Object>> history) {
        List<Object> train = history.getOrDefault("train_seconds", List.of());
        List<Object> eval = history.getOrDefault("eval_seconds", List.of());
        double slowest = 0;
        for (int i = 0; i < train.size(); i++) {
            double t = train.get(i) instanceof Number n ? n.doubleValue() : 0;
            double e = i < eval.size() && eval.get(i) instanceof Number n ? n.doubleValue() : 0;
            if (Double.isFinite(t + e)) slowest = Math.max(slowest, t + e);
        }
        return Math.max(STALE_MIN_MILLIS, (long) (4 * slowest * 1000) + 30_000);
    }

    /** "twolayer 128 sigmoid", from the model description results.json keeps, else from the settings. */
    static String describeModel(Map<String, Object> results, Map<String, Object> config) {
        Object type = null, hidden = null, activation = null;
        if (results != null && results.get("model") instanceof Map<?, ?> m) {
            type = m.get("type");
            hidden = m.get("hidden");
            activation = m.get("activation");
        } else if (config != null) {
            type = config.get("model");
            hidden = config.get("hidden");
            activation = config.get("activation");
        }
        if (type == null) return null;
        StringBuilder sb = new StringBuilder(String.valueOf(type));
        if (!"softmax".equals(type)) {
            String h = hidden instanceof List<?> l ? joined(l) : hidden == null ? "" : String.valueOf(hidden);
            if (!h.isEmpty() && !h.equals("[]")) sb.append(' ').append(h);
            if (activation != null) sb.append(' ').append(activation);
        }
        return sb.toString();
    }

    private static String joined(List<?> l) {
        StringBuilder sb = new StringBuilder();
        for (Object o : l) sb.append(sb.length() > 0 ? "-" : "").append(o instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(o));
        return sb.toString();
    }

    private static Map<String, List<Object>> historyFromResults(List<?> rows) {
        Map<String, List<Object>> cols = new LinkedHashMap<>();
        for (Object o : rows) {
            if (!(o instanceof Map<?, ?> row)) continue;
            for (Map.Entry<?, ?> e : row.entrySet()) {
                cols.computeIfAbsent(String.valueOf(e.getKey()), k -> new ArrayList<>()).add(e.getValue());
            }
        }
        return cols;
    }

    private static Map<String, Object> strings(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static Object number(Object v) {
        if (v instanceof Number) return v;
        if (v == null) return null;
        try {
            return Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double max(List<Object> values) {
        if (values == null) return null;
        Double best = null;
        for (Object o : values) {
            if (o instanceof Number n && Double.isFinite(n.doubleValue()) && (best == null || n.doubleValue() > best)) {
                best = n.doubleValue();
            }
        }
        return best;
    }
}
