package dev.nabla.optim;

import dev.nabla.InputException;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.NDArray;

import java.util.Locale;

/**
 * A non-smooth penalty {@code lambda * R(W)} on a parameter, with its proximal operator and a subgradient.
 *
 * <ul>
 *   <li>{@code l1}: {@code R(W) = sum |w_i|}. Its proximal operator with step {@code t = lr * lambda} is soft
 *       thresholding, {@code w_i <- sign(w_i) * max(|w_i| - t, 0)}: every weight within {@code t} of zero
 *       becomes exactly zero.</li>
 *   <li>{@code group}: group lasso over the slices along the first axis, {@code R(W) = sum_r ||W[r]||_2}. For a
 *       {@link dev.nabla.nn.Linear} weight {@code [out, in]} a slice is a row, the weights into one unit: the
 *       operator {@code W[r] <- W[r] * max(0, 1 - t / ||W[r]||_2)} switches off whole hidden units (they then
 *       output {@code act(bias)}, a constant the next layer's bias can absorb, so the unit can be pruned). A
 *       vector's slices are its elements, where this is {@code l1}.</li>
 * </ul>
 *
 * {@link #toString()} writes the form {@link #parse} reads: {@code none}, {@code l1:0.0001}, {@code group:0.01}.
 *
 * @param kind     {@code none}, {@code l1} or {@code group}
 * @param strength lambda, >= 0
 */
public record Penalty(String kind, double strength) {

    /** No penalty. */
    public static final Penalty NONE = new Penalty("none", 0);

    public Penalty {
        if (!kind.equals("none") && !kind.equals("l1") && !kind.equals("group")) {
            throw new InputException("penalty: unknown kind '" + kind + "' (expected none, l1 or group)");
        }
        if (!(strength >= 0) || Double.isInfinite(strength)) {
            throw new InputException("penalty: strength must be a number >= 0, got " + strength);
        }
        if (kind.equals("none")) strength = 0;
    }

    public static Penalty l1(double strength) {
        return new Penalty("l1", strength);
    }

    public static Penalty group(double strength) {
        return new Penalty("group", strength);
    }

    /** Reads {@code none}, {@code l1:X} or {@code group:X}; null when the text is none of these. */
    public static Penalty parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("none")) return NONE;
        int colon = t.indexOf(':');
        if (colon < 0) return null;
        String kind = t.substring(0, colon);
        if (!kind.equals("l1") && !kind.equals("group")) return null;
        double x = Double.parseDouble(t.substring(colon + 1));
        return Double.isFinite(x) && x >= 0 ? new Penalty(kind, x) : null;
    }

    /** Whether this penalty changes anything (a kind other than none and a strength > 0). */
    public boolean active() {
        return strength > 0;
    }

    /**
     * Applies the proximal operator of {@code t * R} to {@code w} in place, {@code t = lr * strength} (the
     * closed forms above). {@code w} is contiguous.
     */
    public void prox(NDArray w, double lr) {
        if (!active()) return;
        double t = lr * strength;
        int n = w.numel(), off = w.offset(), len = sliceLength(w);
        if (w.dtype() == DType.F32) {
            float[] a = w.floatStorage();
            float tf = (float) t;
            if (kind.equals("l1")) {
                for (int i = off; i < off + n; i++) a[i] = Math.abs(a[i]) > tf ? a[i] - Math.copySign(tf, a[i]) : 0f;
            } else {
                for (int s = off; s < off + n; s += len) {
                    double norm = 0;
                    for (int i = s; i < s + len; i++) norm += (double) a[i] * a[i];
                    float scale = (float) Math.max(0, 1 - t / Math.sqrt(norm)); // norm 0: 1 - inf, scale 0
                    for (int i = s; i < s + len; i++) a[i] *= scale;
                }
            }
        } else {
            double[] a = w.doubleStorage();
            if (kind.equals("l1")) {
                for (int i = off; i < off + n; i++) a[i] = Math.abs(a[i]) > t ? a[i] - Math.copySign(t, a[i]) : 0;
            } else {
                for (int s = off; s < off + n; s += len) {
                    double norm = 0;
                    for (int i = s; i < s + len; i++) norm += a[i] * a[i];
                    double scale = Math.max(0, 1 - t / Math.sqrt(norm));
                    for (int i = s; i < s + len; i++) a[i] *= scale;
                }
            }
        }
    }

    /**
     * Adds {@code strength} times a subgradient of {@code R} at {@code w} to {@code g}, in place: {@code sign(w_i)}
     * for l1 (0 at 0), {@code W[r] / ||W[r]||} for group (0 for a zero row). Plain gradient descent on the
     * penalized loss takes this step; it moves weights across zero rather than onto it.
     */
    public void addSubgradient(NDArray w, NDArray g) {
        if (!active()) return;
        int n = w.numel(), wo = w.offset(), go = g.offset(), len = sliceLength(w);
        boolean f32 = w.dtype() == DType.F32;
        float[] wf = f32 ? w.floatStorage() : null, gf = f32 ? g.floatStorage() : null;
        double[] wd = f32 ? null : w.doubleStorage(), gd = f32 ? null : g.doubleStorage();
        for (int s = 0; s < n; s += len) {
            double norm = 0;
            if (kind.equals("group")) {
                for (int i = s; i < s + len; i++) {
                    double x = f32 ? wf[wo + i] : wd[wo + i];
                    norm += x * x;
                }
                norm = Math.sqrt(norm);
            }
            for (int i = s; i < s + len; i++) {
                double x = f32 ? wf[wo + i] : wd[wo + i];
                double sub = kind.equals("l1") ? Math.signum(x) : norm == 0 ? 0 : x / norm;
                if (f32) gf[go + i] += (float) (strength * sub);
                else gd[go + i] += strength * sub;
            }
        }
    }

    // elements per group: a row of the first axis for group (a matrix's row), one for l1
    private int sliceLength(NDArray w) {
        if (kind.equals("l1") || w.shape().length < 2) return 1;
        return w.numel() / w.shape()[0];
    }

    @Override
    public String toString() {
        if (kind.equals("none")) return "none";
        return kind + ":" + new java.math.BigDecimal(Double.toString(strength)).stripTrailingZeros().toPlainString();
    }
}
