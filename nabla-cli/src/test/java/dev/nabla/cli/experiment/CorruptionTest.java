package dev.nabla.cli.experiment;

import dev.nabla.data.ImageSet;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class CorruptionTest {

    private static ImageSet set(int n) {
        float[] px = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int j = 0; j < 4; j++) px[i * 4 + j] = i * 4 + j;
        }
        return new ImageSet(px, labels, n, 2, 2, 10);
    }

    @Test
    void labelCorruptionChangesAboutAFractionPTimesNineTenthsAndLeavesTheInputAlone() {
        ImageSet s = set(10_000);
        int[] before = s.labels().clone();
        assertArrayEquals(before, Corruption.randomLabels(s, 0, 1).labels());
        ImageSet half = Corruption.randomLabels(s, 0.5, 1);
        long changed = countChanged(before, half.labels());
        // a corrupted label keeps its value with probability 1/10, so about 0.5 * 0.9 of them change
        assertEquals(0.45, changed / 10_000.0, 0.02);
        ImageSet all = Corruption.randomLabels(s, 1, 1);
        assertEquals(0.9, countChanged(before, all.labels()) / 10_000.0, 0.02);
        assertArrayEquals(before, s.labels(), "the input set is not changed");
        // nested: every label changed at p = 0.5 is also changed (the same way) at p = 1
        for (int i = 0; i < before.length; i++) {
            if (half.labels()[i] != before[i]) assertEquals(half.labels()[i], all.labels()[i]);
        }
    }

    private static long countChanged(int[] a, int[] b) {
        long n = 0;
        for (int i = 0; i < a.length; i++) if (a[i] != b[i]) n++;
        return n;
    }

    @Test
    void shuffledPixelsUseOnePermutationForAllImagesRandomPixelsOnePerImage() {
        ImageSet s = set(200);
        ImageSet sh = Corruption.shuffledPixels(s, 3);
        int[] perm0 = permutationOf(sh, 0);
        for (int i = 1; i < 200; i++) assertArrayEquals(perm0, permutationOf(sh, i));
        ImageSet rnd = Corruption.randomPixels(s, 3);
        boolean differ = false;
        for (int i = 1; i < 200; i++) differ |= !Arrays.equals(permutationOf(rnd, 0), permutationOf(rnd, i));
        assertTrue(differ);
        assertArrayEquals(s.labels(), rnd.labels());
    }

    /** Which source pixel each position of image i came from (the test images number their pixels). */
    private static int[] permutationOf(ImageSet s, int i) {
        int[] p = new int[4];
        for (int j = 0; j < 4; j++) p[j] = (int) s.pixels()[i * 4 + j] - i * 4;
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3}, sorted, "a permutation of the image's own pixels");
        return p;
    }

    @Test
    void gaussianPixelsMatchTheDataSetsMeanAndSpread() {
        ImageSet s = set(1000);
        ImageSet g = Corruption.gaussianPixels(s, 5);
        double mean = 0;
        for (float v : g.pixels()) mean += v;
        mean /= g.pixels().length;
        assertEquals((4000 - 1) / 2.0, mean, 40);
    }
}
