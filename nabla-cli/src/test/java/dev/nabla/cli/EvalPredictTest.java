package dev.nabla.cli;

import dev.nabla.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nabla eval} and {@code nabla predict} on a model trained on the synthetic digits. */
class EvalPredictTest {

    @TempDir
    static Path tmp;

    static Path run;
    static Path model;

    @BeforeAll
    static void trainAModel() {
        run = tmp.resolve("run");
        TestData.Run r = nabla("train", "--data", TestData.synthetic().toString(), "--out", run.toString(),
                "--epochs", "2", "--hidden", "32", "--activation", "relu", "--init", "kaiming", "--lr", "0.2");
        assertEquals(0, r.exit(), r.err());
        model = run.resolve("model.safetensors");
    }

    @Test
    void aFloat64RunSavesAFloat64ModelThatEvaluatesInEitherPrecision() {
        Path run64 = tmp.resolve("run64");
        TestData.Run r = nabla("train", "--data", TestData.synthetic().toString(), "--out", run64.toString(),
                "--epochs", "1", "--hidden", "8", "--dtype", "float64");
        assertEquals(0, r.exit(), r.err());
        Path m64 = run64.resolve("model.safetensors");
        for (dev.nabla.io.StoredArray a : dev.nabla.io.SafeTensors.readExact(m64).tensors().values()) {
            assertEquals("F64", a.dtype());
        }
        TestData.Run e64 = nabla("eval", m64.toString(), "--data", TestData.synthetic().toString());
        assertEquals(0, e64.exit(), e64.err());
        assertTrue(e64.out().lines().findFirst().orElseThrow().endsWith("sigmoid, float64)"), e64.out());
        TestData.Run e32 = nabla("eval", m64.toString(), "--data", TestData.synthetic().toString(), "--dtype", "float32");
        assertEquals(0, e32.exit(), e32.err());
        assertTrue(e32.out().lines().findFirst().orElseThrow().endsWith("sigmoid, float32)"), e32.out());
        TestData.Run bad = nabla("eval", m64.toString(), "--data", TestData.synthetic().toString(), "--dtype", "float16");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--dtype float16 is not allowed: expected float32 or float64"), bad.err());
    }

