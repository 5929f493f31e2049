package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.autograd.Tensor;
import dev.nabla.tensor.Shape;

/**
 * The first layer of a convolutional model fed flat rows (the idx readers give [N, 784]): [N, C H W] ->
 * [N, C, H, W], row-major. An input that already is [N, C, H, W] passes unchanged, so the layers after it
 * check its size. No parameters.
 */
public final class ToImage extends Module {
    private final int channels;
    private final int height;
    private final int width;

    public ToImage(int channels, int height, int width) {
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] s = outputShape(x.shape());
        return x.rank() == 4 ? x : x.reshape(s);
    }

    @Override
    public int[] outputShape(int... s) {
        if (s.length == 4 && s[1] == channels) return s.clone();
        if (s.length == 2 && s[1] == channels * height * width) return new int[] {s[0], channels, height, width};
        throw new InputException("input " + Shape.str(s) + " is neither [N, " + channels * height * width + "] ("
                + channels + "x" + height + "x" + width + " images as rows) nor [N, " + channels + ", H, W]");
    }

    @Override
    public String toString() {
        return "ToImage(" + channels + "x" + height + "x" + width + ")";
    }
}
