package dev.nabla.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fault injection: the {@code nabla} command in a separate JVM with a 256 MB heap, on each of {@link HostileFiles}.
 * Each must end with exit 2 and one line on stderr; nothing of the declared size may be allocated first, which
 * under this heap would end in an {@link OutOfMemoryError}. The timeout only guards against a hang.
 */
@Tag("slow")
class HostileFilesTest {

    private static final long HEAP = 256L << 20;
    private static final long HANG_GUARD_SECONDS = 120;

    private static Path dir;
    private static List<HostileFiles.Case> cases;

    @BeforeAll
    static void writeTheFiles() throws IOException {
        dir = Files.createTempDirectory("nabla-hostile");
        cases = HostileFiles.write(dir, HEAP);
    }

    @AfterAll
    static void deleteTheFiles() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    static List<String> caseNames() {
        // the names only; the files are written once, before the first case runs
        return List.of("idx-gz-header-claims-2.7M-images", "idx-raw-beyond-the-heap", "model-metadata-hidden-2000000",
                "png-20000x20000", "npy-beyond-the-heap", "gradcheck-label-10000000", "yaml-alias-expansion",
                "hidden-1048576");
    }

    @ParameterizedTest
    @MethodSource("caseNames")
    void isRefusedWithExitTwoAndOneLineUnderASmallHeap(String name) throws Exception {
        HostileFiles.Case c = cases.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + (HEAP >> 20) + "m", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(c.args());
        Path out = dir.resolve(name + ".out"), err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) fail(name + ": still running after " + HANG_GUARD_SECONDS + " s");
        } finally {
            p.destroyForcibly();
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), name + ": " + stderr);
        List<String> lines = stderr.lines().toList();
        assertEquals(1, lines.size(), name + ": " + stderr);
        assertTrue(lines.get(0).contains(c.refusal()), name + ": " + stderr);
    }
}
