package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code nabla} builds only the command its arguments name ({@link Main#commandLine(String...)}): that command then
 * says and does exactly what it does on the full command line, and every other command line gets all commands.
 */
class CommandNamedTest {

    private static TestData.Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new TestData.Run(code, out.toString(), err.toString());
    }

    @Test
    void aNamedCommandBehavesAsOnTheFullCommandLine() {
        for (String[] args : new String[][] {
                {"train", "--help"},
                {"train", "--epochs", "0"},
                {"--debug", "train", "--workers", "x"},
                {"train", "--debug", "--val-fraction", "2", "--data", "/nonexistent"},
                {"bench", "gemm", "--threads", "0"},
                {"bench", "--help"},
                {"experiment", "random-labels", "--help"},
                {"experiment", "no-such-experiment"},
                {"eval"},
                {"data", "--help"}}) {
            TestData.Run full = run(Main.commandLine(), args);
            TestData.Run named = run(Main.commandLine(args), args);
            String line = String.join(" ", args);
            assertEquals(full.exit(), named.exit(), line);
            assertEquals(full.out(), named.out(), line);
            assertEquals(full.err(), named.err(), line);
        }
    }

    @Test
    void onlyTheNamedCommandIsBuilt() {
        assertEquals(Set.of("train"), Main.commandLine("train", "--epochs", "3").getSubcommands().keySet());
        assertEquals(Set.of("bench"), Main.commandLine("--debug", "bench", "gemm").getSubcommands().keySet());
        assertEquals(Set.of(), Main.commandLine("--version").getSubcommands().keySet());
        assertEquals(run(Main.commandLine(), "-V"), run(Main.commandLine("-V"), "-V"));
    }

    @Test
    void everyOtherCommandLineGetsAllCommands() {
        int all = Main.commandLine().getSubcommands().size();
        for (String[] args : new String[][] {{}, {"--help"}, {"--version", "train"}, {"help", "train"}, {"trian"}, {"-h", "train"}}) {
            assertEquals(all, Main.commandLine(args).getSubcommands().size(), String.join(" ", args));
            TestData.Run full = run(Main.commandLine(), args);
            TestData.Run named = run(Main.commandLine(args), args);
            assertEquals(full, named, String.join(" ", args));
        }
    }
}
