package dev.nabla.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Without jdk.incubator.vector the default kernels are the scalar ones, and one WARNING line says so and why. */
class ScalarFallbackTest {

    /** Prints the default kernels' name and runs a GEMM on them. */
    public static final class Probe {
        public static void main(String[] args) {
            float[] c = new float[4];
            Kernels.get().gemm(false, false, 2, 2, 2, 1f, new float[] {1, 2, 3, 4}, 0, 2, new float[] {1, 0, 0, 1}, 0, 2,
                    0f, c, 0, 2);
            ExecutionContext.current(); // a second look logs nothing more
            System.out.println(Kernels.get().name() + " " + c[3]);
        }
    }

    @Test
    void withoutTheVectorModuleOneWarningNamesTheFlagAndTheCost() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Probe.class.getName())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertEquals("scalar 4.0", out.strip());
        List<String> warnings = err.lines().filter(l -> l.contains("WARNING")).toList();
        assertEquals(1, warnings.size(), err);
        String w = warnings.get(0);
        assertTrue(w.contains("--add-modules jdk.incubator.vector") && w.contains(KernelProvider.SCALAR_COST), w);
    }
}
