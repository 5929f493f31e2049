package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.cli.experiment.RandomLabelsCommand;
import dev.nabla.datasets.mnist.FetchException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The {@code nabla} command: one subcommand per class; exit codes 0 done, 1 the run failed (or an internal
 * error), 2 bad input.
 */
@Command(name = "nabla", mixinStandardHelpOptions = true, version = "nabla 0.1.0",
        description = "Deep learning from first principles on the JVM: train, evaluate and study MNIST models.")
public final class Main implements Runnable {

    /** The commands, in the order {@code --help} lists them. */
    private static final List<Class<?>> COMMANDS = List.of(
            CommandLine.HelpCommand.class,
            TrainCommand.class,
            SweepCommand.class,
            ExperimentCommand.class,
            EvalCommand.class,
            PredictCommand.class,
            DescribeCommand.class,
            ExportCommand.class,
            GradCheckCommand.class,
            AutodiffDemoCommand.class,
            BenchCommand.class,
            DataCommand.class,
            dev.nabla.cli.board.BoardCommand.class);

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On an internal error, print the stack trace instead of writing it to a file.")
    boolean debug;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * Builds the command line with nabla's error handling, which never shows a user a stack trace for their own
     * mistake:
     * <ul>
     *   <li>exit 2: the input is wrong ({@link InputException}, or a bad option, which also prints a hint to the
     *       command's help): one line naming the file, key, shape or value;</li>
     *   <li>exit 1: the run failed (a fetch, an unwritable file): one line with the cause;</li>
     *   <li>exit 1: an internal error (any other exception: a bug in nabla, not in the input): one line naming the
     *       exception and the file its stack trace was written to, or with {@code --debug} the trace itself.</li>
     * </ul>
     */
    public static CommandLine commandLine() {
        return withCommands(COMMANDS);
    }

    /**
     * The command line for {@code args}: where they name a command, only that one is built. Building every
     * command (about 170 classes with their options) took most of a short command's start; any other command line
     * ({@code --help}, {@code help train}, a misspelt command that gets suggestions) gets them all, so it behaves
     * exactly as {@link #commandLine()}.
     */
    public static CommandLine commandLine(String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return withCommands(List.of()); // the version alone needs no command
        }
        int first = 0;
        while (first < args.length && args[first].equals("--debug")) first++; // nabla's one option before a command
        if (first < args.length && !args[first].equals("help")) {
            for (Class<?> command : COMMANDS) {
                Command c = command.getAnnotation(Command.class);
                if (c.name().equals(args[first]) || List.of(c.aliases()).contains(args[first])) {
                    return withCommands(List.of(command));
                }
            }
        }
        return withCommands(COMMANDS);
    }

    private static CommandLine withCommands(List<Class<?>> commands) {
        CommandLine cl = new CommandLine(new Main());
        // built on their own first: picocli applies a command's model transformers (the settings' options) only
        // to a command line constructed from it
        for (Class<?> command : commands) cl.addSubcommand(new CommandLine(command));
        // a command's kernel options (its ExecutionContext) end with it, also when commands run in one JVM
        cl.setExecutionStrategy(parsed -> {
            try (var commandScope = dev.nabla.kernel.ExecutionContext.mark()) {
                return new CommandLine.RunLast().execute(parsed);
            }
        });
        CommandLine experiment = cl.getSubcommands().get("experiment");
        if (experiment != null) {
            RandomLabelsCommand.describeOwnDefaults(experiment.getSubcommands().get("random-labels").getCommandSpec());
        }
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            String where = cmd.getCommandSpec().qualifiedName();
            PrintWriter err = cmd.getErr();
            if (t instanceof InputException) {
                err.println(where + ": " + t.getMessage());
                err.flush();
                return EXIT_USAGE;
            }
            if (t instanceof FetchException || t instanceof UncheckedIOException) {
                String cause = t instanceof UncheckedIOException u && u.getCause() != null
                        ? ": " + u.getCause().getMessage() : "";
                err.println(where + ": " + t.getMessage() + cause);
                err.flush();
                return EXIT_FAILED;
            }
            InternalErrors.report(where, t, debugRequested(parsed), err);
            return EXIT_FAILED;
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

    /** Whether {@code --debug} was given, before the subcommand or after it. */
    private static boolean debugRequested(ParseResult parsed) {
        for (ParseResult r = parsed; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--debug")) return true;
        }
        return false;
    }

    public static void main(String[] args) {
        // charts and image reading need no display
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        System.exit(commandLine(args).execute(args));
    }
}
