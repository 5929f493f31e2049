package dev.nabla.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: a master and workers as separate JVMs started from this
 * JVM's own class path (the project's dependency jars; no Spark installation). Every process it starts is stopped
 * by {@link #close()} and, should the test JVM end first, by a shutdown hook.
 */
final class StandaloneCluster implements AutoCloseable {
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "stop-spark-cluster");
    final String masterUrl;

    StandaloneCluster(Path dir, int workerCount) throws IOException {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Path home = sparkHome();
            int port = freePort();
            masterUrl = "spark://127.0.0.1:" + port;
            start("master", home, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    String.valueOf(port), "--webui-port", String.valueOf(freePort()));
            waitForLog("master", "I have been elected leader", 90);
            for (int i = 1; i <= workerCount; i++) {
                Path work = Files.createDirectories(dir.resolve("work-" + i));
                workers.add(start("worker-" + i, home, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--cores", "1", "--memory", "1g", "--webui-port", String.valueOf(freePort()),
                        "--work-dir", work.toString(), masterUrl));
            }
            for (int i = 1; i <= workerCount; i++) waitForLog("worker-" + i, "Successfully registered with master", 100);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * A SPARK_HOME whose jars/ links to the jars on this class path: the workers build their executors' class path
     * from it.
     */
    private Path sparkHome() throws IOException {
        Path jars = Files.createDirectories(dir.resolve("spark-home/jars"));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                Path link = jars.resolve(p.getFileName());
                if (!Files.exists(link)) Files.createSymbolicLink(link, p.toAbsolutePath());
            }
        }
        return jars.getParent();
    }

    private Process start(String name, Path home, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:TieredStopAtLevel=1"); // master and workers only pass messages: a quick start matters more
        cmd.add("-XX:+UseSerialGC");
        // INFO from the cluster's processes (the tests' own configuration keeps the driver at WARN): readiness is read from it
        Path logConfig = dir.resolve("log4j2-cluster.properties");
        Files.writeString(logConfig, "rootLogger.level = info\nrootLogger.appenderRef.stdout.ref = console\n"
                + "appender.console.type = Console\nappender.console.name = console\n"
                + "appender.console.layout.type = PatternLayout\nappender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n\n");
        cmd.add("-Dlog4j2.configurationFile=" + logConfig.toUri());
        // the readiness lines are INFO; the class path holds slf4j-simple (the CLI keeps it at warnings), which wins
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        cmd.add("-Dspark.master.rest.enabled=false");
        cmd.addAll(List.of(Files.readString(Path.of("spark-jvm-flags")).trim().split("\\s+")));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(name).toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    Path log(String name) {
        return dir.resolve(name + ".log");
    }

    private void waitForLog(String name, String text, int seconds) throws IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (Files.exists(log(name)) && Files.readString(log(name)).contains(text)) return;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " did not log '" + text + "' within " + seconds + " s:\n" + tail(name));
    }

    String tail(String name) {
        try {
            List<String> lines = Files.readAllLines(log(name));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether worker {@code i} (1-based) runs an executor now (its executor JVM is a child of its process). */
    boolean hasExecutor(int i) {
        return workers.get(i - 1).descendants().findAny().isPresent();
    }

    /** Whether an executor of worker {@code i} (1-based) has written {@code text} to its stderr (in the worker's work dir). */
    boolean executorLogged(int i, String text) throws IOException {
        Path work = dir.resolve("work-" + i);
        try (var files = Files.walk(work)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().equals("stderr") && Files.readString(f).contains(text)) return true;
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return false; // an executor's folder went while being walked
        }
        return false;
    }

    /** Kills worker {@code i} (1-based) and its executors at once, as a lost machine would go. */
    void killWorker(int i) {
        Process w = workers.get(i - 1);
        w.descendants().forEach(ProcessHandle::destroyForcibly);
        w.destroyForcibly();
    }

    private void stopAll() {
        List<Process> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
        }
        for (Process p : all) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : all) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
