package dev.nabla.cli;

import dev.nabla.models.ModelFile;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
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

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nabla export --onnx}, then {@code nabla eval} and {@code nabla predict} of the .onnx file. */
class ExportOnnxTest {

    @TempDir
    static Path tmp;

    static Path model;
    static Path onnx;

    @BeforeAll
    static void trainAndExport() {
        Path run = tmp.resolve("run");
        TestData.Run r = nabla("train", "--data", TestData.synthetic().toString(), "--out", run.toString(),
                "--epochs", "1", "--hidden", "16", "--activation", "tanh", "--init", "xavier");
        assertEquals(0, r.exit(), r.err());
        model = run.resolve("model.safetensors");
        onnx = tmp.resolve("model.onnx");
        TestData.Run e = nabla("export", model.toString(), "--onnx", onnx.toString());
        assertEquals(0, e.exit(), e.err());
        assertEquals("wrote " + onnx + " (twolayer 784-16-10 tanh, opset 13, input 'input' [batch, 784], output 'output' [batch, 10])",
                e.out().strip());
    }

    /** The exported file gives the model file's results exactly: the same accuracy, loss and confusion matrix. */
    @Test
    void evalOfTheOnnxFileEqualsEvalOfTheModelFile() {
        TestData.Run a = nabla("eval", model.toString(), "--data", TestData.synthetic().toString());
        TestData.Run b = nabla("eval", onnx.toString(), "--data", TestData.synthetic().toString());
        assertEquals(0, b.exit(), b.err());
        List<String> la = a.out().lines().toList(), lb = b.out().lines().toList();
        assertEquals("model: " + onnx + " (twolayer 784-16-10 tanh, float32)", lb.get(0));
        assertEquals(la.subList(1, la.size()), lb.subList(1, lb.size()));
    }

    @Test
    void predictOfTheOnnxFileEqualsPredictOfTheModelFile() throws IOException {
        Path png = tmp.resolve("seven.png");
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.drawLine(6, 6, 22, 6);
        g.drawLine(22, 6, 12, 24);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
        TestData.Run a = nabla("predict", model.toString(), png.toString());
        TestData.Run b = nabla("predict", onnx.toString(), png.toString());
        assertEquals(0, b.exit(), b.err());
        assertEquals(a.out(), b.out());
    }

    /** LeNet-5 and the CNN with batch norm and dropout export, and their .onnx files evaluate as the model files. */
    @Test
    void convolutionalModelsExportAndEvaluateAsTheirModelFiles() {
        for (ModelSpec spec : List.of(new ModelSpec("lenet5", 784, new int[0], null, 10, "kaiming", 3),
                new ModelSpec("cnn", 784, new int[] {4, 8}, null, 10, "kaiming", 4))) {
            Path file = tmp.resolve(spec.type() + ".safetensors");
            ModelFile.save(file, Models.build(spec), spec);
            Path out = tmp.resolve(spec.type() + ".onnx");
            TestData.Run e = nabla("export", file.toString(), "--onnx", out.toString());
            assertEquals(0, e.exit(), e.err());
            assertEquals("wrote " + out + " (" + spec.summary() + ", opset 13, input 'input' [batch, 784], output 'output' [batch, 10])",
                    e.out().strip());
            List<String> a = nabla("eval", file.toString(), "--data", TestData.synthetic().toString()).out().lines().toList();
            TestData.Run b = nabla("eval", out.toString(), "--data", TestData.synthetic().toString());
            assertEquals(0, b.exit(), b.err());
            List<String> lb = b.out().lines().toList();
            assertEquals(a.subList(1, a.size()), lb.subList(1, lb.size()));
        }
    }

    @Test
    void anUnsupportedOnnxFileIsABadInputNamingTheFile() throws IOException {
        Path bad = tmp.resolve("bad.onnx");
        Files.write(bad, new byte[] {0x0a, 0x7f, 0x01});
        TestData.Run r = nabla("eval", bad.toString(), "--data", TestData.synthetic().toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains(bad + ": not a valid ONNX file"), r.err());
    }
}
