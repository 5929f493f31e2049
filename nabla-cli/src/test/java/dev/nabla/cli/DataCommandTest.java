package dev.nabla.cli;

import dev.nabla.datasets.mnist.MnistFetcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataCommandTest {

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void fetchFromAFolderThenInfoDescribesTheData() {
        Path mnist = TestData.realMnist();
        Path data = tmp.resolve("mnist");
        Run fetch = run("data", "fetch", "--data", data.toString(), "--from", mnist.toString());
        assertEquals(0, fetch.code(), fetch.err());
        assertEquals(data.toString(), fetch.out().strip(), "stdout holds only the folder");
        assertTrue(fetch.err().contains("MNIST is ready in " + data), fetch.err());

        Run info = run("data", "info", "--data", data.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("train-images-idx3-ubyte      SHA-256 ok"), info.out());
        assertTrue(info.out().contains("training file: 60000 images of 28x28, split 48000 train + 12000 validation"), info.out());
        assertTrue(info.out().contains("test           980   1135   1032   1010    982    892    958   1028    974   1009"),
                info.out());
    }

    @Test
    void failuresExitWithOneAndBadInputWithTwo() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run fetch = run("data", "fetch", "--data", tmp.resolve("d").toString(), "--from", empty.toString());
        assertEquals(Main.EXIT_FAILED, fetch.code());
        assertTrue(fetch.err().contains("could not fetch train-images-idx3-ubyte"), fetch.err());

        Run missing = run("data", "fetch", "--data", tmp.resolve("d").toString(), "--from", tmp.resolve("nope").toString());
        assertEquals(Main.EXIT_USAGE, missing.code());
        assertTrue(missing.err().contains("--from " + tmp.resolve("nope") + ": no such folder"), missing.err());

        Run info = run("data", "info", "--data", empty.toString());
        assertEquals(Main.EXIT_USAGE, info.code());
        assertTrue(info.err().contains(empty + ": no MNIST files found"), info.err());
    }

    @Test
    void infoTakesTheFolderAsItsArgument() {
        Path dir = TestData.synthetic();
        Run info = run("data", "info", dir.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().startsWith("data in " + dir + " (idx files)"), info.out());
        Run both = run("data", "info", dir.toString(), "--data", tmp.toString());
        assertEquals(Main.EXIT_USAGE, both.code());
        assertEquals("nabla data info: give the folder once: " + dir + " or --data " + tmp + "\n", both.err());
    }

    @Test
    void aFetchNamesTheSourceThatFailedAndTheOneUsedInstead() {
        Path mnist = TestData.realMnist();
        StringWriter log = new StringWriter();
        DataCommand.ProgressLine progress = new DataCommand.ProgressLine(new PrintWriter(log, true), false);
        String closed = "http://127.0.0.1:9/mnist/"; // the discard port: nothing listens there
        new MnistFetcher(tmp.resolve("d"), List.of(MnistFetcher.Source.mirror(closed), MnistFetcher.Source.folder(mnist)),
                progress).ensure();
        progress.finish();
        List<String> lines = log.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("  " + closed + ": cannot connect ("), log.toString());
        assertEquals("  " + closed + " could not be reached; using " + mnist + " instead", lines.get(1));
        assertEquals(1, lines.stream().filter(l -> l.contains(closed + ":")).count(), "one line per failed source: " + log);
        assertEquals("4 files from " + mnist, progress.summary());
    }
}
