package dev.nabla.cli.experiment.wann;

import java.util.Random;

/**
 * The networks a search starts from: {@code minimal}, pixels linked straight to the outputs
 * ({@link Genome#minimal}), or {@code signed}, pixels linked to a linear and an inverse node per output
 * ({@link Genome#signed}), so that counting a pixel against a class is one link away.
 */
public enum Start {
    MINIMAL("minimal"), SIGNED("signed");

    private final String label;

    Start(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** A first network with {@code inputs} inputs and {@code outputs} outputs. */
    Genome genome(int inputs, int outputs, double linkProbability, Random rng) {
        return this == MINIMAL ? Genome.minimal(inputs, outputs, linkProbability, rng)
                : Genome.signed(inputs, outputs, linkProbability, rng);
    }

    /** The start named {@code label}. */
    public static Start parse(String label) {
        for (Start s : values()) if (s.label.equals(label)) return s;
        throw new IllegalArgumentException("start must be minimal or signed, got '" + label + "'");
    }
}
