package dev.nabla.cli;

import dev.nabla.io.Float64Array;
import dev.nabla.io.NamedArray;
import dev.nabla.io.Npy;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nabla gradcheck}: analytic gradients against finite differences, exit codes, saved gradients. */
class GradCheckCommandTest {

    @TempDir
    Path tmp;

    @Test
    void theCourseTwoLayerNetPassesOnRealMnist() {
        Path mnist = TestData.realMnist();
        TestData.Run r = nabla("gradcheck", "--model", "twolayer", "--init", "numpy", "--seed", "1024",
                "--range", "0:16", "--max-entries", "30", "--data", mnist.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("gradcheck twolayer 784-128-10 sigmoid (init numpy, seed 1024) on MNIST training images 0:16", lines.get(0));
        assertTrue(lines.get(1).matches("loss 2\\.30\\d+ \\(mean cross-entropy, float64\\)"), lines.get(1));
        for (String p : List.of("0.weight", "0.bias", "2.weight", "2.bias")) {
            String row = lines.stream().filter(l -> l.startsWith(p + " ")).findFirst().orElseThrow();
            assertTrue(row.endsWith("pass"), row);
        }
        assertEquals("gradcheck passed", lines.get(lines.size() - 1));
    }

    /**
     * Every layer of a cnn (convolutions, batch norm in training mode, dropout, dense) and of LeNet-5: float64
     * gradients in both modes equal the float64 central differences to 1e-6 relative.
     */
    @Test
    void convolutionalModelsPassInBothModesToOneMillionthInFloat64() {
        String[][] models = {
                {"--model", "cnn", "--channels", "3,4", "--kernel", "3", "--fc", "8", "--dropout", "0.25", "--batchnorm"},
                {"--model", "lenet5"}};
        ModelSpec[] specs = {
                new ModelSpec("cnn", 784, null, null, 10, "numpy", 1024).withConv(new ModelSpec.Conv(new int[] {3, 4}, 3, 8, 0.25, true)),
                new ModelSpec("lenet5", 784, null, null, 10, "numpy", 1024)};
        for (int i = 0; i < models.length; i++) {
            List<String> args = new ArrayList<>(List.of("gradcheck", "--range", "0:4", "--max-entries", "12", "--dtype", "float64",
                    "--rtol", "1e-6", "--data", TestData.synthetic().toString()));
            args.addAll(List.of(models[i]));
            TestData.Run r = nabla(args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.out() + r.err());
            List<String> lines = r.out().lines().toList();
            Set<String> names = Models.build(specs[i]).namedParameters().keySet();
            assertTrue(names.size() >= 8, names.toString());
            for (String p : names) {
                String row = lines.stream().filter(l -> l.startsWith(p + " ")).findFirst().orElseThrow(() -> new AssertionError(p + "\n" + r.out()));
                assertTrue(row.endsWith("pass"), row);
            }
            assertTrue(lines.get(lines.size() - 2).startsWith("forward mode, along a random direction of every parameter: JVP ")
                    && lines.get(lines.size() - 2).endsWith(": pass"), r.out());
            assertEquals("gradcheck passed", lines.get(lines.size() - 1));
        }
    }

    @Test
    void saveGradsWritesOneNpyPerParameter() {
        Path grads = tmp.resolve("grads");
        TestData.Run r = nabla("gradcheck", "--model", "twolayer", "--hidden", "20", "--range", "0:8",
                "--max-entries", "10", "--data", TestData.synthetic().toString(), "--save-grads", grads.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("gradients written to " + grads + " (float64: W1.npy, b1.npy, W2.npy, b2.npy)"), r.out());
        int[][] shapes = {{784, 20}, {20}, {20, 10}, {10}};
        String[] names = {"W1", "b1", "W2", "b2"};
        for (int i = 0; i < names.length; i++) {
            NamedArray a = Npy.readFloats(grads.resolve(names[i] + ".npy"));
            assertArrayEquals(shapes[i], a.shape(), names[i]);
            double norm = 0;
            for (float v : a.data()) {
                assertTrue(Float.isFinite(v));
                norm += Math.abs(v);
            }
            assertTrue(norm > 0, names[i] + " is all zeros");
        }
    }

    /**
     * The course's two-layer network in float64 numpy ({@code bench/python/course_grads.py}, outputs committed as
     * test resources) and nabla's float64 gradients differ by a summed absolute difference below 5e-8 per
     * parameter, the course's own tolerance.
     */
    @Test
    void float64GradientsMatchTheCoursesNumpyImplementation() throws Exception {
        Path fixtures = Path.of(GradCheckCommandTest.class.getResource("course-grads/X.npy").toURI()).getParent();
        Path grads = tmp.resolve("grads");
        TestData.Run r = nabla("gradcheck", "--model", "twolayer", "--hidden", "8", "--init", "numpy", "--seed", "1024",
                "--dtype", "float64", "--inputs", fixtures.resolve("X.npy").toString(),
                "--labels", fixtures.resolve("y.npy").toString(), "--max-entries", "4", "--save-grads", grads.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        for (String name : List.of("W1", "b1", "W2", "b2")) {
            Float64Array want = Npy.readDoubles(fixtures.resolve(name + ".npy"));
            Path saved = grads.resolve(name + ".npy");
            assertTrue(Files.readString(saved, StandardCharsets.ISO_8859_1).contains("'descr': '<f8'"), name + " is float64");
            Float64Array got = Npy.readDoubles(saved);
            assertArrayEquals(want.shape(), got.shape(), name);
            double sum = 0, norm = 0;
            for (int i = 0; i < want.data().length; i++) {
                sum += Math.abs(want.data()[i] - got.data()[i]);
                norm += Math.abs(want.data()[i]);
            }
            assertTrue(norm > 0, name + " is all zeros");
            assertTrue(sum < 5e-8, name + ": summed |nabla - numpy| = " + sum);
        }
    }

    /** numpy's int64 labels, as {@code np.save("y.npy", np.array(labels))} writes them. */
    private static void writeInt64Npy(Path file, long[] values) throws IOException {
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (" + values.length + ",), }";
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        for (long v : values) b.putLong(v);
        Files.write(file, b.array());
    }

    @Test
    void inputsAndLabelsFromNpyFilesAreCheckedOnEveryEntry() throws IOException {
        Random rng = new Random(3);
        float[] x = new float[5 * 6];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
        Path xs = tmp.resolve("X.npy"), ys = tmp.resolve("y.npy");
        Npy.write(xs, new int[]{5, 6}, x);
        writeInt64Npy(ys, new long[]{0, 3, 9, 1, 3});
        TestData.Run r = nabla("gradcheck", "--model", "mlp", "--hidden", "4,3", "--activation", "tanh", "--init", "xavier",
                "--inputs", xs.toString(), "--labels", ys.toString(), "--max-entries", "0");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains(" on " + xs + " rows 0:5"), r.out());
        // every entry: the first weight [4, 6] has 24, the last bias 10
        assertTrue(r.out().lines().anyMatch(l -> l.matches("0\\.weight +\\[4, 6\\] +24 .*")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("4\\.bias +\\[10\\] +10 .*")), r.out());
    }

