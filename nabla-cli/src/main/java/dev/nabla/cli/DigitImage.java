package dev.nabla.cli;

import dev.nabla.InputException;
import dev.nabla.io.MemoryBudget;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * An image turned into the input an MNIST model expects: grayscale values in [0, 1], a white digit on black,
 * {@code rows x cols} pixels.
 *
 * <p>Steps: luminance (0.299 R + 0.587 G + 0.114 B); transparent pixels are taken as background, opposite to the
 * strokes; an image that is mostly light (mean above 0.5) is inverted, since MNIST digits are light on dark; a
 * non-square image is padded to a square with the background (so the digit keeps its shape); then it is resized
 * by area averaging, each target pixel the mean of the source area it covers.
 *
 * @param pixels   {@code [rows * cols]} row-major, in [0, 1]
 * @param inverted whether the image was inverted (it was mostly light)
 * @param width    the original width
 * @param height   the original height
 */
public record DigitImage(float[] pixels, int rows, int cols, boolean inverted, int width, int height) {

    /** Whether the image had to be resized. */
    public boolean resized() {
        return width != cols || height != rows;
    }

    /**
     * Reads {@code file} (PNG, JPEG, GIF, BMP: whatever {@link ImageIO} reads) and prepares it.
     *
     * @throws InputException for a missing file or one that is not an image
     */
    public static DigitImage read(Path file, int rows, int cols) {
        if (!Files.isRegularFile(file)) throw new InputException("image not found: " + file);
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new InputException(file + " is not an image this JVM can read (expected PNG, JPEG, GIF or BMP)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // the header's dimensions first: a small compressed file may declare a huge image
                requireMemory(file, reader.getWidth(0), reader.getHeight(0));
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new InputException("cannot read image " + file + ": " + e.getMessage());
        }
        return of(img, rows, cols);
    }

    /**
     * Refuses an image whose decoding and preparing would not fit the heap: per pixel 4 bytes decoded, 8 for
     * luminance and alpha, and 4 for the square it is padded to.
     */
    static void requireMemory(Path file, int width, int height) {
        long side = Math.max(width, height);
        long bytes = MemoryBudget.sum(file + ": the image", MemoryBudget.product(file + ": the image", width, height, 12),
                MemoryBudget.product(file + ": the image", side, side, 4));
        MemoryBudget.require(file + ": the image header declares " + width + "x" + height + " pixels", bytes);
    }

    /** Prepares an image already in memory. */
    public static DigitImage of(BufferedImage img, int rows, int cols) {
        int w = img.getWidth(), h = img.getHeight();
        float[] lum = new float[w * h];
        float[] alpha = new float[w * h];
        boolean transparent = false;
        double strokeSum = 0, strokeWeight = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                float a = ((argb >>> 24) & 0xff) / 255f;
                float l = (0.299f * ((argb >> 16) & 0xff) + 0.587f * ((argb >> 8) & 0xff) + 0.114f * (argb & 0xff)) / 255f;
                lum[y * w + x] = l;
                alpha[y * w + x] = a;
                if (a < 1) transparent = true;
                strokeSum += a * l;
                strokeWeight += a;
            }
        }
        if (transparent) {
            // what is drawn is the digit; the transparent rest takes the opposite shade
            float background = strokeWeight > 0 && strokeSum / strokeWeight < 0.5 ? 1f : 0f;
            for (int i = 0; i < lum.length; i++) lum[i] = alpha[i] * lum[i] + (1 - alpha[i]) * background;
        }
        double mean = 0;
        for (float v : lum) mean += v;
        mean /= lum.length;
        boolean invert = mean > 0.5;
        if (invert) for (int i = 0; i < lum.length; i++) lum[i] = 1 - lum[i];

        float[] out;
        if (w == cols && h == rows) {
            out = lum;
        } else {
            // pad to a square with the background (dark after inversion), centred
            int side = Math.max(w, h);
            float[] sq = new float[side * side];
            int ox = (side - w) / 2, oy = (side - h) / 2;
            for (int y = 0; y < h; y++) System.arraycopy(lum, y * w, sq, (y + oy) * side + ox, w);
            out = areaResize(sq, side, side, cols, rows);
        }
        for (int i = 0; i < out.length; i++) out[i] = Math.min(1f, Math.max(0f, out[i]));
        return new DigitImage(out, rows, cols, invert, w, h);
    }

    /** Resizes [sh, sw] to [th, tw]: each target pixel is the area-weighted mean of the source it covers. */
    static float[] areaResize(float[] src, int sw, int sh, int tw, int th) {
        float[] out = new float[tw * th];
        double fx = (double) sw / tw, fy = (double) sh / th;
        for (int ty = 0; ty < th; ty++) {
            double y0 = ty * fy, y1 = (ty + 1) * fy;
            for (int tx = 0; tx < tw; tx++) {
                double x0 = tx * fx, x1 = (tx + 1) * fx;
                double sum = 0, area = 0;
                for (int sy = (int) Math.floor(y0); sy < Math.min(sh, (int) Math.ceil(y1)); sy++) {
                    double wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
                    if (wy <= 0) continue;
                    for (int sx = (int) Math.floor(x0); sx < Math.min(sw, (int) Math.ceil(x1)); sx++) {
                        double wx = Math.min(x1, sx + 1) - Math.max(x0, sx);
                        if (wx <= 0) continue;
                        sum += wx * wy * src[sy * sw + sx];
                        area += wx * wy;
                    }
                }
                out[ty * tw + tx] = (float) (area > 0 ? sum / area : 0);
            }
        }
        return out;
    }
}
