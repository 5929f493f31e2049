package dev.nabla.spark;

import dev.nabla.cli.CliForTests;
import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The weight agnostic network search scored in embedded Spark tasks ({@code --spark local[2]}) and on one thread. */
class WannSparkSearchTest {

    private static String[] wann(Path out, String... scoring) {
        String[] base = {"experiment", "wann", "--data", CliForTests.syntheticMnist().toString(), "--out", out.toString(),
                "--population", "12", "--generations", "4", "--batch", "150", "--elites", "2", "--json"};
        String[] args = new String[base.length + scoring.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(scoring, 0, args, base.length, scoring.length);
        return CliForTests.nabla(args);
    }

    @Test
    void sparkTasksGiveTheSameGenomesAndScoresAsOneThread(@TempDir Path tmp) throws Exception {
        Path local = tmp.resolve("local"), spark = tmp.resolve("spark");
        String[] l = wann(local, "--threads", "1");
        assertEquals("0", l[0], l[2]);
        String[] s = wann(spark, "--spark", "local[2]");
        assertEquals("0", s[0], s[2]);
        assertTrue(s[2].contains("scored on Spark local[2] (2 task slots)"), s[2]);
        Map<String, Object> a = Json.parseObject(l[1], "local"), b = Json.parseObject(s[1], "spark");
        for (String key : new String[]{"best", "size_front", "generations", "settings"}) {
            assertEquals(Json.write(a.get(key)), Json.write(b.get(key)), key);
        }
        Map<String, Object> ca = Json.parseObject(Files.readString(local.resolve("checkpoint.json")), "local"),
                cb = Json.parseObject(Files.readString(spark.resolve("checkpoint.json")), "spark");
        assertEquals(Json.write(ca.get("population")), Json.write(cb.get("population")), "the final population");
        assertEquals(Json.write(ca.get("history")), Json.write(cb.get("history")));
    }

    @Test
    void threadsAndSparkTogetherAreAUsageError(@TempDir Path tmp) {
        String[] r = wann(tmp.resolve("x"), "--threads", "2", "--spark", "local[2]");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("--threads and --spark"), r[2]);
    }
}
