package dev.nabla.cli.experiment.wann;

/**
 * What the search maximizes for each shared weight value, averaged over the values. The log-likelihood (the
 * paper's choice) rewards a network for every bit of probability it moves toward the true labels, so a mutation
 * that helps without yet flipping a prediction still counts; accuracy only sees flipped predictions. The scaled
 * log-likelihood ({@link Forward#meanScaledLogLikelihood}) does the same without tying the reward to the size of
 * the outputs, which grows with every link a pixel sum gains and with the weight value.
 */
public enum Fitness {
    LOGLIK("loglik"), SCALED("scaled"), ACCURACY("accuracy");

    private final String label;

    Fitness(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The fitness of {@code score} for weight value {@code i}. */
    double of(Score score, int i) {
        return switch (this) {
            case LOGLIK -> score.logLikelihood()[i];
            case SCALED -> score.scaledLogLikelihood()[i];
            case ACCURACY -> score.accuracy()[i];
        };
    }

    /** The fitness named {@code label}. */
    public static Fitness parse(String label) {
        for (Fitness f : values()) if (f.label.equals(label)) return f;
        throw new IllegalArgumentException("fitness must be loglik, scaled or accuracy, got '" + label + "'");
    }
}
