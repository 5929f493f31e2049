package dev.nabla.cli.experiment.wann;

import dev.nabla.data.ImageSet;
import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class SearchTest {

    /** 600 images of 4x4 pixels in 3 classes: class c lights column c (plus noise). */
    static ImageSet columns() {
        Random rng = new Random(11);
        int n = 600;
        float[] px = new float[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(3);
            for (int p = 0; p < 16; p++) px[i * 16 + p] = 0.3f * rng.nextFloat() + (p % 4 == labels[i] ? 0.7f : 0f);
        }
        return new ImageSet(px, labels, n, 4, 4, 3);
    }

    static Search.Settings settings(int generations) {
        return new Search.Settings(42, 24, generations, 100, new float[]{-2, -1, -0.5f, 0.5f, 1, 2}, 0.2, 4, 3, 0.2, 1, Genome.Rates.defaults(), Fitness.LOGLIK, Start.MINIMAL);
    }

    static Search.State run(Search s, int generations, ImageSet data) {
        Search.State st = s.start();
        for (int g = 0; g < generations; g++) st = s.step(st, data);
        return st;
    }

    @Test
    void theSameSeedGivesTheSamePopulationAndHistoryForAnyThreadCount() {
        ImageSet data = columns();
        try (Search one = new Search(settings(15), 16, 3, 1); Search three = new Search(settings(15), 16, 3, 3);
             Search again = new Search(settings(15), 16, 3, 1)) {
            Search.State a = run(one, 15, data), b = run(three, 15, data), c = run(again, 15, data);
            assertEquals(a.population(), c.population());
            assertEquals(a.history(), c.history());
            assertEquals(a.population(), b.population());
            assertEquals(a.history(), b.history());
        }
    }

    @Test
    void aDifferentSeedGivesADifferentSearch() {
        ImageSet data = columns();
        var other = new Search.Settings(43, 24, 5, 100, new float[]{-2, -1, -0.5f, 0.5f, 1, 2}, 0.2, 4, 3, 0.2, 1, Genome.Rates.defaults(), Fitness.LOGLIK, Start.MINIMAL);
        try (Search a = new Search(settings(5), 16, 3, 1); Search b = new Search(other, 16, 3, 1)) {
            assertNotEquals(run(a, 5, data).population(), run(b, 5, data).population());
        }
    }

    @Test
    void aSearchResumedFromItsCheckpointEqualsAnUninterruptedOne() {
        ImageSet data = columns();
        try (Search s = new Search(settings(12), 16, 3, 2)) {
            Search.State straight = run(s, 12, data);
            Search.State half = run(s, 5, data);
            Map<String, Object> file = Json.parseObject(Json.write(s.checkpoint(half)), "checkpoint");
            Search.State resumed = s.restore(file);
            assertEquals(half.population(), resumed.population());
            assertEquals(half.history(), resumed.history());
            for (int g = 5; g < 12; g++) resumed = s.step(resumed, data);
            assertEquals(straight.population(), resumed.population());
            assertEquals(straight.history(), resumed.history());
        }
    }

    @Test
    void aCheckpointOfOtherSettingsIsRefusedNamingTheSetting() {
        ImageSet data = columns();
        try (Search s = new Search(settings(2), 16, 3, 1)) {
            Map<String, Object> file = Json.parseObject(Json.write(s.checkpoint(run(s, 2, data))), "checkpoint");
            var other = new Search.Settings(42, 24, 2, 200, new float[]{-2, -1, -0.5f, 0.5f, 1, 2}, 0.2, 4, 3, 0.2, 1, Genome.Rates.defaults(), Fitness.LOGLIK, Start.MINIMAL);
            try (Search t = new Search(other, 16, 3, 1)) {
                var e = assertThrows(IllegalArgumentException.class, () -> t.restore(file));
                assertEquals("setting 'batch' was 100 in the checkpoint, now 200", e.getMessage());
            }
            var longer = new Search.Settings(42, 24, 50, 100, new float[]{-2, -1, -0.5f, 0.5f, 1, 2}, 0.2, 4, 3, 0.2, 1, Genome.Rates.defaults(), Fitness.LOGLIK, Start.MINIMAL);
            try (Search t = new Search(longer, 16, 3, 1)) {
                assertEquals(2, t.restore(file).done(), "more generations may follow");
            }
        }
    }

    @Test
    void elitesSurviveAndTheSearchLearnsAnEasyTask() {
        ImageSet data = columns();
        try (Search s = new Search(settings(40), 16, 3, 2)) {
            Search.State st = run(s, 40, data);
            var h = st.history();
            assertTrue(h.get(h.size() - 1).bestMax() > h.get(0).bestMax() + 0.1,
                    "best single-weight accuracy " + h.get(0).bestMax() + " -> " + h.get(h.size() - 1).bestMax());
            assertTrue(h.get(h.size() - 1).bestMax() > 0.8, "columns are easy: " + h.get(h.size() - 1));
            for (Genome g : st.population()) g.validate();
        }
    }

    @Test
    void childrenGetBetweenOneAndMutationsMutations() {
        ImageSet data = columns();
        var one = new Search.Settings(42, 24, 1, 100, new float[]{-1, 1}, 0.2, 0, 3, 0.2, 1, Genome.Rates.defaults(), Fitness.LOGLIK, Start.MINIMAL);
        var five = new Search.Settings(42, 24, 1, 100, new float[]{-1, 1}, 0.2, 0, 3, 0.2, 5, Genome.Rates.defaults(), Fitness.LOGLIK, Start.MINIMAL);
        try (Search a = new Search(one, 16, 3, 1); Search b = new Search(five, 16, 3, 1)) {
            Search.State a0 = a.start(), b0 = b.start();
            assertEquals(a0.population(), b0.population(), "the same seed starts from the same networks");
            // every mutation adds a link, adds a node (two links and a node) or changes an activation
            int grownA = growth(a0, a.step(a0, data)), grownB = growth(b0, b.step(b0, data));
            assertTrue(grownB > grownA, "up to 5 mutations grow the networks more than 1: " + grownB + " vs " + grownA);
        }
    }

    /** Links and hidden nodes added from one population to the next, summed. */
    private static int growth(Search.State before, Search.State after) {
        int size = 0;
        for (Genome g : after.population()) size += g.links().size() + g.hidden().length;
        for (Genome g : before.population()) size -= g.links().size() + g.hidden().length;
        return size;
    }

    @Test
    void fitnessByAccuracyOrLogLikelihoodRanksDifferently() {
        ImageSet data = columns();
        var acc = new Search.Settings(42, 24, 8, 100, new float[]{-2, -1, 1, 2}, 0.2, 4, 3, 0, 1, Genome.Rates.defaults(), Fitness.ACCURACY, Start.MINIMAL);
        var ll = new Search.Settings(42, 24, 8, 100, new float[]{-2, -1, 1, 2}, 0.2, 4, 3, 0, 1, Genome.Rates.defaults(), Fitness.LOGLIK, Start.MINIMAL);
        try (Search a = new Search(acc, 16, 3, 1); Search b = new Search(ll, 16, 3, 1)) {
            assertNotEquals(run(a, 8, data).population(), run(b, 8, data).population());
        }
        assertEquals(Fitness.LOGLIK, Fitness.parse("loglik"));
        assertThrows(IllegalArgumentException.class, () -> Fitness.parse("mse"));
    }

    @Test
    void samplingDrawsDistinctIndices() {
        int[] s = Search.sample(50, 50, new Random(1));
        assertEquals(50, java.util.Arrays.stream(s).distinct().count());
        assertEquals(10, Search.sample(50, 10, new Random(1)).length);
    }
}
