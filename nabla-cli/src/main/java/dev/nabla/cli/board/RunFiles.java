package dev.nabla.cli.board;

import dev.nabla.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Defensive reading of the text files of a run folder: each read is bounded in size, a missing file is null,
 * and a damaged one becomes a {@link Damaged} with a message the page shows, never an error that escapes.
 * Symbolic links are not followed (a file inside a run folder that links elsewhere counts as missing).
 */
final class RunFiles {

    /** Largest text file the board reads (a history of 100,000 epochs is about 15 MB). */
    static final long MAX_TEXT_BYTES = 32L << 20;

    /** A file that exists but cannot be used; {@code message} names it and says why. */
    static final class Damaged extends Exception {
        Damaged(String message) {
            super(message);
        }
    }

    private RunFiles() {
    }

    /** Size and modification time of a regular file (links not followed), or null when there is none. */
    static BasicFileAttributes stat(Path f) {
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? a : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The file's text, or null when it does not exist. */
    static String text(Path f) throws Damaged {
        BasicFileAttributes a = stat(f);
        if (a == null) return null;
        if (a.size() > MAX_TEXT_BYTES) {
            throw new Damaged(f.getFileName() + " is " + a.size() + " bytes, more than the board reads ("
                    + MAX_TEXT_BYTES + ")");
        }
        try {
            return new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Damaged("cannot read " + f.getFileName() + ": " + e.getMessage());
        }
    }

    /** A JSON object file, or null when it does not exist. */
    static Map<String, Object> jsonObject(Path f) throws Damaged {
        String t = text(f);
        if (t == null) return null;
        if (t.isBlank()) throw new Damaged(f.getFileName() + " is empty");
        try {
            return Json.parseObject(t, f.getFileName().toString());
        } catch (RuntimeException e) {
            throw new Damaged(e.getMessage());
        }
    }

    /**
     * A CSV file with a header as columns: name to values, numbers parsed where they are numbers (else kept as
     * text; an empty cell is null). A last line without its newline (a file being written by a program that
     * does not write whole files) is left out; any other row with the wrong number of cells makes it damaged.
     */
    static Map<String, List<Object>> csv(Path f) throws Damaged {
        String t = text(f);
        if (t == null) return null;
        String[] lines = t.split("\n", -1);
        if (lines.length < 2 || lines[0].isBlank()) throw new Damaged(f.getFileName() + " has no header line");
        String[] header = lines[0].strip().split(",", -1);
        Map<String, List<Object>> cols = new LinkedHashMap<>();
        for (String h : header) cols.put(h.strip(), new ArrayList<>());
        if (cols.size() != header.length) throw new Damaged(f.getFileName() + ": a column name appears twice");
        int complete = lines.length - 1; // the piece after the last newline is incomplete (empty when whole)
        for (int i = 1; i < complete; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            String[] cells = line.split(",", -1);
            if (cells.length != header.length) {
                throw new Damaged(f.getFileName() + " line " + (i + 1) + " has " + cells.length + " cells, the header "
                        + header.length);
            }
            int c = 0;
            for (List<Object> col : cols.values()) col.add(cell(cells[c++].strip()));
        }
        return cols;
    }

    private static Object cell(String s) {
        if (s.isEmpty()) return null;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return s;
        }
    }

    /**
     * The {@code key: value} lines of a flat YAML file (nabla's {@code config.yaml}), comments left out; values
     * kept as text. Nested or odd lines are skipped: the board only shows the settings.
     */
    static Map<String, Object> flatYaml(Path f) throws Damaged {
        String t = text(f);
        if (t == null) return null;
        Map<String, Object> out = new LinkedHashMap<>();
        for (String line : t.split("\n")) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#") || line.startsWith(" ") || line.startsWith("\t")) continue;
            int colon = s.indexOf(':');
            if (colon <= 0) continue;
            String v = s.substring(colon + 1).strip();
            int hash = v.indexOf(" #");
            if (hash >= 0) v = v.substring(0, hash).strip();
            out.put(s.substring(0, colon).strip(), v);
        }
        return out;
    }
}
