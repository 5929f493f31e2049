package dev.nabla.cli;

import dev.nabla.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exit code 2 means the input was wrong, and only that: a bug inside nabla (here an IllegalArgumentException from
 * deep inside a command) exits 1 with one line that says where its stack trace went.
 */
class ExitCodesTest {

    @TempDir
    Path dir;

    /** A command that fails as {@code failure} says: "input" with an InputException, "bug" with an internal error. */
    @Command(name = "fail")
    static final class Fail implements Runnable {
        @CommandLine.Parameters(index = "0")
        String failure;

        @Override
        public void run() {
            if (failure.equals("input")) throw new InputException("settings.yaml: lr -1 is not allowed: expected a number > 0");
            throw new IllegalArgumentException("expand: cannot broadcast [3] to [2]\nsecond line");
        }
    }

    private static TestData.Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.addSubcommand(new Fail());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new TestData.Run(code, out.toString(), err.toString());
    }

    private static final Pattern INTERNAL = Pattern.compile(
            "nabla fail: internal error: java\\.lang\\.IllegalArgumentException: expand: cannot broadcast \\[3\\] to \\[2\\] "
                    + "\\(stack trace in (.+nabla-error-[^ ]+\\.txt); --debug prints it\\)\n");

    @Test
    void inputErrorExitsTwoWithOneLine() {
        TestData.Run r = run("fail", "input");
        assertEquals(2, r.exit());
        assertEquals("nabla fail: settings.yaml: lr -1 is not allowed: expected a number > 0\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void internalErrorExitsOneWithOneLineNamingTheTraceFile() throws IOException {
        TestData.Run r = run("fail", "bug");
        assertEquals(1, r.exit(), r.err());
        Matcher m = INTERNAL.matcher(r.err());
        assertTrue(m.matches(), r.err());
        Path trace = Path.of(m.group(1));
        try {
            assertTrue(Files.isRegularFile(trace), trace + " should hold the stack trace");
            String text = Files.readString(trace);
            assertTrue(text.contains("java.lang.IllegalArgumentException: expand: cannot broadcast [3] to [2]"), text);
            assertTrue(text.contains("at dev.nabla.cli.ExitCodesTest$Fail.run("), text);
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    @Test
    void debugPrintsTheTraceInsteadOfWritingAFile() {
        for (String[] args : new String[][] {{"fail", "bug", "--debug"}, {"--debug", "fail", "bug"}}) {
            TestData.Run r = run(args);
            assertEquals(1, r.exit());
            String[] lines = r.err().split("\n");
            assertEquals("nabla fail: internal error: java.lang.IllegalArgumentException: expand: cannot broadcast [3] to [2]", lines[0]);
            assertTrue(r.err().contains("\n\tat dev.nabla.cli.ExitCodesTest$Fail.run(") && lines.length > 3, r.err());
            assertTrue(lines[1].startsWith("java.lang.IllegalArgumentException: expand: cannot broadcast"), r.err());
            assertFalse(r.err().contains("nabla-error-"), r.err());
        }
    }

    @Test
    void badOptionValuesOfRealCommandsExitTwo() {
        for (String[] args : new String[][] {
                {"bench", "gemm", "--threads", "0"},
                {"bench", "gemm", "--repeat", "0"},
                {"bench", "gemm", "--shape", "2x3"},
                {"bench", "train", "--epochs", "0", "--data", dir.toString()}}) {
            TestData.Run r = TestData.nabla(args);
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().split("\n").length, r.err());
        }
    }
}
