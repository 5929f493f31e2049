package dev.nabla.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Both vector widths give the same bits. This JVM runs the CPU's widest (512-bit on an AVX-512 CPU); a second JVM
 * started with {@code -Dnabla.simd.bits=256} runs the 256-bit kernels on the same inputs. GEMM (every transpose,
 * alpha and beta, 1 and 2 threads) and the elementwise kernels must agree bit for bit; GemmTest and
 * ElementwiseKernelsTest check this JVM's width against the scalar reference, so the 256-bit path is checked too.
 * On a CPU without AVX-512 both JVMs run 256 bits, and the test checks run-to-run determinism across processes.
 */
class VectorWidthTest {

    /** Runs {@code main} in a new JVM with the test's class path and these flags; returns stdout then stderr. */
    static List<String> fork(String main, String... flags) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
        Process p = new ProcessBuilder(cmd).start();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "forked JVM did not finish: " + cmd);
        assertEquals(0, p.exitValue(), "forked JVM failed: " + cmd + "\n" + new String(err, StandardCharsets.UTF_8));
        return List.of(new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void the256BitKernelsGiveTheBitsOfThisJvmsWidth() throws Exception {
        String out = fork(KernelProbe.class.getName(), "--add-modules", "jdk.incubator.vector",
                "-Dnabla.simd.bits=256").get(0);
        List<String> lines = new ArrayList<>(out.lines().toList());
        assertEquals("simd-256", lines.remove(0), "the forked JVM's kernels");
        List<String> here = KernelProbe.lines();
        assertEquals(here.size(), lines.size());
        String width = new VectorKernels().name();
        for (int i = 0; i < here.size(); i++) assertEquals(here.get(i), lines.get(i), width + " against simd-256");
    }

    @Test
    void anUnsupportedWidthIsRejectedNamingTheProperty() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Dnabla.simd.bits=128",
                "-cp", System.getProperty("java.class.path"), KernelProbe.class.getName()).redirectErrorStream(true)
                .start();
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(p.exitValue() != 0 && all.contains("-Dnabla.simd.bits=128: expected 256 or 512"), all);
    }
}
