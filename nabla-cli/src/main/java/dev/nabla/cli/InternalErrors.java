package dev.nabla.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Reports an internal error (a bug, not a mistake in the input) in one line: what was thrown and the file its
 * stack trace was written to, so that the trace can be attached to a bug report without filling the terminal.
 */
final class InternalErrors {
    private InternalErrors() {}

    /**
     * Prints one line for {@code t} to {@code err}; with {@code debug} the stack trace follows it, otherwise the
     * trace goes to a new file {@code nabla-error-<time>-<pid>.txt} in the temporary directory.
     */
    static void report(String where, Throwable t, boolean debug, PrintWriter err) {
        String what = where + ": internal error: " + t.getClass().getName() + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()));
        if (debug) {
            err.println(what);
            t.printStackTrace(err);
        } else {
            String trace = stackTrace(t);
            try {
                Path file = writeTrace(where, trace);
                err.println(what + " (stack trace in " + file + "; --debug prints it)");
            } catch (IOException | RuntimeException e) {
                err.println(what + " (the stack trace could not be written to a file: " + e.getMessage() + ")");
                err.print(trace);
            }
        }
        err.flush();
    }

    private static Path writeTrace(String where, String trace) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        Path file = Files.createTempFile(dir, "nabla-error-" + stamp + "-" + ProcessHandle.current().pid() + "-", ".txt");
        String header = where + " (Java " + Runtime.version() + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ")\n";
        Files.writeString(file, header + trace, StandardCharsets.UTF_8);
        return file;
    }

    private static String stackTrace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
