package dev.nabla.cli;

import dev.nabla.io.NamedArray;
import dev.nabla.io.Npy;
import dev.nabla.models.ModelFile;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.tensor.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs with values a command cannot use (NaN, infinity, labels outside the classes, a cut-off gzip file):
 * each refused with exit 2 and one line naming the file and the value.
 */
class BadValuesTest {

    @TempDir
    Path tmp;

    private static void assertRefused(TestData.Run r, String... parts) {
        assertEquals(Main.EXIT_USAGE, r.exit(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        for (String p : parts) assertTrue(r.err().contains(p), r.err());
    }

    @Test
    void inputsWithNaNOrInfinityAreRefusedNamingTheFileAndIndex() throws IOException {
        Path x = tmp.resolve("X.npy"), y = tmp.resolve("y.npy");
        Npy.write(x, new int[] {3, 4}, new float[] {0, 0, 0, 0, 0, 0, Float.POSITIVE_INFINITY, 0, 0, 0, 0, 0});
        Files.write(y, HostileFiles.int64Npy(new long[] {0, 1, 2}));
        assertRefused(nabla("gradcheck", "--inputs", x.toString(), "--labels", y.toString()),
                "nabla gradcheck: " + x + ": value Infinity at index [1, 2] (flat index 6) is not finite");
    }

    @Test
    void gradcheckLabelsMustLieWithinTheClasses() throws IOException {
        Path x = tmp.resolve("X.npy"), y = tmp.resolve("y.npy");
        Npy.write(x, new int[] {2, 4}, new float[8]);
        Files.write(y, HostileFiles.int64Npy(new long[] {3, 10_000_000}));
        assertRefused(nabla("gradcheck", "--inputs", x.toString(), "--labels", y.toString()),
                "--labels " + y + ": label 10000000 at index 1 is outside 0..9 (--classes 10)");
        Files.write(y, HostileFiles.int64Npy(new long[] {3, 12}));
        TestData.Run r = nabla("gradcheck", "--inputs", x.toString(), "--labels", y.toString(), "--classes", "13",
                "--max-entries", "4");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("4-128-13"), r.out());
    }

    @Test
    void aModelFileWithNonFiniteWeightsIsRefusedOnLoad() {
        ModelSpec spec = ModelSpec.courseSoftmax();
        Map<String, NDArray> w = Models.build(spec).weights();
        String key = "0.weight";
        float[] values = w.get(key).toFloatArray();
        values[785] = Float.NaN;
        w.put(key, NDArray.of(values, w.get(key).shape()));
        Path model = tmp.resolve("nan.safetensors");
        ModelFile.save(model, spec, w, Map.of());
        assertRefused(nabla("eval", model.toString(), "--data", TestData.synthetic().toString()),
                "nabla eval: " + model + ": weight " + key + NamedArray.index(w.get(key).shape(), 785) + " is NaN");
    }

    @Test
    void dataInfoOnATruncatedGzipFileIsOneInputError() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")) {
            byte[] gz = HostileFiles.gzip(Files.readAllBytes(TestData.synthetic().resolve(f)));
            if (f.startsWith("train-images")) gz = Arrays.copyOf(gz, gz.length / 2);
            Files.write(data.resolve(f + ".gz"), gz);
        }
        assertRefused(nabla("data", "info", "--data", data.toString()),
                "nabla data info: " + data.resolve("train-images-idx3-ubyte.gz") + ": the gzip stream ends early: the file"
                        + " is truncated");
    }
}
