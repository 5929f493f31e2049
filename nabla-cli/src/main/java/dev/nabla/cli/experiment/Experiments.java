package dev.nabla.cli.experiment;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** What the experiment commands share: their default output folder and how they print their report. */
final class Experiments {
    private Experiments() {
    }

    /** {@code runs/<name>-<yyyyMMdd-HHmmss>}. */
    static Path defaultOut(String name) {
        return Path.of("runs", name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** The JSON report (--json) or the table and finding, then where the results are. */
    static void print(PrintWriter stdout, boolean json, String jsonText, String text, Path dir) {
        if (json) {
            stdout.println(jsonText);
        } else {
            stdout.println(text);
            stdout.println("results: " + dir);
        }
        stdout.flush();
    }
}
