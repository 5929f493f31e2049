package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.data.FetchException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.UncheckedIOException;

/** The {@code nabla} command: one subcommand per class; exit codes 0 done, 1 the run failed, 2 bad input. */
@Command(name = "nabla", mixinStandardHelpOptions = true, version = "nabla 0.1.0",
        description = "Deep learning from first principles on the JVM: train, evaluate and study MNIST models.",
        subcommands = {
                CommandLine.HelpCommand.class,
                TrainCommand.class,
                SweepCommand.class,
                ExperimentCommand.class,
                EvalCommand.class,
                PredictCommand.class,
                GradCheckCommand.class,
                AutodiffDemoCommand.class,
                BenchCommand.class,
                DataCommand.class,
                dev.nabla.cli.board.BoardCommand.class,
        })
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * Builds the command line with nabla's error handling: a user mistake (a bad option, file or value) prints
     * one message naming it and exits 2 (a bad option also prints a hint to the command's help); a failed fetch
     * or an unwritable file prints its message and exits 1. Neither prints a stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            String where = cmd.getCommandSpec().qualifiedName();
            if (t instanceof InputException || t instanceof IllegalArgumentException) {
                cmd.getErr().println(where + ": " + t.getMessage());
                cmd.getErr().flush();
                return EXIT_USAGE;
            }
            if (t instanceof FetchException || t instanceof UncheckedIOException) {
                String cause = t instanceof UncheckedIOException u && u.getCause() != null
                        ? ": " + u.getCause().getMessage() : "";
                cmd.getErr().println(where + ": " + t.getMessage() + cause);
                cmd.getErr().flush();
                return EXIT_FAILED;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            String where = cmd.getCommandSpec().qualifiedName();
            cmd.getErr().println(where + ": " + ex.getMessage());
            cmd.getErr().println("see " + where + " --help");
            cmd.getErr().flush();
            return EXIT_USAGE;
        });
        return cl;
    }

    public static void main(String[] args) {
        // charts and image reading need no display
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }
}