    @Test
    void evalPrintsAccuracyLossPerClassAccuracyAndTheConfusionMatrix() {
        TestData.Run r = nabla("eval", model.toString(), "--data", TestData.synthetic().toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("model: " + model + " (twolayer 784-32-10 relu, float32)", lines.get(0));
        assertEquals("test set: 500 images", lines.get(1));
        assertTrue(lines.get(2).matches("accuracy \\d\\.\\d{4}  loss \\d+\\.\\d{4}"), lines.get(2));
        int table = lines.indexOf("class  accuracy  images");
        int images = 0;
        for (int c = 0; c < 10; c++) {
            String[] cells = lines.get(table + 1 + c).trim().split("\\s+");
            assertEquals(Integer.toString(c), cells[0]);
            images += Integer.parseInt(cells[2]);
        }
        assertEquals(500, images);
        int matrix = lines.indexOf("confusion matrix (rows: true class, columns: predicted class)");
        assertTrue(matrix > table);
        int total = 0;
        for (int c = 0; c < 10; c++) {
            String[] cells = lines.get(matrix + 2 + c).trim().split("\\s+");
            assertEquals(11, cells.length, lines.get(matrix + 2 + c));
            for (int j = 1; j < 11; j++) total += Integer.parseInt(cells[j]);
        }
        assertEquals(500, total);
    }

    @Test
    void evalJsonAgreesWithTheRunsTestAccuracy() throws IOException {
        TestData.Run r = nabla("eval", model.toString(), "--data", TestData.synthetic().toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        Map<String, Object> j = Json.parseObject(r.out(), "stdout");
        Map<String, Object> results = Json.parseObject(Files.readString(run.resolve("results.json")), "results.json");
        // model.safetensors holds the best epoch's weights, which the run tested
        assertEquals((Double) results.get("test_acc"), (Double) j.get("accuracy"), 1e-12);
        assertEquals(10, ((List<?>) j.get("per_class_accuracy")).size());
        List<?> confusion = (List<?>) j.get("confusion");
        assertEquals(10, confusion.size());
        double correct = 0, all = 0;
        for (int i = 0; i < 10; i++) {
            List<?> row = (List<?>) confusion.get(i);
            for (int k = 0; k < 10; k++) {
                double v = ((Number) row.get(k)).doubleValue();
                all += v;
                if (i == k) correct += v;
            }
        }
        assertEquals(500, all);
        assertEquals(correct / all, (Double) j.get("accuracy"), 1e-12);
        assertTrue((Double) j.get("accuracy") > 0.8, "the synthetic digits are easy: " + j.get("accuracy"));
    }

    /** The synthetic digit {@code c}: a bright square at the class's place, drawn at {@code scale} x 28 pixels. */
    private static BufferedImage digit(int c, int scale, boolean darkOnLight) {
        int side = 28 * scale;
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(darkOnLight ? Color.WHITE : Color.BLACK);
        g.fillRect(0, 0, side, side);
        g.setColor(darkOnLight ? new Color(20, 20, 40) : new Color(230, 230, 230));
        int top = 3 + (c / 5) * 12, left = 1 + (c % 5) * 5;
        g.fillRect(left * scale, top * scale, 8 * scale, 8 * scale);
        g.dispose();
        return img;
    }

    @Test
    void predictGivesTheClassAndTenProbabilitiesAndInvertsLightImages() throws IOException {
        Path plain = tmp.resolve("seven.png");
        Path big = tmp.resolve("three-dark-on-light.png");
        ImageIO.write(digit(7, 1, false), "png", plain.toFile());
        ImageIO.write(digit(3, 10, true), "png", big.toFile());

        TestData.Run r = nabla("predict", model.toString(), plain.toString(), big.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith(plain + ": 7 (probability "), r.out());
        assertTrue(lines.get(1).matches("  0: \\d\\.\\d{4}  1: .*  9: \\d\\.\\d{4}"), lines.get(1));
        assertTrue(lines.get(2).startsWith(big + ": 3 (probability "), r.out());
        assertEquals("  inverted: the image is mostly light, MNIST digits are light on dark; resized from 280x280 to 28x28",
                lines.get(3));

        TestData.Run js = nabla("predict", model.toString(), plain.toString(), "--json");
        List<?> preds = (List<?>) Json.parse(js.out());
        Map<?, ?> p = (Map<?, ?>) preds.get(0);
        assertEquals(7.0, p.get("class"));
        double sum = 0;
        for (Object v : (List<?>) p.get("probabilities")) sum += (Double) v;
        assertEquals(1.0, sum, 1e-6);
        assertEquals(false, p.get("inverted"));
    }

    @Test
    void predictNamesAFileThatIsNotAnImage() throws IOException {
        Path notImage = tmp.resolve("notes.png");
        Files.writeString(notImage, "not a picture");
        TestData.Run r = nabla("predict", model.toString(), notImage.toString());
        assertEquals(2, r.exit());
        assertEquals("nabla predict: " + notImage + " is not an image this JVM can read (expected PNG, JPEG, GIF or BMP)\n",
                r.err());
        Path missing = tmp.resolve("missing.png");
        assertEquals("nabla predict: image not found: " + missing + "\n", nabla("predict", model.toString(), missing.toString()).err());
    }

    @Test
    void aMissingOrCorruptModelFileIsNamed() throws IOException {
        Path missing = tmp.resolve("nothing.safetensors");
        TestData.Run r = nabla("eval", missing.toString(), "--data", TestData.synthetic().toString());
        assertEquals(2, r.exit());
        assertEquals("nabla eval: model file not found: " + missing + "\n", r.err());

        Path corrupt = tmp.resolve("corrupt.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        TestData.Run c = nabla("eval", corrupt.toString(), "--data", TestData.synthetic().toString());
        assertEquals(2, c.exit());
        assertTrue(c.err().startsWith("nabla eval: ") && c.err().contains(corrupt.toString()), c.err());
        assertEquals(1, c.err().lines().count(), c.err());
    }

    @Test
    void aCorruptDataFileIsNamed() throws IOException {
        Path data = tmp.resolve("bad-data");
        Files.createDirectories(data);
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")) {
            Files.copy(TestData.synthetic().resolve(f), data.resolve(f));
        }
        byte[] images = Files.readAllBytes(data.resolve("t10k-images-idx3-ubyte"));
        Files.write(data.resolve("t10k-images-idx3-ubyte"), java.util.Arrays.copyOf(images, 1000));
        TestData.Run r = nabla("eval", model.toString(), "--data", data.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("nabla eval: ") && r.err().contains("t10k-images-idx3-ubyte"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
