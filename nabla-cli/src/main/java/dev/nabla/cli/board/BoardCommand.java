package dev.nabla.cli.board;

import dev.nabla.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code nabla board}: serves the runs folder as a web page until stopped. This class names no server type,
 * so that listing the commands does not load the server ({@link BoardServer} is loaded only when a board
 * starts).
 */
@Command(name = "board", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Serve the runs and sweeps in a folder as a web page.",
        description = {
                "Show the runs and sweeps in a folder as a web page: the runs list, live",
                "curves, sweep tables, each model's errors and weights, and a canvas to",
                "draw digits for the model to classify. Read-only; serves nothing outside",
                "the folder.",
                ""},
        footer = {"", "Example:", "  nabla board runs", "  then open http://127.0.0.1:6006/",
                "Exit codes: 0 stopped, 2 bad input."})
public final class BoardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUNS_DIR", defaultValue = "runs",
            description = "the folder with the run and sweep folders (default: ${DEFAULT-VALUE})")
    Path runs;

    @Option(names = "--port", defaultValue = "6006", description = "port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 lets other machines in)")
    String host;

    @Option(names = "--data", paramLabel = "DIR",
            description = "MNIST folder for the model pages of runs that did not record theirs (default: the cache)")
    Path data;

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isDirectory(runs)) {
            throw new InputException(runs + ": no such folder (expected the folder nabla train and nabla sweep write"
                    + " their runs into)");
        }
        if (port < 0 || port > 65535) throw new InputException("--port " + port + ": expected 0 to 65535");
        if (data != null && !Files.isDirectory(data)) throw new InputException("--data " + data + ": no such folder");
        BoardServer server;
        try {
            server = BoardServer.start(runs, data, host, port);
        } catch (RuntimeException e) {
            throw new InputException("cannot listen on " + host + ":" + port + ": " + rootMessage(e));
        }
        PrintWriter out = spec.commandLine().getOut();
        String shown = host.contains(":") ? "[" + host + "]" : host;
        out.println("nabla board: " + server.runsDir() + " at http://" + shown + ":" + server.port() + "/ (Ctrl-C stops)");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "nabla-board-stop"));
        stopped.await();
        return 0;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
