package dev.nabla.cli;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Turning pictures into MNIST-like inputs. */
class DigitImageTest {

    private static BufferedImage gray(int w, int h, int background, int stroke, int x0, int y0, int x1, int y1) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = x >= x0 && x < x1 && y >= y0 && y < y1 ? stroke : background;
                img.setRGB(x, y, 0xff000000 | v << 16 | v << 8 | v);
            }
        }
        return img;
    }

    @Test
    void aDarkImageOfTheRightSizeIsKeptAsIs() {
        DigitImage d = DigitImage.of(gray(28, 28, 0, 255, 10, 10, 12, 20), 28, 28);
        assertFalse(d.inverted());
        assertFalse(d.resized());
        assertEquals(1f, d.pixels()[10 * 28 + 10]);
        assertEquals(0f, d.pixels()[0]);
    }

    @Test
    void aLightImageIsInvertedSoTheDigitIsLightOnDark() {
        DigitImage d = DigitImage.of(gray(28, 28, 255, 0, 10, 10, 12, 20), 28, 28);
        assertTrue(d.inverted());
        assertEquals(1f, d.pixels()[10 * 28 + 10]);
        assertEquals(0f, d.pixels()[0]);
    }

    @Test
    void resizingAveragesTheAreaEachPixelCovers() {
        // 56x56 with a white 2x2 block at (20, 20): one white pixel at (10, 10) after halving
        DigitImage d = DigitImage.of(gray(56, 56, 0, 255, 20, 20, 22, 22), 28, 28);
        assertTrue(d.resized());
        assertEquals(1f, d.pixels()[10 * 28 + 10], 1e-6);
        assertEquals(0f, d.pixels()[10 * 28 + 11], 1e-6);
        // a 2x1 block straddling two target pixels gives each half
        DigitImage h = DigitImage.of(gray(56, 56, 0, 255, 21, 20, 23, 22), 28, 28);
        assertEquals(0.5f, h.pixels()[10 * 28 + 10], 1e-6);
        assertEquals(0.5f, h.pixels()[10 * 28 + 11], 1e-6);
    }

    @Test
    void aWideImageIsPaddedToASquareBeforeResizing() {
        // 56 wide, 28 high: padded to 56x56 (14 rows above), then halved; the stroke keeps its square shape
        DigitImage d = DigitImage.of(gray(56, 28, 0, 255, 0, 0, 2, 2), 28, 28);
        assertEquals(1f, d.pixels()[7 * 28], 1e-6);
        assertEquals(0f, d.pixels()[0], 1e-6);
    }

    @Test
    void transparentBackgroundIsTakenAsTheOppositeOfTheStrokes() {
        // black strokes on a transparent background: the background becomes white, then all is inverted
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_ARGB);
        for (int y = 5; y < 20; y++) img.setRGB(14, y, 0xff000000);
        DigitImage d = DigitImage.of(img, 28, 28);
        assertTrue(d.inverted());
        assertEquals(1f, d.pixels()[10 * 28 + 14]);
        assertEquals(0f, d.pixels()[0]);
    }
}
