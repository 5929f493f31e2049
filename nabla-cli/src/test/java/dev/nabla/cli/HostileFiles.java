package dev.nabla.cli;

import dev.nabla.io.Json;
import dev.nabla.io.SafeTensors;
import dev.nabla.io.StoredArray;
import dev.nabla.models.ModelFile;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Small files that declare absurd sizes, each with the command line that reads it; every one must be refused
 * with exit 2 and one line, before anything of the declared size is allocated.
 */
final class HostileFiles {

    /** One hostile input: its name, the command that reads it, and a part of the one-line refusal. */
    record Case(String name, List<String> args, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    private HostileFiles() {
    }

    /**
     * The cases, their files written under {@code dir}. {@code heapBytes} sizes the sparse files meant to exceed
     * the heap (their length agrees with their headers; they take no disk space).
     */
    static List<Case> write(Path dir, long heapBytes) {
        try {
            List<Case> cases = new ArrayList<>();
            Path synthetic = TestData.synthetic();

            // a 33-byte .gz whose idx header claims 2.7 million images
            Path gzBomb = mnistFolder(dir.resolve("idx-gz"));
            byte[] header = ByteBuffer.allocate(16).putInt(0x803).putInt(2_700_000).putInt(28).putInt(28).array();
            Files.write(gzBomb.resolve("train-images-idx3-ubyte.gz"), gzip(header));
            // with labels to match: 2.7 million zeros, 3 KB compressed
            Files.write(gzBomb.resolve("train-labels-idx1-ubyte.gz"),
                    gzip(ByteBuffer.allocate(8 + 2_700_000).putInt(0x801).putInt(2_700_000).array()));
            cases.add(new Case("idx-gz-header-claims-2.7M-images", List.of("data", "info", "--data", gzBomb.toString()),
                    "but a gzip file of"));

            // raw idx files as long as they declare, beyond the heap
            int count = (int) Math.min(2_000_000, heapBytes / (784 * 4) * 2);
            Path raw = mnistFolder(dir.resolve("idx-raw"));
            Files.delete(raw.resolve("train-images-idx3-ubyte.gz"));
            Files.delete(raw.resolve("train-labels-idx1-ubyte.gz"));
            sparse(raw.resolve("train-images-idx3-ubyte"),
                    ByteBuffer.allocate(16).putInt(0x803).putInt(count).putInt(28).putInt(28).array(), 784L * count);
            Files.write(raw.resolve("train-labels-idx1-ubyte"), ByteBuffer.allocate(8 + count).putInt(0x801).putInt(count).array());
            cases.add(new Case("idx-raw-beyond-the-heap", List.of("data", "info", "--data", raw.toString()),
                    "of memory;"));

            // a 400 KB model file whose metadata asks for a hidden layer of two million units
            Path model = dir.resolve("model.safetensors");
            ModelSpec spec = ModelSpec.courseTwoLayer();
            ModelFile.save(model, spec, Models.build(spec).weights(), Map.of());
            Path liar = dir.resolve("liar.safetensors");
            // A real model's tensors under metadata that asks for a hidden layer of 2,000,000 units
            Map<String, StoredArray> tensors = new LinkedHashMap<>();
            Models.build(spec).stateDict().forEach((k, v) -> tensors.put(k, ModelFile.toStored(v)));
            SafeTensors.write(liar, tensors,
                    Map.of(ModelFile.SPEC_KEY, Json.write(ModelFile.specToMap(spec.withHidden(2_000_000)))));
            cases.add(new Case("model-metadata-hidden-2000000",
                    List.of("eval", liar.toString(), "--data", synthetic.toString()), "but the file holds"));

            // a 20000x20000 PNG of about 400 KB
            Path png = dir.resolve("huge.png");
            Files.write(png, grayPng(20_000, 20_000));
            cases.add(new Case("png-20000x20000", List.of("predict", model.toString(), png.toString()),
                    "the image header declares 20000x20000 pixels"));

            // a .npy as long as it declares, beyond the heap, and labels for it
            int rows = (int) Math.min(2_000_000, heapBytes / (784 * 4) * 2);
            Path npy = dir.resolve("x.npy");
            byte[] npyHeader = npyHeader("<f4", rows + ", 784");
            sparse(npy, npyHeader, 4L * rows * 784);
            Path labels = dir.resolve("y.npy");
            Files.write(labels, int64Npy(new long[rows]));
            cases.add(new Case("npy-beyond-the-heap", List.of("gradcheck", "--inputs", npy.toString(), "--labels",
                    labels.toString()), "of memory;"));

            // labels far beyond the classes
            Path x = dir.resolve("x-small.npy");
            dev.nabla.io.Npy.write(x, new int[] {2, 4}, new float[8]);
            Path farLabels = dir.resolve("y-far.npy");
            Files.write(farLabels, int64Npy(new long[] {1, 10_000_000}));
            cases.add(new Case("gradcheck-label-10000000", List.of("gradcheck", "--inputs", x.toString(), "--labels",
                    farLabels.toString()), "label 10000000 at index 1 is outside 0..9"));

            // YAML aliases below SnakeYAML's default limit that expand to 3^16 = 43 million values
            Path yaml = dir.resolve("bomb.yaml");
            StringBuilder y = new StringBuilder("hidden:\n  - &a0 [1, 1, 1]\n");
            for (int i = 1; i <= 16; i++) {
                y.append("  - &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append(", *a")
                        .append(i - 1).append("]\n");
            }
            Files.writeString(yaml, y);
            cases.add(new Case("yaml-alias-expansion", List.of("train", "--config", yaml.toString(), "--data",
                    synthetic.toString(), "--out", dir.resolve("run-yaml").toString()), "bomb.yaml"));

            // an option that passes validation but asks for a model of 834 million parameters
            cases.add(new Case("hidden-1048576", List.of("train", "--hidden", "1048576", "--epochs", "1", "--data",
                    synthetic.toString(), "--out", dir.resolve("run-hidden").toString()), "of memory;"));
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A folder with the four small idx files, gzip-compressed: 20 training and 10 test images of 28x28. */
    private static Path mnistFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String[] set : new String[][] {{"train", "20"}, {"t10k", "10"}}) {
            int n = Integer.parseInt(set[1]);
            ByteBuffer images = ByteBuffer.allocate(16 + n * 784).putInt(0x803).putInt(n).putInt(28).putInt(28);
            ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
            Files.write(dir.resolve(set[0] + "-images-idx3-ubyte.gz"), gzip(images.array()));
            Files.write(dir.resolve(set[0] + "-labels-idx1-ubyte.gz"), gzip(labels.array()));
        }
        return dir;
    }

    /** {@code head} followed by {@code dataBytes} of zeros that take no disk space. */
    private static void sparse(Path file, byte[] head, long dataBytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(head);
            raf.setLength(head.length + dataBytes);
        }
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** A valid 8-bit grayscale PNG of black pixels: deflate shrinks the rows of zeros about 1000 times. */
    static byte[] grayPng(int width, int height) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[width + 1]; // filter type 0, then the pixels
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16)) {
            for (int y = 0; y < height; y++) z.write(row);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(png);
        d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(d, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(d, "IDAT", idat.toByteArray());
        chunk(d, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    private static byte[] npyHeader(String descr, String shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
        int total = 10 + dict.length() + 1;
        String h = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
        b.put(h.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** numpy's int64 labels, as {@code np.save("y.npy", np.array(labels))} writes them. */
    static byte[] int64Npy(long[] values) {
        byte[] head = npyHeader("<i8", values.length + ",");
        ByteBuffer b = ByteBuffer.allocate(head.length + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(head);
        for (long v : values) b.putLong(v);
        return b.array();
    }
}
