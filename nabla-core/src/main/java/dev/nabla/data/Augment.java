package dev.nabla.data;

import dev.nabla.InputException;
import dev.nabla.random.NumpyRandom;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Random changes to training images that keep their class, so that a model sees a slightly different set every
 * epoch: a translation by up to {@code shift} pixels in each direction (the image is padded with zeros and
 * cropped back to its size: what moves out is lost, what comes in is black) and, with {@code flip}, a mirror
 * image left to right half of the time (right for clothing, wrong for digits).
 *
 * <p>Written as {@code none} or a comma-separated list of {@code shift:N} and {@code flip}, e.g. {@code
 * shift:2,flip}. The draws come from one {@link NumpyRandom} per epoch, taken image by image in batch order
 * (flip, then the vertical and the horizontal shift, each in [-N, N]), so the result depends on the seed, the
 * epoch and the batch order only, never on the thread count.
 *
 * @param shift the largest translation in pixels, 0 for none
 * @param flip  mirror half of the images left to right
 */
public record Augment(int shift, boolean flip) {

    /** No change: the images as they are. */
    public static final Augment NONE = new Augment(0, false);

    /** The largest shift accepted: more moves a 28x28 image mostly out of its frame. */
    public static final int MAX_SHIFT = 64;

    public Augment {
        if (shift < 0 || shift > MAX_SHIFT) {
            throw new InputException("augment shift " + shift + " is not allowed: expected 0 to " + MAX_SHIFT);
        }
    }

    /** Whether this changes anything. */
    public boolean active() {
        return shift > 0 || flip;
    }

    /**
     * Reads {@code none}, {@code flip}, {@code shift:N} or both, comma-separated ({@code shift:2,flip}).
     *
     * @throws InputException naming the part that is not one of these
     */
    public static Augment parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("none")) return NONE;
        int shift = 0;
        boolean flip = false, shiftSeen = false;
        for (String part : t.split(",", -1)) {
            String p = part.strip();
            if (p.equals("flip") && !flip) {
                flip = true;
            } else if (p.startsWith("shift:") && !shiftSeen) {
                shiftSeen = true;
                try {
                    shift = Integer.parseInt(p.substring("shift:".length()).strip());
                } catch (NumberFormatException e) {
                    shift = -1;
                }
                if (shift < 1 || shift > MAX_SHIFT) {
                    throw new InputException("augment '" + text + "': " + p + " needs a shift from 1 to " + MAX_SHIFT + " pixels");
                }
            } else {
                throw new InputException("augment '" + text + "': '" + p + "' is not shift:N or flip (each at most once)"
                        + ", e.g. shift:2,flip, or none");
            }
        }
        return new Augment(shift, flip);
    }

    /** The text {@link #parse} reads back: {@code none}, {@code shift:2}, {@code flip}, {@code shift:2,flip}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (shift > 0) parts.add("shift:" + shift);
        if (flip) parts.add("flip");
        return parts.isEmpty() ? "none" : String.join(",", parts);
    }

    /**
     * Changes {@code count} images of {@code channels x rows x cols} values each, stored one after another in
     * {@code from}, writing them into {@code into} (which must not be {@code from}), with draws from {@code rng}.
     */
    public void apply(float[] from, float[] into, int count, int channels, int rows, int cols, NumpyRandom rng) {
        if (from == into) throw new IllegalArgumentException("augment writes into another array than it reads");
        int size = channels * rows * cols;
        for (int i = 0; i < count; i++) {
            boolean mirror = flip && rng.randomSample() < 0.5;
            int dy = shift > 0 ? (int) rng.randint(-shift, shift + 1) : 0;
            int dx = shift > 0 ? (int) rng.randint(-shift, shift + 1) : 0;
            move(from, into, i * size, channels, rows, cols, dy, dx, mirror);
        }
    }

    /**
     * One image at {@code offset}, mirrored left to right when {@code mirror} and then moved down by {@code dy}
     * and right by {@code dx} pixels (negative: up, left): output pixel (y, x) is the mirrored input's pixel
     * (y - dy, x - dx), or 0 where that lies outside the image.
     */
    public static void move(float[] from, float[] into, int offset, int channels, int rows, int cols, int dy, int dx,
                            boolean mirror) {
        int plane = rows * cols;
        for (int c = 0; c < channels; c++) {
            int base = offset + c * plane;
            for (int y = 0; y < rows; y++) {
                int sy = y - dy, o = base + y * cols;
                if (sy < 0 || sy >= rows) {
                    Arrays.fill(into, o, o + cols, 0f);
                    continue;
                }
                int s = base + sy * cols;
                for (int x = 0; x < cols; x++) {
                    int sx = x - dx;
                    into[o + x] = sx < 0 || sx >= cols ? 0f : from[s + (mirror ? cols - 1 - sx : sx)];
                }
            }
        }
    }

    /**
     * The (channels, rows, cols) of a sample of {@code sampleShape}: {@code [C, H, W]}, {@code [H, W]}, or a flat
     * {@code [H * W]} of a square image.
     *
     * @throws InputException when the samples are not images
     */
    public static int[] imageShape(int[] sampleShape) {
        if (sampleShape.length >= 2) {
            int channels = 1;
            for (int i = 0; i < sampleShape.length - 2; i++) channels *= sampleShape[i];
            return new int[]{channels, sampleShape[sampleShape.length - 2], sampleShape[sampleShape.length - 1]};
        }
        int n = sampleShape.length == 1 ? sampleShape[0] : 0, side = (int) Math.round(Math.sqrt(n));
        if (n == 0 || side * side != n) {
            throw new InputException("augment needs images: samples of " + Arrays.toString(sampleShape)
                    + " values are not a square image or [C, H, W]");
        }
        return new int[]{1, side, side};
    }
}
