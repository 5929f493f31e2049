package dev.nabla.cli;

import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class AutodiffDemoCommandTest {

    /** The exact Jacobian at w = (1, 2). */
    private static final double[][] EXACT = {
        {-Math.sin(1) * Math.cos(2), -Math.cos(1) * Math.sin(2) + sig(2) * (1 - sig(2))},
        {1.0 / 3 + 2 * 1 * 2, 1.0 / 3 + 1}};

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void allThreeJacobiansMatchTheExactValuesToOneInAMillion() {
        NDArray[] j = AutodiffDemoCommand.jacobians(1, 2, 1e-6);
        for (NDArray m : j) {
            for (int r = 0; r < 2; r++) for (int c = 0; c < 2; c++) assertEquals(EXACT[r][c], m.get(r, c), 1e-6);
        }
        assertEquals(0.350176, j[2].get(0, 0), 1e-6);
        assertEquals(-0.386302, j[2].get(0, 1), 1e-6);
        assertEquals(4.333333, j[2].get(1, 0), 1e-6);
        assertEquals(1.333333, j[2].get(1, 1), 1e-6);
        assertEquals(0, AutodiffDemoCommand.maxDiff(j[1], j[2]), 1e-12, "forward and reverse agree to rounding");
    }

    @Test
    void jsonOutputHasTheThreeJacobiansRowMajor() {
        String out = run("autodiff-demo", "--json");
        assertTrue(out.startsWith("{\"numerical\": [[0.35017"), out);
        assertTrue(out.contains("\"forward\": [[0.3501754884, -0.3863019110], [4.3333333333, 1.3333333333]]"), out);
        assertTrue(out.contains("\"reverse\": [[0.3501754884, -0.3863019110], [4.3333333333, 1.3333333333]]"), out);
    }

    @Test
    void textOutputShowsBothGraphsAndWritesDot(@TempDir Path dir) throws Exception {
        Path dot = dir.resolve("g.dot");
        String out = run("autodiff-demo", "--dot", dot.toString());
        assertTrue(out.contains("sigmoid"), out);
        assertTrue(out.contains("log"), out);
        assertTrue(out.contains("The three agree"), out);
        String text = Files.readString(dot);
        assertTrue(text.startsWith("digraph") && text.contains("cluster_f1") && text.contains("cluster_f2") && text.contains("->"), text);
    }

    @Test
    void pointsOutsideTheDomainOfLnAreRefusedWithOneLine() {
        TestData.Run r = TestData.nabla("autodiff-demo", "--w1", "-3", "--w2", "1");
        assertEquals(2, r.exit());
        assertEquals("nabla autodiff-demo: --w1 -3 --w2 1: f2 takes ln(w1 + w2), which is defined only for w1 + w2 > 0"
                + " (here w1 + w2 = -2); choose w1 and w2 with a larger sum\n", r.err());
        TestData.Run zero = TestData.nabla("autodiff-demo", "--w1", "0.5", "--w2", "-0.5");
        assertEquals(2, zero.exit());
        assertTrue(zero.err().contains("(here w1 + w2 = 0)"), zero.err());
        TestData.Run step = TestData.nabla("autodiff-demo", "--step", "0");
        assertEquals(2, step.exit());
        assertEquals("nabla autodiff-demo: --step 0 is not allowed: expected a finite number > 0\n", step.err());
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.commandLine().execute(args));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
