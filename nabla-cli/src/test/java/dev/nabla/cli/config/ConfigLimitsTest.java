package dev.nabla.cli.config;

import dev.nabla.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A config is small: its length, nesting, aliases and the values its aliases expand to are bounded. */
class ConfigLimitsTest {

    @TempDir
    Path tmp;

    private static String message(String yaml) {
        return assertThrows(InputException.class, () -> ConfigLoader.parse(RunConfig.defaults(), yaml, "c.yaml"))
                .getMessage();
    }

    @Test
    void aliasesThatWouldExpandToMillionsOfValuesAreRefused() {
        // 3^16 = 43 million values from 48 aliases, below SnakeYAML's default limit of 50
        StringBuilder y = new StringBuilder("hidden:\n  - &a0 [1, 1, 1]\n");
        for (int i = 1; i <= 16; i++) {
            y.append("  - &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append(", *a")
                    .append(i - 1).append("]\n");
        }
        String m = message(y.toString());
        assertTrue(m.startsWith("c.yaml: not valid YAML: Number of aliases for non-scalar nodes exceeds the specified max="
                + ConfigLoader.MAX_ALIASES), m);
    }

    @Test
    void theExpandedValuesAreCountedUpToTheBoundOnly() {
        // one shared list referenced from many places, as aliases make it: counted as often as it is reached
        List<Object> shared = new ArrayList<>();
        for (int i = 0; i < 100; i++) shared.add(1);
        List<Object> top = new ArrayList<>();
        for (int i = 0; i < 1000; i++) top.add(shared);
        String m = assertThrows(InputException.class,
                () -> ConfigLoader.checkExpandedSize(Map.of("hidden", top), "c.yaml")).getMessage();
        assertEquals("c.yaml: the YAML expands to more than " + ConfigLoader.MAX_VALUES
                + " values (through its aliases); a config has a few dozen", m);
        ConfigLoader.checkExpandedSize(Map.of("hidden", List.of(128)), "c.yaml");
    }

    @Test
    void deepNestingAndHugeFilesAreRefused() throws IOException {
        String deep = "hidden: " + "[".repeat(ConfigLoader.MAX_DEPTH + 5) + "]".repeat(ConfigLoader.MAX_DEPTH + 5) + "\n";
        assertTrue(message(deep).contains("Nesting Depth exceeded max " + ConfigLoader.MAX_DEPTH), message(deep));

        Path big = tmp.resolve("big.yaml");
        try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
            raf.setLength(ConfigLoader.MAX_CHARS + 1L);
        }
        assertEquals(big + ": a config file of " + (ConfigLoader.MAX_CHARS + 1) + " bytes; configs are at most "
                        + ConfigLoader.MAX_CHARS + " bytes (a few hundred is usual)",
                assertThrows(InputException.class, () -> ConfigLoader.load(big)).getMessage());
    }
}
