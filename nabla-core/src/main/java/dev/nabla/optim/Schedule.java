package dev.nabla.optim;

import dev.nabla.InputException;

import java.util.Locale;

/**
 * The learning rate for each epoch, from the base rate: applied once at the start of every epoch
 * (epochs count from 1).
 * <ul>
 *   <li>{@link Constant}: {@code lr(e) = base}</li>
 *   <li>{@link Step}: {@code lr(e) = base * gamma^floor((e - 1) / every)}: multiplied by gamma every
 *       {@code every} epochs</li>
 *   <li>{@link Cosine}: {@code lr(e) = min + (base - min) * (1 + cos(pi * (e - 1) / epochs)) / 2}: from base at
 *       epoch 1 down towards min at the end</li>
 * </ul>
 * {@link #parse} reads the text form that {@code toString()} writes: {@code constant}, {@code step:3:0.5},
 * {@code cosine} or {@code cosine:0.001}.
 */
public sealed interface Schedule {

    /**
     * @param base   the configured learning rate
     * @param epoch  the epoch about to run, from 1
     * @param epochs the total number of epochs
     */
    double lr(double base, int epoch, int epochs);

    /** The same rate every epoch. */
    record Constant() implements Schedule {
        @Override
        public double lr(double base, int epoch, int epochs) {
            return base;
        }

        @Override
        public String toString() {
            return "constant";
        }
    }

    /** Multiplies the rate by {@code gamma} every {@code every} epochs. */
    record Step(int every, double gamma) implements Schedule {
        public Step {
            if (every < 1) throw new InputException("schedule step: the interval must be >= 1 epoch, got " + every);
            if (!(gamma > 0 && gamma <= 1)) throw new InputException("schedule step: gamma must be in (0, 1], got " + gamma);
        }

        @Override
        public double lr(double base, int epoch, int epochs) {
            return base * Math.pow(gamma, Math.floorDiv(Math.max(epoch, 1) - 1, every));
        }

        @Override
        public String toString() {
            return "step:" + every + ":" + gamma;
        }
    }

    /** Cosine annealing from the base rate to {@code min} over the run. */
    record Cosine(double min) implements Schedule {
        public Cosine {
            if (!(min >= 0)) throw new InputException("schedule cosine: the minimum rate must be >= 0, got " + min);
        }

        @Override
        public double lr(double base, int epoch, int epochs) {
            double t = epochs <= 0 ? 0 : (double) (Math.max(epoch, 1) - 1) / epochs;
            return min + (base - min) * (1 + Math.cos(Math.PI * t)) / 2;
        }

        @Override
        public String toString() {
            return min == 0 ? "cosine" : "cosine:" + min;
        }
    }

    static Schedule constant() {
        return new Constant();
    }

    static Schedule step(int every, double gamma) {
        return new Step(every, gamma);
    }

    static Schedule cosine() {
        return new Cosine(0);
    }

    /**
     * Reads {@code constant}, {@code step:<every>:<gamma>}, {@code cosine} or {@code cosine:<min>}; null or blank
     * is {@code constant}.
     *
     * @throws InputException for anything else
     */
    static Schedule parse(String text) {
        if (text == null || text.isBlank()) return constant();
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":");
        try {
            switch (parts[0]) {
                case "constant":
                    if (parts.length == 1) return constant();
                    break;
                case "step":
                    if (parts.length == 3) return step(Integer.parseInt(parts[1]), Double.parseDouble(parts[2]));
                    break;
                case "cosine":
                    if (parts.length == 1) return cosine();
                    if (parts.length == 2) return new Cosine(Double.parseDouble(parts[1]));
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            throw new InputException("schedule: cannot read a number in '" + text + "'", e);
        }
        throw new InputException("schedule: cannot read '" + text
                + "' (expected constant, step:<every>:<gamma> such as step:3:0.5, cosine, or cosine:<min>)");
    }
}
