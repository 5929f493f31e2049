package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

/**
 * Convolution as a matrix: a one-channel convolution with circular padding that keeps the image size is
 * {@code y = M x} for the flattened image x, where M is doubly block circulant (circulant blocks arranged in a
 * circulant pattern) and built from the kernel alone. Such an M commutes with the circular shifts of the image
 * ({@link #roll}), which is why a convolution's output moves with its input.
 */
public final class CirculantMatrix {
    private CirculantMatrix() {
    }

    /**
     * M [h w, h w] (float64) with {@code M vec(x) = vec(conv(x))} for images of h x w, {@code kernel} [kh, kw] or
     * [1, 1, kh, kw] and {@code window} circular with stride 1 and the padding that keeps the size: row
     * (y, x), column ((y - ph + i dh) mod h, (x - pw + j dw) mod w) holds kernel[i, j] (summed where taps meet).
     *
     * @throws InputException for a window that is not circular, strides, or padding that changes the size
     */
    public static NDArray of(NDArray kernel, int h, int w, Window window) {
        int[] ks = kernel.shape();
        int kh = ks[ks.length - 2], kw = ks[ks.length - 1];
        if (kernel.numel() != kh * kw || kh != window.kh() || kw != window.kw()) {
            throw new InputException("circulant matrix: kernel " + Shape.str(ks) + " is not one " + window.kh() + "x"
                    + window.kw() + " plane");
        }
        if (window.padding() != Window.Padding.CIRCULAR || window.sh() != 1 || window.sw() != 1
                || window.outH(h) != h || window.outW(w) != w) {
            throw new InputException("circulant matrix: window " + window + " is not a circular, stride-1 window that keeps "
                    + h + "x" + w + " images at their size");
        }
        double[] k = kernel.contiguous().toDoubleArray();
        double[] m = new double[h * w * h * w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            int row = y * w + x;
            for (int i = 0; i < kh; i++) for (int j = 0; j < kw; j++) {
                int col = Math.floorMod(y - window.ph() + i * window.dh(), h) * w + Math.floorMod(x - window.pw() + j * window.dw(), w);
                m[row * h * w + col] += k[i * kw + j];
            }
        }
        return NDArray.of(m, h * w, h * w);
    }

    /**
     * {@code x} [..., h, w] shifted circularly by dy rows and dx columns: value (y, x) moves to
     * ((y + dy) mod h, (x + dx) mod w), in x's dtype.
     */
    public static NDArray roll(NDArray x, int dy, int dx) {
        int[] s = x.shape();
        int h = s[s.length - 2], w = s[s.length - 1], planes = x.numel() / (h * w);
        double[] in = x.contiguous().toDoubleArray(), out = new double[in.length];
        for (int p = 0; p < planes; p++) for (int y = 0; y < h; y++) for (int c = 0; c < w; c++) {
            out[p * h * w + Math.floorMod(y + dy, h) * w + Math.floorMod(c + dx, w)] = in[p * h * w + y * w + c];
        }
        NDArray r = NDArray.of(out, s);
        return x.dtype() == DType.F64 ? r : r.to(x.dtype());
    }
}
