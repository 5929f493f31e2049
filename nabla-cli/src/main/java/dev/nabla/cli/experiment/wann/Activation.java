package dev.nabla.cli.experiment.wann;

/**
 * The node activations a weight agnostic network chooses among (the set of Gaier and Ha, 2019). {@code INVERSE}
 * is the paper's "inverse", the negation {@code -x}. {@link FloatMath} keeps every value the same on every JVM and
 * in interpreted and compiled code alike, so a search is reproducible bit for bit.
 */
public enum Activation {
    LINEAR("lin"), STEP("step"), SIN("sin"), GAUSSIAN("gauss"), TANH("tanh"), SIGMOID("sigm"), INVERSE("inv"),
    ABS("abs"), RELU("relu"), COS("cos");

    private final String label;

    Activation(String label) {
        this.label = label;
    }

    /** A short name for drawings and tables. */
    public String label() {
        return label;
    }

    /** The function at {@code x}. */
    public float apply(float x) {
        return switch (this) {
            case LINEAR -> x;
            case STEP -> x > 0 ? 1f : 0f;
            case SIN -> FloatMath.sinPi(x);
            case GAUSSIAN -> FloatMath.exp(-0.5f * x * x);
            case TANH -> FloatMath.tanh(x);
            case SIGMOID -> FloatMath.sigmoid(x);
            case INVERSE -> -x;
            case ABS -> Math.abs(x);
            case RELU -> Math.max(0f, x);
            case COS -> FloatMath.cosPi(x);
        };
    }

    /**
     * {@code x[j] = f(scale * x[j])} for every j: one branch on the function, then a plain loop (LINEAR, STEP,
     * INVERSE, ABS and RELU vectorize), the same values as {@link #apply(float)}.
     */
    public void applyScaled(float[] x, float scale) {
        switch (this) {
            case LINEAR -> {
                for (int j = 0; j < x.length; j++) x[j] = scale * x[j];
            }
            case INVERSE -> {
                for (int j = 0; j < x.length; j++) x[j] = -(scale * x[j]);
            }
            case ABS -> {
                for (int j = 0; j < x.length; j++) x[j] = Math.abs(scale * x[j]);
            }
            case RELU -> {
                for (int j = 0; j < x.length; j++) x[j] = Math.max(0f, scale * x[j]);
            }
            case STEP -> {
                for (int j = 0; j < x.length; j++) x[j] = scale * x[j] > 0 ? 1f : 0f;
            }
            default -> {
                for (int j = 0; j < x.length; j++) x[j] = apply(scale * x[j]);
            }
        }
    }

    /** The activation named {@code name} (the enum name, any case, or its label). */
    public static Activation parse(String name) {
        for (Activation a : values()) {
            if (a.name().equalsIgnoreCase(name) || a.label.equals(name)) return a;
        }
        throw new IllegalArgumentException("unknown activation '" + name + "'");
    }
}
