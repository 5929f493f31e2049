package dev.nabla.cli;

import dev.nabla.cli.sweep.ParamSpec;
import dev.nabla.cli.sweep.SweepPlan;
import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SweepCommandTest {

    @Test
    void gridHasEveryCombinationFirstParameterSlowest() {
        List<Map<String, String>> g = SweepPlan.grid(List.of(
                ParamSpec.parse("lr=1,0.1", SweepCommand.SWEEPABLE), ParamSpec.parse("reg=0.1,0.01,0", SweepCommand.SWEEPABLE)));
        assertEquals(6, g.size());
        assertEquals(Map.of("lr", "1", "reg", "0.1"), g.get(0));
        assertEquals(Map.of("lr", "1", "reg", "0.01"), g.get(1));
        assertEquals(Map.of("lr", "0.1", "reg", "0"), g.get(5));
    }

    /** ',' separates the values, '/' is a comma inside one: augment shift:2,flip and the channels 16,32. */
    @Test
    void aSlashIsACommaInsideOneValue() {
        assertEquals(List.of("none", "shift:2,flip"), ParamSpec.parse("augment=none,shift:2/flip", SweepCommand.SWEEPABLE).values());
        assertEquals(List.of("shift:2", "flip"), ParamSpec.parse("augment=shift:2,flip", SweepCommand.SWEEPABLE).values());
        assertEquals(List.of("16,32", "32,64"), ParamSpec.parse("channels=16/32,32/64", SweepCommand.SWEEPABLE).values());
    }

    @Test
    void aSweptValueWithACommaReachesItsTrialWhole(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sweep");
        TestData.Run r = TestData.nabla("sweep", "--data", TestData.synthetic().toString(), "--epochs", "1",
                "--model", "softmax", "--param", "augment=none,shift:1/flip", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        Map<String, Object> plan = Json.parseObject(Files.readString(out.resolve("sweep.json")), "sweep.json");
        assertEquals(List.of(Map.of("augment", "none"), Map.of("augment", "shift:1,flip")), plan.get("trials"), plan.toString());
        assertFalse(Files.readString(out.resolve("trial-01/config.yaml")).contains("augment"));
        assertTrue(Files.readString(out.resolve("trial-02/config.yaml")).contains("augment: shift:1,flip\n"),
                Files.readString(out.resolve("trial-02/config.yaml")));
    }

    @Test
    void randomSearchIsSeededAndStaysInItsRanges() {
        List<ParamSpec> specs = List.of(ParamSpec.parse("lr=log:1e-3..1", SweepCommand.SWEEPABLE),
                ParamSpec.parse("batch=32,64,128", SweepCommand.SWEEPABLE),
                ParamSpec.parse("momentum=uniform:0..0.9", SweepCommand.SWEEPABLE),
                ParamSpec.parse("hidden=int:64..512", SweepCommand.SWEEPABLE));
        List<Map<String, String>> a = SweepPlan.random(specs, 50, 7), b = SweepPlan.random(specs, 50, 7);
        assertEquals(a, b);
        assertNotEquals(a, SweepPlan.random(specs, 50, 8));
        for (Map<String, String> t : a) {
            double lr = Double.parseDouble(t.get("lr"));
            assertTrue(lr >= 1e-3 && lr <= 1, t.toString());
            assertTrue(List.of("32", "64", "128").contains(t.get("batch")));
            double m = Double.parseDouble(t.get("momentum"));
            assertTrue(m >= 0 && m <= 0.9);
            int h = Integer.parseInt(t.get("hidden"));
            assertTrue(h >= 64 && h <= 512);
        }
        // log-uniform: about half the draws fall below the geometric middle (0.0316)
        long low = a.stream().filter(t -> Double.parseDouble(t.get("lr")) < Math.sqrt(1e-3)).count();
        assertTrue(low > 10 && low < 40, "log-uniform draws below the geometric mean: " + low);
    }

    @Test
    void badParamsFailWithOneMessageAndExitTwoBeforeAnythingRuns(@TempDir Path tmp) {
        String data = TestData.synthetic().toString();
        Object[][] cases = {
            {new String[] {"--param", "learning_rate=0.1"}, "unknown option 'learning_rate'"},
            {new String[] {"--param", "lr=log:1e-3..x"}, "'x' is not a number"},
            {new String[] {"--param", "lr=log:1e-3"}, "malformed range"},
            {new String[] {"--param", "lr="}, "no values given"},
            {new String[] {"--param", "lr=0.1,,0.2"}, "empty value"},
            {new String[] {"--param", "lr=log:1e-3..1"}, "ranges need random search"},
            {new String[] {}, "nothing to sweep"},
            {new String[] {"--param", "lr=0.1,-1"}, "-1"},
            {new String[] {"--param", "threads=1,2"}, "unknown option 'threads'"},
            {new String[] {"--param", "batch=0"}, "batch"},
        };
        for (Object[] c : cases) {
            String[] args = concat((String[]) c[0], "--data", data, "--epochs", "1", "--out", tmp.resolve("s").toString());
            TestData.Run r = TestData.nabla(concat(new String[] {"sweep"}, args));
            assertEquals(2, r.exit(), () -> String.join(" ", args) + " -> " + r.err());
            assertTrue(r.err().contains((String) c[1]), () -> "expected '" + c[1] + "' in: " + r.err());
            assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("see ")).count(), r.err());
            assertFalse(Files.exists(tmp.resolve("s")), "nothing runs before the input is checked");
        }
    }

    @Test
    void sweepWritesTablesPlotsAndOneRunFolderPerTrial(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sweep");
        TestData.Run r = TestData.nabla("sweep", "--data", TestData.synthetic().toString(), "--epochs", "2",
                "--param", "lr=0.5,1e6", "--model", "mlp", "--hidden", "32", "--out", out.toString(), "--json",
                "--report", tmp.resolve("report.md").toString(), "--title", "Learning rates");
        assertEquals(0, r.exit(), r.err());
        Map<String, Object> json = Json.parseObject(r.out(), "stdout");
        List<?> trials = (List<?>) json.get("trials");
        assertEquals(2, trials.size());
        Map<?, ?> good = (Map<?, ?>) trials.get(0), bad = (Map<?, ?>) trials.get(1);
        assertEquals("ok", good.get("status"));
        assertEquals("diverged", bad.get("status"), "a diverging trial is recorded and the sweep goes on");
        assertEquals(0, ((Number) json.get("best")).intValue());
        assertEquals(Map.of("lr", "0.5"), good.get("params"));
        for (String f : List.of("sweep.json", "results.md", "results.csv", "results.json", "val_accuracy.png",
                "val_accuracy.svg", "val_loss.png", "val_loss.svg", "trial-01/results.json", "trial-02/history.csv")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("**best**") && md.contains("**diverged**"), md);
        String report = Files.readString(tmp.resolve("report.md"));
        assertTrue(report.startsWith("# Learning rates\n") && report.contains("nabla sweep ") && report.contains("| 1 **best** | 0.5 |")
                && report.contains("Best trial by validation accuracy: #1 (lr=0.5)") && report.contains("](sweep/val_accuracy.png)"), report);
        assertTrue(Files.readString(out.resolve("results.csv")).startsWith("trial,lr,final_train_acc,best_val_acc,test_acc,best_epoch,seconds,status,best\n"));
    }

    @Test
    void resumingAKilledSweepGivesTheSameTableAsAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        String data = TestData.synthetic().toString();
        String[] sweep = {"sweep", "--data", data, "--epochs", "2", "--param", "lr=0.3,0.1", "--model", "mlp", "--hidden", "16"};
        Path whole = tmp.resolve("whole"), killed = tmp.resolve("killed");
        assertEquals(0, TestData.nabla(concat(sweep, "--out", whole.toString())).exit());

        // The killed sweep: trial 1 finished, trial 2 stopped after its first epoch (its results.json still says
        // "running", as the run writes it after every epoch), nothing else.
        assertEquals(0, TestData.nabla(concat(sweep, "--out", killed.toString())).exit());
        TestData.Run partial = TestData.nabla("train", "--data", data, "--epochs", "1", "--lr", "0.1", "--model", "mlp",
                "--hidden", "16", "--threads", threadsOf(whole), "--out", tmp.resolve("t2").toString());
        assertEquals(0, partial.exit(), partial.err());
        Path t2 = killed.resolve("trial-02");
        deleteTree(t2);
        Files.move(tmp.resolve("t2"), t2);
        Path res = t2.resolve("results.json");
        Files.writeString(res, Files.readString(res).replace("\"status\": \"ok\"", "\"status\": \"running\""));
        Files.delete(killed.resolve("results.csv"));

        TestData.Run resumed = TestData.nabla("sweep", "--resume", killed.toString());
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.err().contains("1 of 2 trials already finished"), resumed.err());
        assertTrue(resumed.err().contains("continuing after epoch 1"), resumed.err());
        assertEquals(withoutSeconds(whole.resolve("results.csv")), withoutSeconds(killed.resolve("results.csv")));
    }

    @Test
    void resumeRefusesNewSettings(@TempDir Path tmp) {
        TestData.Run r = TestData.nabla("sweep", "--resume", tmp.toString(), "--param", "lr=1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("leave out --param"), r.err());
    }

    private static String threadsOf(Path sweepDir) throws Exception {
        Map<String, Object> plan = Json.parseObject(Files.readString(sweepDir.resolve("sweep.json")), "plan");
        return String.valueOf(((Number) plan.get("threads_per_trial")).intValue());
    }

    /** The CSV without its seconds column (timings differ from run to run; everything else must not). */
    private static List<String> withoutSeconds(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        int col = List.of(lines.get(0).split(",")).indexOf("seconds");
        return lines.stream().map(l -> {
            String[] cells = l.split(",", -1);
            cells[col] = "";
            return String.join(",", cells);
        }).toList();
    }

    @Test
    void aSymlinkedTrialFolderIsRefused(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sweep"), elsewhere = tmp.resolve("elsewhere");
        Files.createDirectories(out);
        Files.createDirectories(elsewhere);
        Files.createSymbolicLink(out.resolve("trial-02"), elsewhere);
        TestData.Run r = TestData.nabla("sweep", "--data", TestData.synthetic().toString(), "--out", out.toString(),
                "--model", "softmax", "--epochs", "1", "--param", "lr=0.1,0.2");
        assertEquals(2, r.exit(), r.err());
        assertEquals("nabla sweep: " + out.resolve("trial-02") + " is a symbolic link (to " + elsewhere + "); a trial's"
                + " files must stay inside the sweep folder: remove the link\n", r.err());
        try (var files = Files.list(elsewhere)) {
            assertEquals(0, files.count(), "a trial was written through the link");
        }
    }

    private static void deleteTree(Path p) throws Exception {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
