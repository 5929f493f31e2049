package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.tools.ToolProvider;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ./nabla} launcher rebuilds only when a source changed: the script runs in a copy of the project's
 * layout with a stand-in {@code mvn} that records being called.
 */
class LauncherTest {

    @TempDir
    Path tmp;

    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("nabla")) && Files.isRegularFile(p.resolve("pom.xml"))) return p;
        }
        throw new AssertionError("no ./nabla launcher above " + Path.of("").toAbsolutePath());
    }

    private Path project;
    private Path marker;

    private void layout() throws IOException {
        project = tmp.resolve("project");
        Files.createDirectories(project.resolve("nabla-cli/src/main/java/dev"));
        Files.createDirectories(project.resolve("nabla-cli/target/generated-sources/annotations"));
        Files.copy(repoRoot().resolve("nabla"), project.resolve("nabla"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Files.writeString(project.resolve("nabla-cli/pom.xml"), "<project/>");
        Files.writeString(project.resolve("nabla-cli/src/main/java/dev/A.java"), "class A {}");
        Path old = project.resolve("nabla-cli/target/.nabla-built");
        Files.writeString(old, "");
        FileTime past = FileTime.from(Instant.now().minusSeconds(3600));
        for (Path p : new Path[]{project.resolve("pom.xml"), project.resolve("nabla-cli/pom.xml"),
                project.resolve("nabla-cli/src/main/java/dev/A.java")}) {
            Files.setLastModifiedTime(p, past);
        }
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(60)));
        marker = tmp.resolve("mvn-was-called");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\ntouch '" + marker + "'\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String launch() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", project.resolve("nabla").toString(), "--version")
                .redirectErrorStream(true);
        pb.environment().put("PATH", tmp.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        return out;
    }

    @Test
    void generatedSourcesUnderTargetDoNotTriggerARebuild() throws Exception {
        layout();
        // what a test build leaves: generated sources newer than the stamp
        Files.writeString(project.resolve("nabla-cli/target/generated-sources/annotations/Gen.java"), "class Gen {}");
        String out = launch();
        assertFalse(Files.exists(marker), "the launcher rebuilt for a file under target/:\n" + out);
        assertFalse(out.contains("building"), out);

        // a changed source does (the stand-in mvn fails, so the launcher reports a failed build)
        Files.writeString(project.resolve("nabla-cli/src/main/java/dev/A.java"), "class A { }");
        out = launch();
        assertTrue(Files.exists(marker), "a changed source did not trigger a build:\n" + out);
        assertTrue(out.contains("nabla: build failed"), out);
    }

    @Test
    void theTestCommandRefreshesTheStampWhenItPasses() throws Exception {
        layout();
        Path mvn = tmp.resolve("bin/mvn");
        // a passing mvn verify, during which a source is edited: it must still count as newer than the stamp
        Files.writeString(mvn, "#!/bin/sh\nsleep 1\ntouch '" + project.resolve("nabla-cli/src/main/java/dev/A.java") + "'\nexit 0\n");
        Path stamp = project.resolve("nabla-cli/target/.nabla-built");
        FileTime before = Files.getLastModifiedTime(stamp);
        ProcessBuilder pb = new ProcessBuilder("bash", project.resolve("nabla").toString(), "test").redirectErrorStream(true);
        pb.environment().put("PATH", tmp.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(Files.getLastModifiedTime(stamp).compareTo(before) > 0, "the stamp was not refreshed");
        assertTrue(Files.getLastModifiedTime(stamp).compareTo(
                Files.getLastModifiedTime(project.resolve("nabla-cli/src/main/java/dev/A.java"))) < 0,
                "the stamp hides a source edited while the tests ran");
    }

    /** The build leaves -tests, -sources and -javadoc jars beside the main one; the launcher runs the main jar. */
    @Test
    void theLauncherRunsTheMainJarNotATestsJar() throws Exception {
        layout();
        Path target = project.resolve("nabla-cli/target");
        fakeJar(target.resolve("nabla-cli-0.1.0.jar"), "the main jar");
        fakeJar(target.resolve("nabla-cli-0.1.0-tests.jar"), "the tests jar");
        fakeJar(target.resolve("nabla-cli-0.1.0-javadoc.jar"), "the javadoc jar");
        ProcessBuilder pb = new ProcessBuilder("bash", project.resolve("nabla").toString(), "--version")
                .redirectErrorStream(true);
        pb.environment().put("PATH", tmp.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("NABLA_AOT", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        assertTrue(out.contains("the main jar"), out);
    }

    /**
     * The AOT cache the launcher makes (JDK 25+) never breaks a run: the first {@code train} records one; a cache
     * that changed since it was checked, or is older than the build, is recorded anew with one line saying so; a
     * damaged cache whose check still passes is ignored by the JVM and the command runs as without it.
     */
    @Test
    void aStaleOrDamagedAotCacheIsRebuiltWithOneLineAndNeverBreaksARun() throws Exception {
        Path aot = aotProject();
        Path target = aot.getParent();

        assertEquals("the main jar", aotRun("train").strip(), "the recording run");
        Path cache = awaitCache(aot);

        Files.write(cache, new byte[] {1, 2, 3}); // changed since its check: not used, recorded anew
        String out = aotRun("train");
        assertTrue(out.contains("nabla: the JVM's AOT cache is unreadable (changed since it was checked): recording a new one"
                + " during this run") && out.contains("the main jar"), out);
        assertEquals(2, out.strip().lines().count(), out);
        cache = awaitCache(aot);

        Files.setLastModifiedTime(target.resolve(".nabla-built"), FileTime.from(Instant.now())); // a newer build
        out = aotRun("train");
        assertTrue(out.contains("nabla: the JVM's AOT cache is stale (nabla was rebuilt): recording a new one during this run")
                && out.contains("the main jar"), out);
        cache = awaitCache(aot);

        // damaged in a way the launcher's check cannot see: the JVM refuses the cache quietly and runs without it
        byte[] bytes = Files.readAllBytes(cache);
        for (int i = 64; i < bytes.length; i += 4096) bytes[i] ^= 0x5a;
        FileTime mtime = Files.getLastModifiedTime(cache);
        Files.write(cache, bytes);
        Files.setLastModifiedTime(cache, mtime);
        assertEquals("the main jar", aotRun("--version").strip());
        assertEquals("the main jar", aotRun("train").strip());
    }

    /** {@code train --help} loads none of the training's classes: it runs without recording a cache. */
    @Test
    void trainHelpRecordsNoAotCache() throws Exception {
        Path aot = aotProject();
        for (String[] args : new String[][] {{"train", "--help"}, {"train", "-h"}, {"train", "--version"}}) {
            assertEquals("the main jar", aotRun(args).strip(), String.join(" ", args));
        }
        assertFalse(Files.exists(aot), "a recording run makes " + aot + " before it starts the JVM");
        assertEquals("the main jar", aotRun("train").strip(), "the recording run");
        awaitCache(aot);
    }

    /** The project layout with a main jar, on a JDK with the AOT cache; returns where the launcher keeps it. */
    private Path aotProject() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 25 || System.getenv("CI") != null,
                "the AOT cache needs JDK 25");
        layout();
        Path target = project.resolve("nabla-cli/target");
        fakeJar(target.resolve("nabla-cli-0.1.0.jar"), "the main jar");
        return target.resolve("aot");
    }

    private String aotRun(String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of("bash", project.resolve("nabla").toString()));
        line.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(line).redirectErrorStream(true);
        pb.environment().put("PATH", tmp.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("NABLA_AOT");
        pb.environment().remove("NABLA_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher did not finish");
        assertEquals(0, p.exitValue(), out);
        // (the JVM's own note on the incubating Vector API is not the launcher's)
        return out.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The cache the last recording run assembles in the background, once it is checked and in place. */
    private static Path awaitCache(Path aot) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < until) {
            if (Files.isDirectory(aot)) {
                try (var files = Files.list(aot)) {
                    var ok = files.filter(f -> f.toString().endsWith(".aot.ok")).findFirst();
                    if (ok.isPresent()) {
                        Path cache = Path.of(ok.get().toString().replaceFirst("\\.ok$", ""));
                        boolean busy;
                        try (var all = Files.list(aot)) {
                            busy = all.anyMatch(f -> f.toString().contains(".tmp"));
                        }
                        if (!busy && Files.isRegularFile(cache)) return cache;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no AOT cache appeared in " + aot);
    }

    /** A jar whose dev.nabla.cli.Main prints {@code says}. */
    private void fakeJar(Path jar, String says) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("fake-src/" + jar.getFileName()));
        Path classes = Files.createDirectories(tmp.resolve("fake-classes/" + jar.getFileName()));
        Path main = src.resolve("Main.java");
        Files.writeString(main, "package dev.nabla.cli; public class Main { public static void main(String[] a) {"
                + " System.out.println(\"" + says + "\"); } }");
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "-d", classes.toString(), main.toString()));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("dev/nabla/cli/Main.class"));
            out.write(Files.readAllBytes(classes.resolve("dev/nabla/cli/Main.class")));
            out.closeEntry();
        }
    }
}
