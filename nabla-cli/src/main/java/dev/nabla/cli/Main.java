package dev.nabla.cli;

import dev.nabla.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nabla} command: one subcommand per class; exit codes 0 done, 1 the run failed, 2 bad input. */
@Command(name = "nabla", mixinStandardHelpOptions = true, version = "nabla 0.1.0",
        description = "Deep learning from first principles on the JVM: train, evaluate and study MNIST models.",
        subcommands = {
                CommandLine.HelpCommand.class,
                AutodiffDemoCommand.class,
                BenchCommand.class,
                DataCommand.class,
        })
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Builds the command line with nabla's error handling: user mistakes print one message, exit 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            String where = cmd.getCommandSpec().qualifiedName();
            if (t instanceof InputException || t instanceof IllegalArgumentException) {
                cmd.getErr().println(where + ": " + t.getMessage());
                return EXIT_USAGE;
            }
            if (t instanceof dev.nabla.data.FetchException) {
                cmd.getErr().println(where + ": " + t.getMessage());
                return EXIT_FAILED;
            }
            throw ex;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
