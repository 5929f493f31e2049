package dev.nabla.nn;

import dev.nabla.autograd.Function;
import dev.nabla.kernel.Parallel;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;

/**
 * 2-D convolution as one op (see {@link LayerOps#conv2d}): x [N, C, H, W], w [O, C / G, kh, kw], optional b [O]
 * -> y [N, O, outH, outW]. K = (C / G) kh kw taps, P = outH outW pixels.
 * <ul>
 *   <li>Forward: im2col into columns [G, K, N P] and one GEMM per group, [O / G, K] x [K, N P]. Layers with few
 *       taps (K up to {@link ConvKernels#SHORT_K}) take the whole batch at once and write the channel-major product
 *       out image by image with the bias added; layers with more go image by image ({@link #convolveByImage}).
 *       Training keeps the columns, unless they are more than {@link #KEPT_COLUMNS_MAX} values.</li>
 *   <li>Backward: the output gradient in channel-major order [O, N P], the bias gradient its row sums. With the
 *       columns kept, the weight gradient is, per group, the dot products of the output gradient's rows with
 *       theirs ({@code Kernels.rowDots}: long rows, nothing packed); without, it is summed block by block of images
 *       ({@link #gradientsByImages}), each block's columns computed again. The input gradient is a GEMM by the
 *       transposed weight followed by col2im, block by block of images.</li>
 *   <li>JVP: linear in x, in w and in b, so the tangent is conv(dx, w) + conv(x, dw) + db.</li>
 * </ul>
 * The big buffers come from {@link Workspace}. Without a weight gradient to compute (evaluation), the batch is
 * cut into chunks of at most {@link #CHUNK_VALUES} column values, so evaluating 10,000 images needs no gigabyte
 * of columns; each output value sums the same products in the same order either way. The GEMM gives the same
 * bits for any thread count and the other loops split by image or channel, so the op does too.
 */
final class Conv2dFunction extends Function {
    /** Column values per chunk when the columns need not be kept: 4 Mi floats, 16 MiB. */
    static final int CHUNK_VALUES = 1 << 22;

    /**
     * The most column values a layer with many taps keeps for its weight gradient: 1 Mi floats, 4 MiB, which stay
     * in the last-level cache until the backward pass (LeNet-5's second layer: 2.4 MiB for a batch of 64). Larger
     * ones (the cnn model's second layer: 14 MiB) would go out to memory and be read back twice; they are computed
     * again, block by block, by {@link #gradientsByImages} instead: no slower on one thread, a step needs 14 MiB
     * less, and two threads no longer share the memory bus for them. (LeNet-5 recomputing its columns as well ran
     * 3% slower.)
     */
    static final int KEPT_COLUMNS_MAX = 1 << 20;

    private final Window window;
    private final int groups;
    private final boolean keepColumns;
    private NDArray x;
    private NDArray w;
    private Object columns;

    /**
     * @param keepColumns whether the forward pass keeps its columns for the weight gradient (training), as far
     *                    as {@link #KEPT_COLUMNS_MAX} allows; without them a backward pass computes them again
     */
    Conv2dFunction(Window window, int groups, boolean keepColumns) {
        this.window = window;
        this.groups = groups;
        this.keepColumns = keepColumns;
    }

    @Override
    public String name() {
        return "conv2d";
    }

    @Override
    public String describe() {
        return window + (groups > 1 ? ", groups " + groups : "");
    }

    @Override
    protected NDArray forward(NDArray... in) {
        x = in[0].contiguous();
        window.checkFits(x.shape(), x.dim(2), x.dim(3));
        w = in[1].to(x.dtype()).contiguous();
        NDArray b = in.length > 2 ? in[2].to(x.dtype()).contiguous() : null;
        return convolve(x, w, b, keepColumns);
    }

    private static Object data(NDArray a) {
        return a.dtype() == DType.F32 ? a.floatStorage() : a.doubleStorage();
    }

