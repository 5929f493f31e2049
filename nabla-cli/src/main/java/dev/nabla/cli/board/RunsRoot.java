package dev.nabla.cli.board;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The folder the board serves, and the only way to turn a name from a request into a path: a relative name
 * made of plain segments (no {@code ..}, no {@code .}, no absolute path, no backslash), whose real path (links
 * resolved) is still inside the folder. A symbolic link that points outside is refused like {@code ..}.
 */
final class RunsRoot {

    /** A request for something outside the runs folder, or for something that is not there. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final Path real;

    RunsRoot(Path dir) {
        try {
            this.real = dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the runs folder " + dir, e);
        }
    }

    /** The folder, links resolved. */
    Path dir() {
        return real;
    }

    /** The name of {@code p} (a path inside the folder) as the page uses it: segments joined by '/'. */
    String idOf(Path p) {
        Path rel = real.relativize(p);
        return rel.toString().replace(p.getFileSystem().getSeparator(), "/");
    }

    /**
     * The path named by {@code id} (an empty id is the folder itself).
     *
     * @throws Refused 403 when the name leaves the folder, 404 when nothing is there
     */
    Path resolve(String id) {
        if (id == null) throw new Refused(400, "missing name");
        if (id.isEmpty()) return real;
        if (id.length() > 4096 || id.indexOf('\\') >= 0 || id.indexOf('\0') >= 0 || id.startsWith("/")) {
            throw new Refused(403, "refused: " + printable(id) + " is not a name inside the runs folder");
        }
        for (String seg : id.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new Refused(403, "refused: " + printable(id) + " is not a name inside the runs folder");
            }
        }
        Path p = real.resolve(id).normalize();
        if (!p.startsWith(real) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(404, "not found: " + printable(id));
        }
        Path target;
        try {
            target = p.toRealPath();
        } catch (IOException e) {
            throw new Refused(404, "not found: " + printable(id));
        }
        if (!target.startsWith(real)) {
            throw new Refused(403, "refused: " + printable(id) + " leads outside the runs folder");
        }
        return target;
    }

    private static String printable(String s) {
        String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
