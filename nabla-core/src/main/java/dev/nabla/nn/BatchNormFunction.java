package dev.nabla.nn;

import dev.nabla.autograd.Function;
import dev.nabla.kernel.Parallel;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;

/**
 * Batch normalisation with the batch's statistics as one op (see {@link LayerOps#batchNorm}): x [N, C] or
 * [N, C, H, W], gamma and beta [C] -> (x - mean) / sqrt(var + eps) gamma + beta per channel, the variance biased.
 * Each channel is one pass for its mean, one for its variance and one for the output, summed in double in a fixed
 * order; the backward pass needs the two sums over the channel, sum g and sum g xhat:
 * {@code dx = gamma / sigma (g - sum g / M - xhat sum g xhat / M)}, {@code dgamma = sum g xhat},
 * {@code dbeta = sum g}, and the JVP {@code dy = gamma (dx - mean dx - xhat mean(xhat dx)) / sigma + xhat dgamma
 * + dbeta}. Channels are split over threads, so every thread count gives the same bits.
 */
final class BatchNormFunction extends Function {
    private final double eps;
    private NDArray x;
    private NDArray gamma;
    private double[] mean;
    private double[] invStd;
    private double[] variance;

    BatchNormFunction(double eps) {
        this.eps = eps;
    }

    @Override
    public String name() {
        return "batch_norm";
    }

    /** The batch's per-channel mean, after {@link #apply}. */
    double[] mean() {
        return mean.clone();
    }

    /** The batch's per-channel biased variance, after {@link #apply}. */
    double[] variance() {
        return variance.clone();
    }

    private static double at(Object a, int i) {
        return a instanceof float[] f ? f[i] : ((double[]) a)[i];
    }

    private static void put(Object a, int i, double v) {
        if (a instanceof float[] f) f[i] = (float) v; else ((double[]) a)[i] = v;
    }

    private static Object data(NDArray a) {
        return a.dtype() == DType.F32 ? a.floatStorage() : a.doubleStorage();
    }

    private int channels() {
        return x.dim(1);
    }

    /** Values per channel and image: H W, or 1 for [N, C]. */
    private int plane() {
        return x.rank() == 2 ? 1 : x.dim(2) * x.dim(3);
    }

    @Override
    protected NDArray forward(NDArray... in) {
        x = in[0].contiguous();
        gamma = in[1].to(x.dtype()).contiguous();
        NDArray beta = in[2].to(x.dtype()).contiguous();
        int n = x.dim(0), c = channels(), hw = plane(), m = n * hw;
        mean = new double[c];
        invStd = new double[c];
        variance = new double[c];
        NDArray y = NDArray.zeros(x.dtype(), x.shape());
        Object xd = data(x), gd = data(gamma), bd = data(beta), yd = data(y);
        int xo = x.offset(), go = gamma.offset(), bo = beta.offset();
        Parallel.forRange(c, 1, (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                double s = 0;
                for (int b = 0; b < n; b++) for (int q = 0, i = xo + (b * c + ch) * hw; q < hw; q++) s += at(xd, i + q);
                double mu = s / m, ss = 0;
                for (int b = 0; b < n; b++) {
                    for (int q = 0, i = xo + (b * c + ch) * hw; q < hw; q++) {
                        double d = at(xd, i + q) - mu;
                        ss += d * d;
                    }
                }
                double inv = 1 / Math.sqrt(ss / m + eps), scale = at(gd, go + ch) * inv, shift = at(bd, bo + ch);
                mean[ch] = mu;
                variance[ch] = ss / m;
                invStd[ch] = inv;
                for (int b = 0; b < n; b++) {
                    for (int q = 0, i = (b * c + ch) * hw; q < hw; q++) put(yd, i + q, (at(xd, xo + i + q) - mu) * scale + shift);
                }
            }
        });
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray gradOutput, boolean[] needsGrad) {
        NDArray g = gradOutput.to(x.dtype()).contiguous();
        int n = x.dim(0), c = channels(), hw = plane(), m = n * hw;
        DType dt = x.dtype();
        NDArray gx = needsGrad[0] ? NDArray.zeros(dt, x.shape()) : null;
        NDArray gGamma = NDArray.zeros(dt, c), gBeta = NDArray.zeros(dt, c);
        Object xd = data(x), gd = data(g), gam = data(gamma), gxd = gx == null ? null : data(gx);
        Object ggd = data(gGamma), gbd = data(gBeta);
        int xo = x.offset(), go = g.offset(), gamo = gamma.offset();
        Parallel.forRange(c, 1, (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                double mu = mean[ch], inv = invStd[ch], sg = 0, sgx = 0;
                for (int b = 0; b < n; b++) {
                    for (int q = 0, i = (b * c + ch) * hw; q < hw; q++) {
                        double gv = at(gd, go + i + q);
                        sg += gv;
                        sgx += gv * (at(xd, xo + i + q) - mu) * inv;
                    }
                }
                put(ggd, ch, sgx);
                put(gbd, ch, sg);
                if (gxd == null) continue;
                double k = at(gam, gamo + ch) * inv, mg = sg / m, mgx = sgx / m;
                for (int b = 0; b < n; b++) {
                    for (int q = 0, i = (b * c + ch) * hw; q < hw; q++) {
                        double xhat = (at(xd, xo + i + q) - mu) * inv;
                        put(gxd, i + q, k * (at(gd, go + i + q) - mg - xhat * mgx));
                    }
                }
            }
        });
        return new NDArray[] {gx, needsGrad[1] ? gGamma : null, needsGrad[2] ? gBeta : null};
    }

    @Override
    protected NDArray jvp(NDArray[] t) {
        int n = x.dim(0), c = channels(), hw = plane(), m = n * hw;
        DType dt = x.dtype();
        NDArray out = NDArray.zeros(dt, x.shape());
        NDArray tx = t[0] == null ? null : t[0].to(dt).contiguous();
        NDArray tg = t[1] == null ? null : t[1].to(dt).contiguous(), tb = t[2] == null ? null : t[2].to(dt).contiguous();
        Object xd = data(x), gam = data(gamma), od = data(out);
        Object txd = tx == null ? null : data(tx), tgd = tg == null ? null : data(tg), tbd = tb == null ? null : data(tb);
        int xo = x.offset(), gamo = gamma.offset(), txo = tx == null ? 0 : tx.offset();
        int tgo = tg == null ? 0 : tg.offset(), tbo = tb == null ? 0 : tb.offset();
        Parallel.forRange(c, 1, (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                double mu = mean[ch], inv = invStd[ch], sdx = 0, sxdx = 0;
                if (txd != null) {
                    for (int b = 0; b < n; b++) {
                        for (int q = 0, i = (b * c + ch) * hw; q < hw; q++) {
                            double d = at(txd, txo + i + q);
                            sdx += d;
                            sxdx += (at(xd, xo + i + q) - mu) * inv * d;
                        }
                    }
                }
                double k = at(gam, gamo + ch) * inv, dg = tgd == null ? 0 : at(tgd, tgo + ch), db = tbd == null ? 0 : at(tbd, tbo + ch);
                for (int b = 0; b < n; b++) {
                    for (int q = 0, i = (b * c + ch) * hw; q < hw; q++) {
                        double xhat = (at(xd, xo + i + q) - mu) * inv;
                        double d = txd == null ? 0 : k * (at(txd, txo + i + q) - sdx / m - xhat * sxdx / m);
                        put(od, i + q, d + xhat * dg + db);
                    }
                }
            }
        });
        return out;
    }
}
