package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.tensor.Shape;

/**
 * The geometry of a 2-D sliding window (a convolution's or a pooling layer's): kernel size, stride, padding,
 * dilation, and how the padding is filled ({@link Padding#ZEROS} or {@link Padding#CIRCULAR}, which wraps the
 * image around as on a torus). Output size per axis, as in PyTorch:
 * {@code out = floor((in + 2 pad - dilation (kernel - 1) - 1) / stride) + 1}.
 */
public record Window(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, Padding padding) {

    /** How the border beyond the image is filled. */
    public enum Padding { ZEROS, CIRCULAR }

    public Window {
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1 || ph < 0 || pw < 0) {
            throw new InputException("window: kernel, stride and dilation must be >= 1 and padding >= 0, got kernel "
                    + kh + "x" + kw + ", stride " + sh + "x" + sw + ", padding " + ph + "x" + pw + ", dilation " + dh + "x" + dw);
        }
    }

    /** A square window: kernel k, stride s, padding p, dilation 1, zero padding. */
    public static Window square(int k, int s, int p) {
        return new Window(k, k, s, s, p, p, 1, 1, Padding.ZEROS);
    }

    /** The output height for an input of height {@code h}. */
    public int outH(int h) {
        return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
    }

    /** The output width for an input of width {@code w}. */
    public int outW(int w) {
        return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    }

    /**
     * Checks that the window fits an image of {@code h x w} once padded.
     *
     * @throws InputException "input [..] is smaller than the kernel" with the padded size, when it does not
     */
    public void checkFits(int[] inputShape, int h, int w) {
        if (h + 2 * ph < dh * (kh - 1) + 1 || w + 2 * pw < dw * (kw - 1) + 1) {
            throw new InputException("input " + Shape.str(inputShape) + " is smaller than the kernel (" + kh + "x" + kw
                    + (dh > 1 || dw > 1 ? ", dilation " + dh + "x" + dw : "") + " over " + h + "x" + w
                    + (ph > 0 || pw > 0 ? " padded by " + ph + "x" + pw : "") + ")");
        }
        if (padding == Padding.CIRCULAR && (ph > h || pw > w)) {
            throw new InputException("input " + Shape.str(inputShape) + ": circular padding " + ph + "x" + pw
                    + " is larger than the image " + h + "x" + w);
        }
    }

    /** "5x5", or with stride, padding and dilation where they differ from the defaults. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(kh).append('x').append(kw);
        if (sh != 1 || sw != 1) sb.append(", stride ").append(sh == sw ? "" + sh : sh + "x" + sw);
        if (ph != 0 || pw != 0) sb.append(", padding ").append(ph == pw ? "" + ph : ph + "x" + pw);
        if (padding == Padding.CIRCULAR) sb.append(" circular");
        if (dh != 1 || dw != 1) sb.append(", dilation ").append(dh == dw ? "" + dh : dh + "x" + dw);
        return sb.toString();
    }
}
