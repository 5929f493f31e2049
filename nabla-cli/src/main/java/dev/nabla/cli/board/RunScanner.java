package dev.nabla.cli.board;

import dev.nabla.cli.run.RunFolder;
import dev.nabla.cli.sweep.Sweep;
import dev.nabla.io.Json;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Finds the runs and sweeps under the runs folder and keeps what it read of each.
 *
 * <p>A folder holding {@code sweep.json} is a sweep, and its sub-folders holding run files are its trials; a
 * folder holding any of {@link #RUN_MARKERS} is a run; other folders are searched, {@link #MAX_DEPTH} levels
 * down. Symbolic links are never followed. A run is read again only when the size or time of one of its
 * {@link RunReader#WATCHED} files changed, so a scan of thousands of runs costs one directory listing and a few
 * file attributes per run; scans closer together than {@link #MIN_SCAN_INTERVAL_MILLIS} share one result.
 */
final class RunScanner {

    static final Set<String> RUN_MARKERS = Set.of(RunFolder.RESULTS, RunFolder.HISTORY, RunFolder.CONFIG,
            RunFolder.CHECKPOINT, RunFolder.MODEL);
    static final int MAX_DEPTH = 6;
    static final long MIN_SCAN_INTERVAL_MILLIS = 1000;
    /** The settings the runs list shows; the run page shows all of them. */
    static final List<String> KEY_SETTINGS = List.of("model", "hidden", "activation", "optimizer", "lr", "momentum",
            "reg", "batch", "epochs", "schedule", "seed");

    /** The runs and sweeps found, newest first, and a tag that changes whenever any of them does. */
    record Snapshot(List<Map<String, Object>> entries, String etag, long millis, String json) {
    }

    private record Cached(String key, RunReader.Reading reading) {
    }

    private final RunsRoot root;
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();
    private volatile Snapshot last;
    private final AtomicBoolean scanning = new AtomicBoolean();

    RunScanner(RunsRoot root) {
        this.root = root;
    }

    /**
     * The latest list. Only the first call waits for a scan; later ones get the last list at once and, when it
     * is older than {@link #MIN_SCAN_INTERVAL_MILLIS}, start a new scan in the background, so a page polling a
     * folder of thousands of runs never waits for the disk.
     */
    Snapshot current() {
        Snapshot s = last;
        if (s == null) return scanNow();
        if (System.currentTimeMillis() - s.millis() >= MIN_SCAN_INTERVAL_MILLIS) refreshInBackground();
        return s;
    }

    /** Starts a scan on a background thread unless one is under way. */
    void refreshInBackground() {
        if (!scanning.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> {
            try {
                scanNow();
            } finally {
                scanning.set(false);
            }
        }, "nabla-board-scan");
        t.setDaemon(true);
        t.start();
    }

    /** Scans now (one scan at a time). */
    synchronized Snapshot scanNow() {
        long now = System.currentTimeMillis();
        List<Map<String, Object>> entries = new ArrayList<>();
        Set<Path> seen = new java.util.HashSet<>();
        walk(root.dir(), 0, entries, seen, now);
        cache.keySet().retainAll(seen);
        entries.sort(Comparator.comparingLong((Map<String, Object> e) -> ((Number) e.get("started")).longValue())
                .reversed().thenComparing(e -> String.valueOf(e.get("id"))));
        long h = 17;
        for (Map<String, Object> e : entries) {
            h = h * 31 + e.get("id").hashCode();
            h = h * 31 + String.valueOf(e.get("modified")).hashCode();
            h = h * 31 + String.valueOf(e.get("status")).hashCode();
            h = h * 31 + String.valueOf(e.get("trials_done")).hashCode();
        }
        String etag = "\"" + Long.toHexString(h) + "-" + entries.size() + "\"";
        Snapshot before = last;
        // the JSON of an unchanged list is kept: serving it again costs nothing
        String json = before != null && before.etag().equals(etag) ? before.json() : Json.write(entries);
        last = new Snapshot(entries, etag, now, json);
        return last;
    }

    /** One run read now (through the cache), with its history; {@code dir} must come from {@link RunsRoot}. */
    RunReader.Reading run(Path dir) {
        String sweep = null;
        Path parent = dir.getParent();
        if (parent != null && parent.startsWith(root.dir()) && RunFiles.stat(parent.resolve(Sweep.PLAN)) != null) {
            sweep = root.idOf(parent);
        }
        return read(dir, sweep, System.currentTimeMillis());
    }

    /** Whether {@code dir} holds any run file. */
    static boolean isRun(Path dir) {
        for (String m : RUN_MARKERS) if (RunFiles.stat(dir.resolve(m)) != null) return true;
        return false;
    }

    private void walk(Path dir, int depth, List<Map<String, Object>> out, Set<Path> seen, long now) {
        List<Path> entries = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                entries.add(p);
                names.add(p.getFileName().toString());
            }
        } catch (IOException | RuntimeException e) {
            return; // unreadable folder: nothing to show from it
        }
        // a run folder is recognised by its file names alone: its entries are not looked at one by one
        boolean sweep = names.contains(Sweep.PLAN);
        boolean run = !sweep && dir != root.dir() && names.stream().anyMatch(RUN_MARKERS::contains);
        if (run) {
            seen.add(dir);
            out.add(listed(read(dir, null, now)));
            return;
        }
        if (!sweep && depth >= MAX_DEPTH) return;
        List<Path> subdirs = new ArrayList<>();
        for (Path p : entries) if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) subdirs.add(p);
        subdirs.sort(Comparator.naturalOrder());
        if (sweep) out.add(sweep(dir, subdirs, seen, now));
        else for (Path d : subdirs) walk(d, depth + 1, out, seen, now);
    }

    /** A sweep's row: its trials' progress and best trial, from the trial folders (which are current). */
    private Map<String, Object> sweep(Path dir, List<Path> subdirs, Set<Path> seen, long now) {
        String id = root.idOf(dir);
        SweepReader.Plan plan = SweepReader.plan(dir);
        List<Map<String, Object>> trials = new ArrayList<>();
        long modified = 0, started = Long.MAX_VALUE;
        for (Path d : subdirs) {
            if (!isRun(d)) continue;
            seen.add(d);
            Map<String, Object> t = read(d, id, now).summary();
            trials.add(t);
            modified = Math.max(modified, ((Number) t.get("modified")).longValue());
            started = Math.min(started, ((Number) t.get("started")).longValue());
        }
        BasicFileAttributes planAttrs = RunFiles.stat(dir.resolve(Sweep.PLAN));
        if (planAttrs != null) {
            modified = Math.max(modified, planAttrs.lastModifiedTime().toMillis());
            started = Math.min(started, planAttrs.lastModifiedTime().toMillis());
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("kind", "sweep");
        s.put("name", dir.getFileName().toString());
        s.put("modified", modified);
        s.put("started", started == Long.MAX_VALUE ? modified : started);
        s.putAll(SweepReader.overview(plan, trials));
        return s;
    }

    private RunReader.Reading read(Path dir, String sweep, long now) {
        StringBuilder key = new StringBuilder(sweep == null ? "" : sweep);
        for (String f : RunReader.WATCHED) {
            BasicFileAttributes a = RunFiles.stat(dir.resolve(f));
            key.append('|');
            if (a != null) key.append(a.size()).append(',').append(a.lastModifiedTime().toMillis());
        }
        String k = key.toString();
        Cached c = cache.get(dir);
        if (c == null || !c.key().equals(k)) {
            c = new Cached(k, RunReader.read(dir, root.idOf(dir), sweep, now));
            cache.put(dir, c);
        }
        return withStatusNow(c.reading(), now);
    }

    /** A cached reading of a run that has not ended gets its running / killed status anew. */
    private static RunReader.Reading withStatusNow(RunReader.Reading r, long now) {
        if (r.summary().get("stale_after_ms") == null) return r;
        String status = RunReader.openStatus(r.summary(), now);
        if (status.equals(r.summary().get("status"))) return r;
        Map<String, Object> s = new LinkedHashMap<>(r.summary());
        s.put("status", status);
        return new RunReader.Reading(s, r.history(), r.steps());
    }

    /** The row of the runs list: the summary with only the key settings. */
    static Map<String, Object> listed(RunReader.Reading r) {
        Map<String, Object> s = new LinkedHashMap<>(r.summary());
        Map<String, Object> key = new TreeMap<>();
        if (s.get("settings") instanceof Map<?, ?> all) {
            for (String k : KEY_SETTINGS) if (all.get(k) != null) key.put(k, all.get(k));
        }
        s.put("settings", key);
        return s;
    }

}
