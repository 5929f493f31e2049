package dev.nabla.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TarTest {

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    @Test
    void extractsTheWantedRegularFiles() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/package.json", "{}".getBytes(StandardCharsets.UTF_8));
        files.put("package/data/a", bytes(1000, 1));
        files.put("package/data/b", bytes(512, 2));
        files.put("package/data/empty", new byte[0]);
        byte[] tar = TestFiles.tar(files);
        Map<String, byte[]> got = Tar.extract(new ByteArrayInputStream(tar), n -> n.startsWith("package/data/"));
        assertEquals(List.of("package/data/a", "package/data/b", "package/data/empty"), List.copyOf(got.keySet()));
        assertArrayEquals(files.get("package/data/a"), got.get("package/data/a"));
        assertArrayEquals(files.get("package/data/b"), got.get("package/data/b"));
        assertEquals(0, got.get("package/data/empty").length);
    }

    @Test
    void joinsTheUstarPrefixToTheName() throws IOException {
        String longName = "package/" + "d".repeat(60) + "/" + "e".repeat(50) + "/file.bin";
        byte[] tar = TestFiles.tar(Map.of(longName, bytes(10, 3)));
        assertArrayEquals(bytes(10, 3), Tar.extract(new ByteArrayInputStream(tar), n -> true).get(longName));
    }

    @Test
    void readsPaxAndGnuLongNames() throws IOException {
        String pax = "package/data/" + "p".repeat(120);
        String gnu = "package/data/" + "g".repeat(130);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String rec = "path=" + pax + "\n";
        String len = String.valueOf(rec.length() + 4);
        byte[] paxData = (len + " " + rec).getBytes(StandardCharsets.UTF_8);
        paxData = withLength(paxData);
        out.writeBytes(TestFiles.tarHeader("PaxHeader", paxData.length, (byte) 'x'));
        writePadded(out, paxData);
        out.writeBytes(TestFiles.tarHeader("short-pax", 5, (byte) '0'));
        writePadded(out, bytes(5, 4));
        byte[] gnuName = (gnu + "\0").getBytes(StandardCharsets.UTF_8);
        out.writeBytes(TestFiles.tarHeader("././@LongLink", gnuName.length, (byte) 'L'));
        writePadded(out, gnuName);
        out.writeBytes(TestFiles.tarHeader("short-gnu", 6, (byte) '0'));
        writePadded(out, bytes(6, 5));
        out.writeBytes(new byte[1024]);
        Map<String, byte[]> got = Tar.extract(new ByteArrayInputStream(out.toByteArray()), n -> true);
        assertEquals(List.of(pax, gnu), List.copyOf(got.keySet()));
        assertArrayEquals(bytes(6, 5), got.get(gnu));
    }

    /** A pax record's length counts its own digits: fix the length prefix until it is consistent. */
    private static byte[] withLength(byte[] rec) {
        String s = new String(rec, StandardCharsets.UTF_8);
        String body = s.substring(s.indexOf(' ') + 1);
        int n = body.length() + 1;
        while (String.valueOf(n).length() + 1 + body.length() != n) n++;
        return (n + " " + body).getBytes(StandardCharsets.UTF_8);
    }

    private static void writePadded(ByteArrayOutputStream out, byte[] data) {
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    @Test
    void aDamagedHeaderFailsItsChecksum() {
        byte[] tar = TestFiles.tar(Map.of("package/data/a", bytes(100, 1)));
        tar[3] ^= 1;
        IOException e = assertThrows(IOException.class, () -> Tar.extract(new ByteArrayInputStream(tar), n -> true));
        assertTrue(e.getMessage().startsWith("tar header at byte 0 has checksum"), e.getMessage());
        assertTrue(e.getMessage().endsWith("the archive is damaged or not a tar file"), e.getMessage());
    }

    @Test
    void aCutArchiveIsReported() {
        byte[] tar = TestFiles.tar(Map.of("package/data/a", bytes(2000, 1)));
        byte[] cut = Arrays.copyOf(tar, 512 + 1000);
        IOException e = assertThrows(IOException.class, () -> Tar.extract(new ByteArrayInputStream(cut), n -> true));
        assertEquals("tar archive cut short: an entry at byte 512 needs 2000 bytes, found 1000", e.getMessage());
        byte[] cutHeader = Arrays.copyOf(tar, 300);
        assertThrows(IOException.class, () -> Tar.extract(new ByteArrayInputStream(cutHeader), n -> true));
    }

    @Test
    void gzipDataIsNotATar() {
        byte[] gz = TestFiles.gzip(bytes(5000, 1));
        assertThrows(IOException.class, () -> Tar.extract(new ByteArrayInputStream(gz), n -> true));
    }
}
