package dev.nabla.cli;

import dev.nabla.cli.run.RunLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One run per folder: a second run is refused naming the first, a dead run's lock is taken over, and a resume refuses a config that is not its checkpoint's. */
class RunFolderLockTest {

    @TempDir
    Path tmp;

    private static TestData.Run train(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", TestData.synthetic().toString(),
                "--out", out.toString(), "--model", "softmax", "--epochs", "1"));
        args.addAll(List.of(more));
        return nabla(args.toArray(String[]::new));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aRunOnAFolderAnotherProcessHoldsIsRefusedAndADeadProcessesLockIsTakenOver() throws Exception {
        Path out = tmp.resolve("run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), out.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", r.readLine());
            TestData.Run refused = train(out);
            assertEquals(2, refused.exit(), refused.err());
            assertTrue(refused.err().startsWith("nabla train: " + out + " is in use by pid " + holder.pid() + " on "),
                    refused.err());
            assertTrue(refused.err().contains(", nabla train, since "), refused.err());
            assertEquals(1, refused.err().lines().count(), refused.err());
            assertTrue(!Files.exists(out.resolve("config.yaml")), "the refused run wrote into the folder");
        } finally {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
        // killed, its lock is gone with it; its note remains in the file and is named when taken over
        TestData.Run taken = train(out);
        assertEquals(0, taken.exit(), taken.err());
        assertTrue(taken.err().contains("note: taking over " + out + " from pid " + holder.pid() + " on "), taken.err());
        assertEquals("", Files.readString(out.resolve(RunLock.FILE)), "a finished run leaves the lock free");
    }

    @Test
    void aSecondRunInTheSameProcessIsRefusedToo() {
        Path out = tmp.resolve("run");
        try (RunLock held = RunLock.acquire(out, "nabla sweep")) {
            TestData.Run r = train(out);
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains("is in use by pid " + ProcessHandle.current().pid()), r.err());
            TestData.Run s = nabla("sweep", "--data", TestData.synthetic().toString(), "--out", out.toString(),
                    "--param", "lr=0.1,0.2", "--epochs", "1", "--model", "softmax");
            assertEquals(2, s.exit(), s.err());
            assertTrue(s.err().startsWith("nabla sweep: " + out + " is in use by pid "), s.err());
        }
    }

    @Test
    void resumeRefusesAConfigThatIsNotItsCheckpoints() throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, train(out, "--lr", "0.1").exit());
        Path cfg = out.resolve("config.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("lr: 0.1", "lr: 0.5").replace("seed: 1024", "seed: 7"));
        TestData.Run r = nabla("train", "--resume", out.toString(), "--epochs", "2");
        assertEquals(2, r.exit(), r.err());
        assertEquals("nabla train: " + out + ": config.yaml no longer matches the config its checkpoint.safetensors was"
                + " trained with, in lr (config.yaml: 0.5, checkpoint: 0.1); seed (config.yaml: 7, checkpoint: 1024);"
                + " restore config.yaml or start a new run\n", r.err());
    }
}
