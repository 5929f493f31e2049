package dev.nabla.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented commands write under runs/ (which git ignores), never into the repository's root. */
class ReadmeExamplesTest {

    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isRegularFile(p.resolve("nabla"))) return p;
        }
        throw new AssertionError("no README.md above " + Path.of("").toAbsolutePath());
    }

    // an option that names a file or folder to write, or a shell redirection
    private static final Pattern OUTPUT = Pattern.compile("(?:--out|--save-grads|--dot|--report|--onnx|-o|>)\\s+(\\S+)");

    @Test
    void documentedCommandsWriteUnderRunsOrExamples() throws IOException {
        Path root = repoRoot();
        List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> s = Files.list(root.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
        }
        int commands = 0;
        List<String> bad = new ArrayList<>();
        for (Path doc : docs) {
            boolean inCode = false;
            String previous = "";
            for (String line : Files.readAllLines(doc)) {
                if (line.startsWith("```")) {
                    inCode = !inCode;
                    continue;
                }
                String cmd = line.strip().replaceFirst("^\\$ ", "");
                boolean continued = previous.endsWith("\\");
                previous = cmd;
                if (!inCode || !(cmd.startsWith("./nabla ") || cmd.startsWith("dot ") || continued)) continue;
                commands++;
                Matcher m = OUTPUT.matcher(cmd);
                while (m.find()) {
                    String target = m.group(1);
                    if (!target.startsWith("runs/") && !target.startsWith("examples/") && !target.startsWith("/tmp/")) {
                        bad.add(root.relativize(doc) + ": " + cmd);
                    }
                }
            }
        }
        assertTrue(commands > 20, "found only " + commands + " documented commands");
        assertEquals(List.of(), bad, "commands that write outside runs/");
        assertTrue(Files.readAllLines(root.resolve(".gitignore")).contains("runs/"), "git must ignore runs/");
    }
}
