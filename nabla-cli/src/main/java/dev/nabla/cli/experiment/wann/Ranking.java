package dev.nabla.cli.experiment.wann;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Orders a population best first by two objectives, both maximized, as the paper does: non-dominated sorting
 * (Pareto fronts: front 0 is every individual no other beats in both objectives, front 1 those only front 0
 * beats, ...), and within a front by the first objective (higher first), then fewer connections, then index.
 * The search passes mean accuracy as the first objective and, each generation by a seeded coin, either the
 * negated connection count (smaller networks) or the best single-weight accuracy as the second.
 */
public final class Ranking {

    private Ranking() {
    }

    /** Indices of the individuals, best first. All three arrays have one entry per individual. */
    public static int[] order(double[] first, double[] second, int[] connections) {
        int n = first.length;
        if (second.length != n || connections.length != n) {
            throw new IllegalArgumentException("objectives for " + n + ", " + second.length + " and "
                    + connections.length + " individuals");
        }
        int[] front = fronts(first, second);
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        Arrays.sort(idx, Comparator.<Integer>comparingInt(i -> front[i])
                .thenComparing(i -> -first[i])
                .thenComparingInt(i -> connections[i])
                .thenComparingInt(i -> i));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = idx[i];
        return out;
    }

    /** The Pareto front of each individual: 0 for the non-dominated, and so on. */
    public static int[] fronts(double[] first, double[] second) {
        int n = first.length;
        int[] dominatedBy = new int[n];
        List<List<Integer>> dominates = new ArrayList<>();
        for (int i = 0; i < n; i++) dominates.add(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && dominates(first, second, i, j)) {
                    dominates.get(i).add(j);
                    dominatedBy[j]++;
                }
            }
        }
        int[] front = new int[n];
        List<Integer> current = new ArrayList<>();
        for (int i = 0; i < n; i++) if (dominatedBy[i] == 0) current.add(i);
        for (int f = 0; !current.isEmpty(); f++) {
            List<Integer> next = new ArrayList<>();
            for (int i : current) {
                front[i] = f;
                for (int j : dominates.get(i)) if (--dominatedBy[j] == 0) next.add(j);
            }
            current = next;
        }
        return front;
    }

    /** Whether {@code i} is at least as good as {@code j} in both objectives and better in one. */
    static boolean dominates(double[] first, double[] second, int i, int j) {
        return first[i] >= first[j] && second[i] >= second[j] && (first[i] > first[j] || second[i] > second[j]);
    }
}
