package dev.nabla.autograd;

import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Gradient checking by central finite differences, evaluated in float64.
 *
 * <p>A function with any output shape is reduced to the scalar L(x) = sum(f(x) * r) for a fixed random r,
 * whose gradient is the vector-Jacobian product with r. For each input the analytic gradient (reverse mode) is
 * compared element by element with (L(x + h e_k) - L(x - h e_k)) / 2h; an element fails when
 * |analytic - numerical| > atol + rtol * |numerical| (PyTorch's defaults: h = 1e-6, atol = 1e-5, rtol = 1e-3).
 * Forward mode is checked too: the JVP of L along a random direction must equal the reverse-mode gradient's dot
 * product with that direction (to rounding) and the finite-difference directional derivative. Finally a zero
 * seed must give zero gradients, and a second run must give the same gradients.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * @param eps                finite-difference step h
     * @param atol               absolute tolerance
     * @param rtol               relative tolerance
     * @param maxEntriesPerInput check at most this many (randomly chosen) elements of each input; 0 means all
     * @param seed               seed of the projection, directions and sampled elements
     */
    public record Options(double eps, double atol, double rtol, int maxEntriesPerInput, long seed) {
        public static Options defaults() {
            return new Options(1e-6, 1e-5, 1e-3, 0, 42);
        }

        public Options withMaxEntries(int n) {
            return new Options(eps, atol, rtol, n, seed);
        }

        public Options withTolerance(double atol, double rtol) {
            return new Options(eps, atol, rtol, maxEntriesPerInput, seed);
        }
    }

    /** The comparison for one input: worst errors and where. */
    public record InputReport(int input, int[] shape, int checked, double maxAbsError, double maxRelError,
                              int worstIndex, double analyticAtWorst, double numericalAtWorst, boolean passed) {
        @Override
        public String toString() {
            return String.format("input %d %s: %d checked, max |num-ana| = %.3g, max rel = %.3g at [%d] (analytic %.6g, numerical %.6g)%s",
                    input, Shape.str(shape), checked, maxAbsError, maxRelError, worstIndex, analyticAtWorst, numericalAtWorst,
                    passed ? "" : "  FAILED");
        }
    }

    /** The whole check. {@link #passed()} is true only when every part passed. */
    public record Report(List<InputReport> inputs, double forwardVsReverse, double forwardVsNumerical,
                         boolean zeroSeedGivesZero, boolean reentrant, boolean passed) {
        public String summary() {
            StringBuilder sb = new StringBuilder();
            for (InputReport r : inputs) sb.append(r).append('\n');
            sb.append(String.format("forward vs reverse (JVP vs VJP.v): %.3g; forward vs finite differences: %.3g%n",
                    forwardVsReverse, forwardVsNumerical));
            if (!zeroSeedGivesZero) sb.append("a zero upstream gradient gave non-zero gradients (backward ignores its input)\n");
            if (!reentrant) sb.append("a second backward run gave different gradients\n");
            sb.append(passed ? "gradcheck passed" : "gradcheck FAILED");
            return sb.toString();
        }
    }

    /** Thrown by {@link #assertPasses} with the report's summary. */
    public static final class GradCheckFailed extends AssertionError {
        public final Report report;

        GradCheckFailed(Report report) {
            super(report.summary());
            this.report = report;
        }
    }

    public static Report check(Function<Tensor[], Tensor> f, NDArray... inputs) {
        return check(f, Options.defaults(), inputs);
    }

    /** Throws {@link GradCheckFailed} unless the check passes; returns the report. */
    public static Report assertPasses(Function<Tensor[], Tensor> f, NDArray... inputs) {
        Report r = check(f, Options.defaults(), inputs);
        if (!r.passed()) throw new GradCheckFailed(r);
        return r;
    }

    public static Report check(Function<Tensor[], Tensor> f, Options o, NDArray... inputs) {
        Random rng = new Random(o.seed());
        NDArray[] x = new NDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) x[i] = inputs[i].to(DType.F64).copy();

        NDArray projection;
        try (var off = Grad.disabled()) {
            NDArray out = f.apply(constants(x)).value();
            projection = NDArray.uniform(rng, -1, 1, DType.F64, out.shape());
        }

        NDArray[] analytic = analyticGradients(f, x, projection);
        NDArray[] again = analyticGradients(f, x, projection);
        boolean reentrant = true;
        for (int i = 0; i < x.length; i++) reentrant &= analytic[i].allClose(again[i], 0, 0);

        boolean passed = reentrant;
        List<InputReport> reports = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            InputReport r = compareInput(f, x, i, analytic[i], projection, o, rng);
            reports.add(r);
            passed &= r.passed();
        }

        // Forward mode: JVP of L along v against sum_i <grad_i, v_i> and against finite differences.
        NDArray[] v = new NDArray[x.length];
        double viaReverse = 0;
        for (int i = 0; i < x.length; i++) {
            v[i] = NDArray.uniform(rng, -1, 1, DType.F64, x[i].shape());
            viaReverse += analytic[i].mul(v[i]).sum(false).item();
        }
        double viaForward;
        try (var off = Grad.disabled()) {
            Tensor[] in = constants(x);
            for (int i = 0; i < x.length; i++) in[i].withTangent(v[i]);
            Tensor out = f.apply(in);
            viaForward = out.tangent() == null ? 0 : out.tangent().mul(projection).sum(false).item();
        }
        double numericalDirectional = (projected(f, shifted(x, v, o.eps()), projection)
                - projected(f, shifted(x, v, -o.eps()), projection)) / (2 * o.eps());
        double fwdRev = Math.abs(viaForward - viaReverse);
        double fwdNum = Math.abs(viaForward - numericalDirectional);
        passed &= fwdRev <= 1e-9 * Math.max(1, Math.abs(viaReverse));
        passed &= fwdNum <= o.atol() + o.rtol() * Math.abs(numericalDirectional);

        // Backward must multiply by its upstream gradient: a zero seed gives zero gradients.
        NDArray[] zero = analyticGradients(f, x, NDArray.zeros(DType.F64, projection.shape()));
        boolean zeroOk = true;
        for (NDArray g : zero) zeroOk &= g.abs().max(false).item() == 0;
        passed &= zeroOk;

        return new Report(reports, fwdRev, fwdNum, zeroOk, reentrant, passed);
    }

    private static Tensor[] constants(NDArray[] x) {
        Tensor[] t = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) t[i] = Tensor.of(x[i]);
        return t;
    }

    private static NDArray[] analyticGradients(Function<Tensor[], Tensor> f, NDArray[] x, NDArray seed) {
        try (var on = Grad.enabled()) {
            Tensor[] in = new Tensor[x.length];
            for (int i = 0; i < x.length; i++) in[i] = Tensor.variable(x[i]);
            Tensor out = f.apply(in);
            if (out.requiresGrad()) out.backward(seed);
            NDArray[] g = new NDArray[x.length];
            for (int i = 0; i < x.length; i++) {
                g[i] = in[i].grad() != null ? in[i].grad().to(DType.F64) : NDArray.zeros(DType.F64, x[i].shape());
                if (!java.util.Arrays.equals(g[i].shape(), x[i].shape())) {
                    throw new IllegalStateException("gradient of input " + i + " has shape " + Shape.str(g[i].shape())
                            + ", the input has shape " + Shape.str(x[i].shape()));
                }
            }
            return g;
        }
    }

    private static double projected(Function<Tensor[], Tensor> f, NDArray[] x, NDArray projection) {
        try (var off = Grad.disabled()) {
            return f.apply(constants(x)).value().to(DType.F64).mul(projection).sum(false).item();
        }
    }

    private static NDArray[] shifted(NDArray[] x, NDArray[] v, double h) {
        NDArray[] out = new NDArray[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i].add(v[i].mulScalar(h));
        return out;
    }

    private static InputReport compareInput(Function<Tensor[], Tensor> f, NDArray[] x, int i, NDArray analytic,
                                            NDArray projection, Options o, Random rng) {
        int n = x[i].numel();
        int[] entries;
        if (o.maxEntriesPerInput() > 0 && o.maxEntriesPerInput() < n) {
            entries = rng.ints(0, n).distinct().limit(o.maxEntriesPerInput()).sorted().toArray();
        } else {
            entries = java.util.stream.IntStream.range(0, n).toArray();
        }
        double maxAbs = 0, maxRel = 0, worstA = 0, worstN = 0, worstExcess = Double.NEGATIVE_INFINITY;
        int worst = -1;
        boolean ok = true;
        for (int k : entries) {
            double orig = x[i].getFlat(k);
            x[i].setFlat(k, orig + o.eps());
            double plus = projected(f, x, projection);
            x[i].setFlat(k, orig - o.eps());
            double minus = projected(f, x, projection);
            x[i].setFlat(k, orig);
            double num = (plus - minus) / (2 * o.eps());
            double ana = analytic.getFlat(k);
            double abs = Math.abs(num - ana);
            double denom = Math.max(Math.abs(num), Math.abs(ana));
            double rel = denom == 0 ? 0 : abs / denom;
            double excess = abs - (o.atol() + o.rtol() * Math.abs(num));
            if (excess > 0 || Double.isNaN(abs)) ok = false;
            maxAbs = Math.max(maxAbs, abs);
            maxRel = Math.max(maxRel, rel);
            if (excess > worstExcess || Double.isNaN(abs)) {
                worstExcess = Double.isNaN(abs) ? Double.POSITIVE_INFINITY : excess;
                worst = k;
                worstA = ana;
                worstN = num;
            }
        }
        return new InputReport(i, x[i].shape(), entries.length, maxAbs, maxRel, worst, worstA, worstN, ok);
    }
}