    /** conv(xs, ws) + bs; keeps the whole batch's columns in {@link #columns} when {@code keep}. */
    private NDArray convolve(NDArray xs, NDArray ws, NDArray bs, boolean keep) {
        if (DirectConvolution.applies(xs, ws, window, groups)) return DirectConvolution.forward(xs, ws, bs, window);
        int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), wd = xs.dim(3), o = ws.dim(0);
        int oh = window.outH(h), ow = window.outW(wd), p = oh * ow, og = o / groups;
        int k = c / groups * window.kh() * window.kw();
        if (k > ConvKernels.SHORT_K) return convolveByImage(xs, ws, bs, keep && (long) groups * k * n * p <= KEPT_COLUMNS_MAX);
        DType dt = xs.dtype();
        NDArray y = NDArray.zeros(dt, n, o, oh, ow);
        int chunk = keep ? n : (int) Math.max(1, Math.min(n, CHUNK_VALUES / ((long) groups * k * p)));
        Object cols = Workspace.take(dt, groups * k * chunk * p);
        Object prod = Workspace.take(dt, o * chunk * p);
        Object xd = data(xs), wdata = data(ws), bias = bs == null ? null : data(bs), yd = data(y);
        int xo = xs.offset(), wo = ws.offset(), bo = bs == null ? 0 : bs.offset();
        for (int b0 = 0; b0 < n; b0 += chunk) {
            int first = b0, count = Math.min(chunk, n - b0), ld = count * p;
            Parallel.forRange(count, 1, (lo, hi) ->
                    ConvKernels.im2col(xd, xo, c, h, wd, window, groups, first + lo, first + hi, first, cols, ld));
            for (int g = 0; g < groups; g++) {
                ConvKernels.gemm(false, false, og, ld, k, wdata, wo + g * og * k, k, cols, g * k * ld, ld, prod, g * og * ld, ld);
            }
            Parallel.forRange(count, 1, (lo, hi) ->
                    ConvKernels.channelsToImages(prod, ld, first, o, p, bias, bo, first + lo, first + hi, yd, 0));
        }
        Workspace.give(prod);
        if (keep) columns = cols;
        else Workspace.give(cols);
        return y;
    }

    /** Images per task of the image-by-image loops: neighbours on one thread share no cache line of the columns. */
    static final int IMAGES_PER_TASK = 4;

    /**
     * Output channels per group up to which a float32 image's product is computed transposed,
     * {@code y_b^T [P, O] = columns_b^T W^T}, and then transposed into y: LeNet-5's second layer (16 channels,
     * 10 x 10 pixels) as a 16 x 100 product wastes a quarter of the 5-row register tiles on its last panel of one
     * row and most of its last strip of 4 columns, while 100 x 16 fills every tile and reads the columns where they
     * are instead of packing them. Each value is the same fma chain (a b = b a), so the bits are the same. The cnn
     * model's 64 channels ran slower that way (bench/RESULTS.md).
     */
    static final int TRANSPOSED_MAX_CHANNELS = 16;

    /**
     * {@link #convolve} for layers with more than {@link ConvKernels#SHORT_K} taps: image by image, the im2col of
     * one image and then one GEMM per group straight into that image's slice of y (with few channels, transposed
     * through a small buffer: {@link #TRANSPOSED_MAX_CHANNELS}), the bias added while the slice is still in cache,
     * so no channel-major product is written and copied out. With {@code keep}, the whole
     * batch's columns are kept (image b's at column b P); otherwise each thread reuses one image's (an L2 cache's
     * worth: 288 taps x 196 pixels is 225 KiB). Each output value is the same fma chain over the taps as in the
     * batched product, so the bits are the same.
     */
    private NDArray convolveByImage(NDArray xs, NDArray ws, NDArray bs, boolean keep) {
        int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), wd = xs.dim(3), o = ws.dim(0);
        int oh = window.outH(h), ow = window.outW(wd), p = oh * ow, og = o / groups;
        int k = c / groups * window.kh() * window.kw();
        DType dt = xs.dtype();
        NDArray y = NDArray.zeros(dt, n, o, oh, ow);
        Object batchCols = keep ? Workspace.take(dt, groups * k * n * p) : null;
        int ld = keep ? n * p : p;
        Object xd = data(xs), wdata = data(ws), bias = bs == null ? null : data(bs), yd = data(y);
        int xo = xs.offset(), wo = ws.offset(), bo = bs == null ? 0 : bs.offset();
        boolean transposed = yd instanceof float[] && og <= TRANSPOSED_MAX_CHANNELS;
        // tasks claimed by whichever thread is free (on a shared machine the caller may do most of them)
        Parallel.forEachTask((n + IMAGES_PER_TASK - 1) / IMAGES_PER_TASK, t -> {
            Object cols = keep ? batchCols : Workspace.take(dt, groups * k * p);
            float[] yt = transposed ? (float[]) Workspace.take(dt, p * og) : null;
            for (int b = t * IMAGES_PER_TASK, end = Math.min(n, b + IMAGES_PER_TASK); b < end; b++) {
                int base = keep ? 0 : b;
                ConvKernels.im2col(xd, xo, c, h, wd, window, groups, b, b + 1, base, cols, ld);
                for (int g = 0; g < groups; g++) {
                    int colsAt = g * k * ld + (b - base) * p, yAt = (b * o + g * og) * p;
                    if (transposed) {
                        ConvKernels.gemm(true, true, p, og, k, cols, colsAt, ld, wdata, wo + g * og * k, k, yt, 0, og);
                        ConvKernels.transposeInto(yt, p, og, (float[]) yd, yAt);
                    } else {
                        ConvKernels.gemm(false, false, og, p, k, wdata, wo + g * og * k, k, cols, colsAt, ld, yd, yAt, p);
                    }
                }
                if (bias != null) ConvKernels.addBias(yd, b * o * p, o, p, bias, bo);
            }
            if (yt != null) Workspace.give(yt);
            if (!keep) Workspace.give(cols);
        });
        if (keep) columns = batchCols;
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray gradOutput, boolean[] needsGrad) {
        NDArray gy = gradOutput.to(x.dtype()).contiguous();
        if (!needsGrad[0] && DirectConvolution.appliesToWeightGrad(x, w, window, groups)) {
            return DirectConvolution.backward(x, w, gy, window, needsGrad);
        }
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0);
        int p = window.outH(h) * window.outW(wd), og = o / groups, np = n * p;
        int k = c / groups * window.kh() * window.kw();
        DType dt = x.dtype();
        Object gyd = data(gy), wdata = data(w);
        int go = gy.offset(), wo = w.offset();
        Object gt = Workspace.take(dt, o * np);
        Parallel.forPieces(n, 1, (lo, hi) -> ConvKernels.imagesToChannels(gyd, go, o, p, n, lo, hi, gt));
        NDArray[] grads = new NDArray[needsGrad.length];
        if (needsGrad.length > 2 && needsGrad[2]) {
            NDArray gb = NDArray.zeros(dt, o);
            Parallel.forPieces(o, 1, (lo, hi) -> ConvKernels.rowSums(gt, np, lo, hi, data(gb), 0));
            grads[2] = gb;
        }
        // a layer that ran image by image without keeping its columns sums its weight gradient block by block
        boolean byBlocks = k > ConvKernels.SHORT_K && columns == null;
        if (needsGrad[1] && !byBlocks) {
            if (columns == null) {
                columns = Workspace.take(dt, groups * k * np);
                Object xd = data(x);
                Parallel.forRange(n, 1, (lo, hi) -> ConvKernels.im2col(xd, x.offset(), c, h, wd, window, groups, lo, hi, 0, columns, np));
            }
            NDArray gw = NDArray.zeros(dt, w.shape());
            for (int g = 0; g < groups; g++) {
                ConvKernels.rowDots(og, k, np, gt, g * og * np, np, columns, g * k * np, np, data(gw), g * og * k, k);
            }
            grads[1] = gw;
        }
        Workspace.give(columns);
        columns = null;
        gradientsByImages(gt, wdata, wo, needsGrad[1] && byBlocks, needsGrad[0], grads);
        Workspace.give(gt);
        return grads;
    }

    /**
     * The input gradient (into {@code grads[0]}, with {@code input}) and, for a layer that kept no columns, the
     * weight gradient (into {@code grads[1]}, with {@code weight}), from the channel-major output gradient gt
     * [O, N P], per block of {@link #IMAGES_PER_TASK} images: the block's columns computed again into a buffer of
     * the thread's, their products with the block's output gradient (one per group, [O / G, 4 P] x [4 P, K]) into
     * the block's own partial weight gradient, then, in the same buffer, the columns' gradient W^T gt and its
     * col2im. The partial sums are added in block order, so the bits depend on the batch size alone, not on the
     * threads. The input gradient's column values are the same fma chains over the output channels as in one
     * product over the batch, so its bits are that product's.
     */
    private void gradientsByImages(Object gt, Object wdata, int wo, boolean weight, boolean input, NDArray[] grads) {
        if (!weight && !input) return;
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0);
        int p = window.outH(h) * window.outW(wd), og = o / groups, np = n * p;
        int k = c / groups * window.kh() * window.kw(), blocks = (n + IMAGES_PER_TASK - 1) / IMAGES_PER_TASK;
        int perBlock = o * k;
        DType dt = x.dtype();
        Object partials = weight ? Workspace.take(dt, blocks * perBlock) : null;
        NDArray gx = input ? NDArray.zeros(dt, x.shape()) : null;
        Object xd = data(x), gxd = input ? data(gx) : null;
        Parallel.forEachTask(blocks, t -> {
            int b0 = t * IMAGES_PER_TASK, b1 = Math.min(n, b0 + IMAGES_PER_TASK), ld = (b1 - b0) * p;
            Object cols = Workspace.take(dt, groups * k * ld);
            if (weight) {
                ConvKernels.im2col(xd, x.offset(), c, h, wd, window, groups, b0, b1, b0, cols, ld);
                for (int g = 0; g < groups; g++) {
                    ConvKernels.rowDots(og, k, ld, gt, g * og * np + b0 * p, np, cols, g * k * ld, ld,
                            partials, t * perBlock + g * og * k, k);
                }
            }
            if (input) {
                for (int g = 0; g < groups; g++) {
                    ConvKernels.gemm(true, false, k, ld, og, wdata, wo + g * og * k, k, gt, g * og * np + b0 * p, np,
                            cols, g * k * ld, ld);
                }
                ConvKernels.col2im(cols, ld, b0, c, h, wd, window, groups, b0, b1, gxd, 0);
            }
            Workspace.give(cols);
        });
        if (weight) {
            NDArray gw = NDArray.zeros(dt, w.shape());
            Object gwd = data(gw);
            Parallel.forPieces(perBlock, 1024, (lo, hi) -> ConvKernels.sumBlocks(partials, perBlock, blocks, lo, hi, gwd));
            Workspace.give(partials);
            grads[1] = gw;
        }
        if (input) grads[0] = gx;
    }

    @Override
    protected NDArray jvp(NDArray[] t) {
        NDArray out = null;
        if (t[0] != null) out = convolve(t[0].to(x.dtype()).contiguous(), w, null, false);
        if (t[1] != null) {
            NDArray viaWeight = convolve(x, t[1].to(x.dtype()).contiguous(), null, false);
            out = out == null ? viaWeight : out.add(viaWeight);
        }
        if (t.length > 2 && t[2] != null) {
            NDArray viaBias = t[2].to(x.dtype()).reshape(1, w.dim(0), 1, 1);
            out = out == null ? viaBias : out.add(viaBias);
        }
        return out;
    }
}
