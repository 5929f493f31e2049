package dev.nabla.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A sweep's results.csv without the seconds column: what must not depend on where the trials ran. */
final class SweepTables {
    private SweepTables() {}

    static String withoutSeconds(Path sweepDir) {
        try {
            List<String> lines = Files.readAllLines(sweepDir.resolve("results.csv"));
            int col = List.of(lines.get(0).split(",")).indexOf("seconds");
            StringBuilder sb = new StringBuilder();
            for (String line : lines) {
                String[] cells = line.split(",", -1);
                for (int i = 0; i < cells.length; i++) if (i != col) sb.append(cells[i]).append(i + 1 < cells.length ? "," : "");
                sb.append('\n');
            }
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