    /** Images smaller than LeNet-5 takes: one line naming the layer whose kernel does not fit, and the shapes. */
    @Test
    void aKernelLargerThanWhatReachesItIsOneLineNamingTheLayerAndShapes() throws IOException {
        Path xs = tmp.resolve("X.npy"), ys = tmp.resolve("y.npy");
        Npy.write(xs, new int[]{2, 8, 8}, new float[2 * 64]);
        writeInt64Npy(ys, new long[]{0, 1});
        TestData.Run r = nabla("gradcheck", "--model", "lenet5", "--inputs", xs.toString(), "--labels", ys.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals("nabla gradcheck: model lenet5: does not fit 8x8 images (the smallest it takes is 12x12): 4 (Conv2d 5x5):"
                + " input [1, 6, 4, 4] is smaller than the kernel (5x5 over 4x4)\n", r.err());
    }

    @Test
    void labelsThatAreNotIntegersAreNamed() {
        Path xs = tmp.resolve("X.npy"), ys = tmp.resolve("y.npy");
        Npy.write(xs, new int[]{2, 3}, new float[6]);
        Npy.write(ys, new int[]{2}, new float[]{1, 2});
        TestData.Run r = nabla("gradcheck", "--inputs", xs.toString(), "--labels", ys.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("nabla gradcheck: ") && r.err().contains(ys.toString()), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aFailedCheckExitsOne() {
        // no tolerance at all: rounding in the finite differences fails it
        TestData.Run r = nabla("gradcheck", "--model", "softmax", "--range", "0:4", "--max-entries", "20",
                "--atol", "0", "--rtol", "1e-15", "--data", TestData.synthetic().toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("FAIL"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("forward mode") && l.endsWith(": FAIL")), r.out());
        assertTrue(r.out().endsWith("gradcheck FAILED\n"), r.out());
    }

    @Test
    void aBadRangeIsNamed() {
        TestData.Run r = nabla("gradcheck", "--range", "10:5", "--data", TestData.synthetic().toString());
        assertEquals(2, r.exit());
        assertEquals("nabla gradcheck: --range 10:5 is not allowed: expected FROM:TO with 0 <= FROM < TO <= 640\n", r.err());
    }
}
