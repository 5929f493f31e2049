package dev.nabla.cli;

import dev.nabla.models.ModelFile;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import static dev.nabla.cli.TestData.nabla;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A CNN from the command line: describe, predict on an image of another size, and the bad inputs. */
class CnnCommandsTest {

    @TempDir
    Path tmp;

    static final ModelSpec SMALL = new ModelSpec("cnn", 784, null, "relu", 10, "kaiming", 3)
            .withConv(new ModelSpec.Conv(new int[] {4, 8}, 3, 16, 0.25, true));

    @Test
    void describeListsTheLayersTheirOutputShapesAndParameterCounts() {
        TestData.Run r = nabla("describe", "--model", "cnn", "--channels", "4,8", "--kernel", "3", "--fc", "16",
                "--dropout", "0.25", "--batchnorm", "--batch", "2");
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("cnn 784-c4-c8-fc16-10 3x3, batchnorm, dropout 0.25\n"), out);
        assertTrue(out.contains("Conv2d(1, 4, 3x3, padding 1, bias=false)") && out.contains("[2, 4, 28, 28]"), out);
        assertTrue(out.contains("BatchNorm2d") && out.contains("[2, 8, 7, 7]") && out.contains("[2, 392]")
                && out.contains("Dropout") && out.contains("[2, 10]"), out);
        long params = Models.build(SMALL).parameterCount();
        assertTrue(out.endsWith("total parameters: " + params + "\n"), out);
        assertEquals(4 * 9 + 8 + 4 * 8 * 9 + 16 + 392 * 16 + 16 + 16 * 10 + 10, params);
    }

    @Test
    void trainBuildsTheCnnTheOptionsDescribeAndEchoesThemInItsConfig() throws IOException {
        Path run = tmp.resolve("run");
        TestData.Run r = nabla("train", "--model", "cnn", "--channels", "2", "--kernel", "5", "--fc", "8", "--epochs", "1",
                "--data", TestData.synthetic().toString(), "--out", run.toString());
        assertEquals(0, r.exit(), r.err());
        String yaml = java.nio.file.Files.readString(run.resolve("config.yaml"));
        assertTrue(yaml.contains("channels: 2\nkernel: 5\nfc: 8\ndropout: 0.0\nbatchnorm: false\n") && !yaml.contains("hidden:"), yaml);
        ModelSpec saved = ModelFile.load(run.resolve("model.safetensors")).spec();
        assertEquals(new ModelSpec.Conv(new int[] {2}, 5, 8, 0, false), saved.conv());
    }

    @Test
    void describeReadsAModelFileToo() {
        Path file = tmp.resolve("cnn.safetensors");
        ModelFile.save(file, Models.build(SMALL), SMALL);
        TestData.Run r = nabla("describe", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(file + ": cnn 784-c4-c8-fc16-10 3x3, batchnorm, dropout 0.25\n"), r.out());
        assertTrue(r.out().contains("[64, 8, 7, 7]"), r.out());
    }

    @Test
    void aPoolingWindowLargerThanWhatReachesItIsOneLineNamingTheLayerAndShape() {
        for (String command : new String[] {"describe", "train"}) {
            TestData.Run r = command.equals("train")
                    ? nabla(command, "--model", "cnn", "--channels", "4,4,4,4,4", "--data", TestData.synthetic().toString(),
                            "--out", tmp.resolve(command).toString())
                    : nabla(command, "--model", "cnn", "--channels", "4,4,4,4,4");
            assertEquals(2, r.exit(), r.err());
            assertEquals("nabla " + command + ": model cnn: 5 conv blocks do not fit 28x28 images: 15 (MaxPool2d 2x2, stride 2):"
                    + " input [1, 4, 1, 1] is smaller than the kernel (2x2 over 1x1)\n", r.err().replaceAll("(?m)^WARNING.*\n", ""));
        }
    }

    @Test
    void aCnnFileWhoseMetadataDescribesAnotherArchitectureIsRefusedInOneLine() throws IOException {
        Path file = tmp.resolve("mislabelled.safetensors");
        Sequential cnn = Models.build(SMALL);
        ModelFile.save(file, cnn, ModelSpec.courseTwoLayer());
        Path png = tmp.resolve("blank.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        for (String command : new String[] {"eval", "describe", "predict"}) {
            TestData.Run r = command.equals("predict") ? nabla(command, file.toString(), png.toString())
                    : nabla(command, file.toString(), "--data", TestData.synthetic().toString());
            assertEquals(2, r.exit(), r.err());
            String err = r.err().replaceAll("(?m)^WARNING.*\n", "");
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains(file + ": its metadata describes model twolayer 784-128-10 with 101770 parameters, but the file holds "
                    + cnn.stateDict().values().stream().mapToInt(a -> a.numel()).sum() + " weights"), err);
        }
    }

    @Test
    void predictResizesAnImageOfAnotherSizeForACnnAndSaysSo() throws IOException {
        Path file = tmp.resolve("cnn.safetensors");
        ModelFile.save(file, Models.build(SMALL), SMALL);
        BufferedImage img = new BufferedImage(56, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(24, 6, 8, 28);
        g.dispose();
        Path png = tmp.resolve("one.png");
        ImageIO.write(img, "png", png.toFile());
        TestData.Run r = nabla("predict", file.toString(), png.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("resized from 56x40 to 28x28"), r.out());
    }
}
