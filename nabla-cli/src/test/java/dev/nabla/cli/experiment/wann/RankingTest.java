package dev.nabla.cli.experiment.wann;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RankingTest {

    @Test
    void paretoFrontsPeelOffTheNonDominated() {
        // mean accuracy and negated connections
        double[] mean = {0.9, 0.8, 0.7, 0.85, 0.6};
        double[] negConn = {-100, -50, -60, -100, -10};
        // 0 (best mean), 1 (0.8 with 50), 4 (fewest) are not dominated; 3 is dominated by 0; 2 by 1
        assertArrayEquals(new int[]{0, 0, 1, 1, 0}, Ranking.fronts(mean, negConn));
    }

    @Test
    void orderIsFrontThenMeanThenFewerConnectionsThenIndex() {
        double[] mean = {0.5, 0.9, 0.9, 0.7, 0.7};
        double[] second = {0.9, 0.5, 0.5, 0.4, 0.4};
        int[] conn = {10, 30, 20, 5, 5};
        // front 0: 0 (best second), 1 and 2 (best mean, equal); front 1: 3 and 4 (1 and 2 beat them in both)
        assertArrayEquals(new int[]{2, 1, 0, 3, 4}, Ranking.order(mean, second, conn));
    }

    @Test
    void aDominatedNetworkNeverRanksAboveItsDominator() {
        java.util.Random rng = new java.util.Random(4);
        for (int trial = 0; trial < 50; trial++) {
            int n = 30;
            double[] a = new double[n], b = new double[n];
            int[] c = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = rng.nextInt(10) / 10.0;
                b[i] = rng.nextInt(10) / 10.0;
                c[i] = rng.nextInt(5);
            }
            int[] order = Ranking.order(a, b, c);
            int[] rank = new int[n];
            for (int r = 0; r < n; r++) rank[order[r]] = r;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (Ranking.dominates(a, b, i, j)) assertTrue(rank[i] < rank[j], i + " dominates " + j);
                }
            }
        }
    }

    @Test
    void mismatchedLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Ranking.order(new double[2], new double[3], new int[2]));
    }
}
