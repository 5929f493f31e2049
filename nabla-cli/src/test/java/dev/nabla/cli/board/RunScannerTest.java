package dev.nabla.cli.board;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scanner and readers on run folders in every state: whole, half-written, damaged, abandoned, linked out. */
class RunScannerTest {

    @TempDir
    Path runs;

    private static final String HEADER = "epoch,train_loss,train_acc,val_loss,val_acc,train_seconds,eval_seconds\n";

    private Map<String, Object> entry(RunScanner.Snapshot s, String id) {
        return s.entries().stream().filter(e -> id.equals(e.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not listed in " + s.entries()));
    }

    @Test
    void readsStatusAndAccuraciesOfFinishedRunningAndKilledRuns() throws IOException {
        Path done = Files.createDirectories(runs.resolve("done"));
        Files.writeString(done.resolve("results.json"), "{\"config\": {\"model\": \"softmax\", \"lr\": 0.1, \"epochs\": 2},"
                + " \"history\": [], \"best_epoch\": 2, \"best_val_acc\": 0.91, \"test_acc\": 0.9, \"status\": \"ok\","
                + " \"model\": {\"type\": \"softmax\", \"hidden\": []}}");
        Files.writeString(done.resolve("history.csv"), HEADER + "1,0.5,0.8,0.4,0.85,1,0.1\n2,0.3,0.9,0.3,0.91,1,0.1\n");
        Path live = Files.createDirectories(runs.resolve("live"));
        Files.writeString(live.resolve("config.yaml"), "# comment\nmodel: twolayer\nhidden: 128\nlr: 0.1\n");
        Files.writeString(live.resolve("history.csv"), HEADER + "1,0.5,0.8,0.4,0.85,1,0.1\n");
        Path gone = Files.createDirectories(runs.resolve("gone"));
        Files.writeString(gone.resolve("results.json"), "{\"status\": \"running\", \"best_val_acc\": 0.5}");
        Files.writeString(gone.resolve("history.csv"), HEADER + "1,0.5,0.8,0.4,0.5,1,0.1\n");
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        for (String f : List.of("results.json", "history.csv")) Files.setLastModifiedTime(gone.resolve(f), old);

        RunScanner.Snapshot s = new RunScanner(new RunsRoot(runs)).scanNow();
        assertEquals("finished", entry(s, "done").get("status"));
        assertEquals(0.91, entry(s, "done").get("best_val_acc"));
        assertEquals("softmax", entry(s, "done").get("model"));
        assertEquals("running", entry(s, "live").get("status"));
        assertEquals("twolayer 128", entry(s, "live").get("model"));
        assertEquals(1, entry(s, "live").get("epochs_done"));
        assertEquals("killed", entry(s, "gone").get("status"));
    }

    @Test
    void theLockFileSaysWhetherTheRunsProcessIsAlive() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        for (String name : List.of("slow", "dead")) {
            Path d = Files.createDirectories(runs.resolve(name));
            Files.writeString(d.resolve("history.csv"), HEADER + "1,0.5,0.8,0.4,0.85,1,0.1\n");
            long pid = name.equals("slow") ? ProcessHandle.current().pid() : ended.pid();
            Files.writeString(d.resolve("run.lock"), "pid " + pid + " on " + RunReader.HOST + ", nabla train, since 2026-12-02T07:00:00Z\n");
            if (name.equals("slow")) {
                for (String f : List.of("history.csv", "run.lock")) Files.setLastModifiedTime(d.resolve(f), old);
            }
        }
        RunScanner.Snapshot s = new RunScanner(new RunsRoot(runs)).scanNow();
        assertEquals("running", entry(s, "slow").get("status"), "its process is alive, however long ago it wrote");
        assertEquals("killed", entry(s, "dead").get("status"), "its process is gone, however recently it wrote");
    }

    @Test
    void aDamagedOrHalfWrittenRunShowsAsSuchWithWhatCanBeRead() throws IOException {
        Path broken = Files.createDirectories(runs.resolve("broken"));
        Files.writeString(broken.resolve("results.json"), "{\"status\": \"ok\", \"best_val");
        Files.writeString(broken.resolve("history.csv"), HEADER + "1,0.5,0.8,0.4,0.85,1,0.1\n2,0.3,0.9,0.3,0.9"); // no newline yet
        Path empty = Files.createDirectories(runs.resolve("empty"));
        Files.writeString(empty.resolve("results.json"), "");
        Path ragged = Files.createDirectories(runs.resolve("ragged"));
        Files.writeString(ragged.resolve("history.csv"), HEADER + "1,0.5\n");

        RunsRoot root = new RunsRoot(runs);
        RunScanner scanner = new RunScanner(root);
        RunScanner.Snapshot s = scanner.scanNow();
        Map<String, Object> b = entry(s, "broken");
        assertTrue(String.valueOf(b.get("problems")).contains("results.json"), String.valueOf(b));
        assertEquals(1, b.get("epochs_done"), "the complete lines of the history are kept");
        assertEquals(1, scanner.run(root.resolve("broken")).history().get("val_acc").size());
        assertEquals("malformed", entry(s, "empty").get("status"));
        assertTrue(String.valueOf(entry(s, "empty").get("problems")).contains("results.json is empty"));
        assertTrue(String.valueOf(entry(s, "ragged").get("problems")).contains("line 2 has 2 cells"));
    }

    @Test
    void theStepLogIsReadDownsampledAndAHalfWrittenOrMalformedOneNeverHidesTheRun() throws IOException {
        String steps = "step,epoch,batch,loss\n";
        Path small = Files.createDirectories(runs.resolve("small"));
        Files.writeString(small.resolve("history.csv"), HEADER + "1,0.5,0.8,0.4,0.85,1,0.1\n");
        Files.writeString(small.resolve("steps.csv"), steps + "1,1,1,2.5\n2,1,2,1.5\n3,1,3,0.7"); // last line half-written
        Path longRun = Files.createDirectories(runs.resolve("long"));
        Files.writeString(longRun.resolve("history.csv"), HEADER + "1,0.5,0.8,0.4,0.85,1,0.1\n");
        StringBuilder many = new StringBuilder(steps);
        int n = 3 * StepsReader.MAX_POINTS + 1;
        for (int i = 1; i <= n; i++) many.append(i).append(",1,").append(i).append(',').append(i % 4).append('\n');
        Files.writeString(longRun.resolve("steps.csv"), many);
        Path bad = Files.createDirectories(runs.resolve("bad"));
        Files.writeString(bad.resolve("history.csv"), HEADER + "1,0.5,0.8,0.4,0.85,1,0.1\n");
        Files.writeString(bad.resolve("steps.csv"), steps + "1,1,1,oops\n");

        RunsRoot root = new RunsRoot(runs);
        RunScanner scanner = new RunScanner(root);
        Map<String, Object> st = scanner.run(root.resolve("small")).steps();
        assertEquals(List.of(1.0, 2.0), st.get("step"), "the half-written last line is left out");
        assertEquals(List.of(2.5, 1.5), st.get("loss"));
        assertEquals(2, st.get("total"));

        Map<String, Object> lst = scanner.run(root.resolve("long")).steps();
        List<?> xs = (List<?>) lst.get("step"), ys = (List<?>) lst.get("loss");
        assertEquals(4, lst.get("per_point"));
        assertEquals((n + 3) / 4, xs.size());
        assertTrue(xs.size() <= StepsReader.MAX_POINTS);
        assertEquals(List.of(4.0, 8.0), xs.subList(0, 2), "each point is at the last step of its group");
        assertEquals(1.5, ys.get(0), "the mean of losses 1, 2, 3, 0");
        assertEquals((double) n, xs.get(xs.size() - 1), "the last, short group is kept");

        RunReader.Reading b = scanner.run(root.resolve("bad"));
        assertEquals(null, b.steps());
        assertTrue(String.valueOf(b.summary().get("problems")).contains("steps.csv row 1"), String.valueOf(b.summary()));
        assertEquals(1, b.history().get("epoch").size(), "the curves still show");
        assertNotEquals("malformed", b.summary().get("status"));
        assertEquals(null, scanner.run(root.resolve("small")).summary().get("problems"));

        Files.writeString(small.resolve("steps.csv"), steps + "1,1,1,2.5\n2,1,2,1.5\n3,1,3,0.7\n4,1,4");
        assertEquals(3, scanner.run(root.resolve("small")).steps().get("total"), "a new step log is read again");
    }

    @Test
    void aSweepListsItsTrialsAndBestTrial() throws IOException {
        Path sweep = Files.createDirectories(runs.resolve("group/lr"));
        Files.writeString(sweep.resolve("sweep.json"), "{\"command\": \"nabla sweep\", \"base\": {\"model\": \"softmax\"},"
                + " \"trials\": [{\"lr\": \"0.1\"}, {\"lr\": \"1\"}, {\"lr\": \"10\"}], \"threads_per_trial\": 1}");
        for (int i = 1; i <= 2; i++) {
            Path t = Files.createDirectories(sweep.resolve("trial-0" + i));
            Files.writeString(t.resolve("results.json"), "{\"status\": \"ok\", \"best_val_acc\": 0." + (7 + i) + "}");
        }
        RunsRoot root = new RunsRoot(runs);
        RunScanner scanner = new RunScanner(root);
        Map<String, Object> e = entry(scanner.scanNow(), "group/lr");
        assertEquals("sweep", e.get("kind"));
        assertEquals(3, e.get("trials"));
        assertEquals(2, e.get("trials_done"));
        assertEquals("group/lr/trial-02", e.get("best"));
        assertEquals("killed", e.get("status"), "a trial never started and none is running");
        Map<String, Object> d = SweepReader.detail(root.resolve("group/lr"), "group/lr", scanner);
        List<?> rows = (List<?>) d.get("rows");
        assertEquals(3, rows.size());
        assertEquals("pending", ((Map<?, ?>) rows.get(2)).get("status"));
    }

    @Test
    void linksAndDotDotNeverLeadOutOfTheRunsFolder() throws IOException {
        Path outside = Files.createDirectories(runs.resolveSibling(runs.getFileName() + "-outside"));
        Files.writeString(outside.resolve("results.json"), "{\"status\": \"ok\"}");
        Files.createSymbolicLink(runs.resolve("linked"), outside);
        Files.createDirectories(runs.resolve("inside"));
        Files.writeString(runs.resolve("inside/config.yaml"), "model: softmax\n");
        RunsRoot root = new RunsRoot(runs);
        RunScanner.Snapshot s = new RunScanner(root).scanNow();
        assertEquals(List.of("inside"), s.entries().stream().map(e -> e.get("id")).toList(), "links are not followed");
        for (String bad : List.of("../x", "inside/../../x", "/etc", "inside/./config.yaml", "a\\..\\b", "linked", "linked/results.json")) {
            RunsRoot.Refused r = assertThrows(RunsRoot.Refused.class, () -> root.resolve(bad), bad);
            assertNotEquals(200, r.status);
        }
        assertEquals(runs.toRealPath().resolve("inside/config.yaml"), root.resolve("inside/config.yaml"));
    }
}
