package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * examples/java/MnistMlp.java, the README's complete library program, compiled and run as a user would: against
 * the nabla-core jar that the build produced, nothing else on the class path, in a JVM of its own.
 */
class JavaExampleTest {
    @TempDir
    Path tmp;

    @Test
    void theExampleProgramCompilesAgainstTheJarTrainsSavesLoadsAndEvaluates() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path source = root.resolve("examples/java/MnistMlp.java");
        Path jar = root.resolve("nabla-core/target/nabla-core-0.1.0.jar");
        assertTrue(Files.isRegularFile(jar), "the nabla-core jar is built before nabla-cli's tests: " + jar);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        int compiled = javac.run(null, diagnostics, diagnostics,
                "--release", "21", "-cp", jar.toString(), "-d", classes.toString(), source.toString());
        assertEquals(0, compiled, diagnostics.toString(StandardCharsets.UTF_8));

        Path out = tmp.resolve("out");
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(javaBin.toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", jar + java.io.File.pathSeparator + classes, "MnistMlp",
                TestData.realMnist().toString(), out.toString(), "1"))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("output.txt").toFile()).start();
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished) p.destroyForcibly().waitFor();
        String output = Files.readString(tmp.resolve("output.txt"));
        if (!finished) fail("the example did not finish within 5 minutes: " + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("epoch 1: train loss "), output);
        Matcher m = Pattern.compile("test accuracy (0\\.\\d+) of the model in (.+)").matcher(output);
        assertTrue(m.find(), output);
        assertTrue(Double.parseDouble(m.group(1)) > 0.9, "one epoch of a 784-128-10 ReLU network: " + output);
        assertTrue(Files.isRegularFile(out.resolve("net.safetensors")), output);
    }
}
