package dev.nabla.spark;

import dev.nabla.nn.Parameter;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;
import dev.nabla.train.Evaluation;
import dev.nabla.train.Replicas;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link Replicas} over a {@link RingAllreduce}: a step's gradients travel as one array (float32 for a float32
 * model, else float64), each replica's mean gradient times its sample count, with the count as the last element;
 * the sums divided by the total count are the global batch's mean gradient. It also counts what the ring costs.
 * A ring of one changes nothing, so that one worker gives the bits of a run without Spark.
 *
 * <p>Validation and test run on replica 0 alone, which hands its results round the ring: the others hold the
 * same weights and would only compute the same numbers again.
 */
final class RingReplicas implements Replicas {
    private final RingAllreduce ring;
    private float[] floats = new float[0];
    private double[] doubles = new double[0];
    private int elements;
    private long gradientSteps, gradientNanos, gradientBytes, allNanos;

    RingReplicas(RingAllreduce ring) {
        this.ring = ring;
    }

    @Override
    public int rank() {
        return ring.rank();
    }

    @Override
    public int count() {
        return ring.size();
    }

    @Override
    public double mean(double localMean, long samples) {
        if (ring.size() == 1) return localMean; // alone: the bits of a run without replicas
        long t0 = System.nanoTime();
        double[] v = {samples == 0 ? 0 : localMean * samples, samples};
        ring.sum(v);
        allNanos += System.nanoTime() - t0;
        return v[0] / v[1];
    }

    /**
     * Replica 0 evaluates; the others add -0.0 to each of its values in the ring, which leaves every value as it
     * is ({@code x + -0.0 == x} for every x, signed zeros and NaN included), so all get replica 0's bits.
     */
    @Override
    public Evaluation evaluate(Supplier<Evaluation> evaluation) {
        if (ring.size() == 1) return evaluation.get();
        Evaluation e = ring.rank() == 0 ? evaluation.get() : null;
        long t0 = System.nanoTime();
        double[] classes = {e == null ? -0.0 : e.perClassAccuracy().length};
        ring.sum(classes);
        int k = (int) classes[0];
        double[] v = new double[2 + k + k * k];
        if (e == null) {
            Arrays.fill(v, -0.0);
        } else {
            v[0] = e.loss();
            v[1] = e.accuracy();
            System.arraycopy(e.perClassAccuracy(), 0, v, 2, k);
            for (int t = 0; t < k; t++) for (int p = 0; p < k; p++) v[2 + k + t * k + p] = e.confusion()[t][p];
        }
        ring.sum(v);
        allNanos += System.nanoTime() - t0;
        if (e != null) return e;
        int[][] confusion = new int[k][k];
        for (int t = 0; t < k; t++) for (int p = 0; p < k; p++) confusion[t][p] = (int) v[2 + k + t * k + p];
        return new Evaluation(v[0], v[1], Arrays.copyOfRange(v, 2, 2 + k), confusion);
    }

    @Override
    public void averageGradients(List<Parameter> params, long samples) {
        long t0 = System.nanoTime(), sent0 = ring.bytesSent();
        int n = 1;
        boolean single = true;
        for (Parameter p : params) {
            n += p.value().numel();
            single &= p.value().dtype() == DType.F32;
        }
        gradientSteps++;
        elements = n;
        if (ring.size() == 1) return;
        if (single) {
            if (floats.length != n) floats = new float[n];
            int at = 0;
            for (Parameter p : params) {
                NDArray g = p.grad() == null || samples == 0 ? null : p.grad().to(DType.F32).contiguous();
                int len = p.value().numel();
                if (g == null) {
                    java.util.Arrays.fill(floats, at, at + len, 0f);
                } else {
                    float[] src = g.floatStorage();
                    for (int i = 0, o = g.offset(); i < len; i++) floats[at + i] = src[o + i] * samples;
                }
                at += len;
            }
            floats[at] = samples;
            ring.sum(floats);
            float total = floats[at];
            at = 0;
            for (Parameter p : params) {
                float[] g = new float[p.value().numel()];
                for (int i = 0; i < g.length; i++) g[i] = floats[at + i] / total;
                at += g.length;
                p.tensor().setGrad(NDArray.of(g, p.shape()));
            }
        } else {
            if (doubles.length != n) doubles = new double[n];
            int at = 0;
            for (Parameter p : params) {
                NDArray g = p.grad();
                int len = p.value().numel();
                for (int i = 0; i < len; i++) doubles[at + i] = g == null || samples == 0 ? 0 : g.getFlat(i) * samples;
                at += len;
            }
            doubles[at] = samples;
            ring.sum(doubles);
            double total = doubles[at];
            at = 0;
            for (Parameter p : params) {
                double[] g = new double[p.value().numel()];
                for (int i = 0; i < g.length; i++) g[i] = doubles[at + i] / total;
                at += g.length;
                p.tensor().setGrad(NDArray.of(g, p.shape()).to(p.value().dtype()));
            }
        }
        long dt = System.nanoTime() - t0;
        gradientNanos += dt;
        allNanos += dt;
        gradientBytes += ring.bytesSent() - sent0;
    }

    /** The values of one gradient exchange: every parameter, and the sample count. */
    int elements() {
        return elements;
    }

    /** Gradient exchanges so far (one per step). */
    long steps() {
        return gradientSteps;
    }

    /** Bytes this replica sent per gradient exchange, on average. */
    double gradientBytesPerStep() {
        return gradientSteps == 0 ? 0 : (double) gradientBytes / gradientSteps;
    }

    /** Seconds spent in gradient exchanges, per step (copying in and out included). */
    double gradientSecondsPerStep() {
        return gradientSteps == 0 ? 0 : gradientNanos / 1e9 / gradientSteps;
    }

    /** Seconds spent in every exchange (gradients, losses, accuracies), waiting for slower replicas included. */
    double exchangeSeconds() {
        return allNanos / 1e9;
    }
}
