package dev.nabla.data;

import dev.nabla.InputException;
import dev.nabla.kernel.ExecutionContext;
import dev.nabla.random.NumpyRandom;
import dev.nabla.tensor.NDArray;
import dev.nabla.train.Batch;
import dev.nabla.train.DataLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training-image augmentation: the syntax, the transform on hand-made images, its draws and its determinism. */
class AugmentTest {

    @Test
    void parsesAndWritesItsSyntax() {
        assertEquals(Augment.NONE, Augment.parse("none"));
        assertEquals(new Augment(2, true), Augment.parse("shift:2,flip"));
        assertEquals(new Augment(2, true), Augment.parse(" FLIP , shift:2 "));
        assertEquals(new Augment(0, true), Augment.parse("flip"));
        for (String t : List.of("none", "flip", "shift:3", "shift:2,flip")) assertEquals(t, Augment.parse(t).toString());
        assertFalse(Augment.NONE.active());
        assertTrue(Augment.parse("flip").active());
        assertEquals("augment 'shift:0': shift:0 needs a shift from 1 to 64 pixels",
                assertThrows(InputException.class, () -> Augment.parse("shift:0")).getMessage());
        assertEquals("augment 'rotate': 'rotate' is not shift:N or flip (each at most once), e.g. shift:2,flip, or none",
                assertThrows(InputException.class, () -> Augment.parse("rotate")).getMessage());
        assertThrows(InputException.class, () -> Augment.parse("flip,flip"));
        assertThrows(InputException.class, () -> Augment.parse("shift:x"));
        assertThrows(InputException.class, () -> Augment.parse(""));
    }

    // a 3x4 image whose pixels are 1..12, row by row
    private static final float[] IMAGE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private static float[] moved(int dy, int dx, boolean mirror) {
        float[] out = new float[12];
        java.util.Arrays.fill(out, -1);
        Augment.move(IMAGE, out, 0, 1, 3, 4, dy, dx, mirror);
        return out;
    }

    @Test
    void movesAndMirrorsAHandMadeImagePaddingWithZeros() {
        assertArrayEquals(IMAGE, moved(0, 0, false));
        assertArrayEquals(new float[]{0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11}, moved(0, 1, false), "right by 1");
        assertArrayEquals(new float[]{3, 4, 0, 0, 7, 8, 0, 0, 11, 12, 0, 0}, moved(0, -2, false), "left by 2");
        assertArrayEquals(new float[]{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}, moved(1, 0, false), "down by 1");
        assertArrayEquals(new float[]{6, 7, 8, 0, 10, 11, 12, 0, 0, 0, 0, 0}, moved(-1, -1, false), "up and left by 1");
        assertArrayEquals(new float[]{4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9}, moved(0, 0, true), "mirrored");
        assertArrayEquals(new float[]{0, 4, 3, 2, 0, 8, 7, 6, 0, 12, 11, 10}, moved(0, 1, true), "mirrored, then right by 1");
        assertArrayEquals(new float[12], moved(3, 0, false), "moved out of the frame");
        // channels move together
        float[] two = new float[24], out = new float[24];
        System.arraycopy(IMAGE, 0, two, 0, 12);
        System.arraycopy(IMAGE, 0, two, 12, 12);
        Augment.move(two, out, 0, 2, 3, 4, 0, 1, false);
        assertArrayEquals(java.util.Arrays.copyOfRange(out, 0, 12), java.util.Arrays.copyOfRange(out, 12, 24));
    }

    @Test
    void drawsEveryShiftUpToNAndFlipsAboutHalf() {
        // a single lit pixel at (6, 2) of a 13x13 image shows where each copy went: mirrored, it is at column 10
        int n = 3000, side = 13, px = side * side;
        float[] in = new float[n * px], out = new float[n * px];
        for (int i = 0; i < n; i++) in[i * px + 6 * side + 2] = 1;
        new Augment(2, true).apply(in, out, n, 1, side, side, new NumpyRandom(7));
        Set<String> offsets = new HashSet<>();
        int mirrored = 0;
        for (int i = 0; i < n; i++) {
            int at = -1;
            for (int p = 0; p < px; p++) if (out[i * px + p] == 1) at = p;
            int y = at / side, x = at % side;
            boolean flipped = x >= 8;
            mirrored += flipped ? 1 : 0;
            int dy = y - 6, dx = x - (flipped ? 10 : 2);
            assertTrue(Math.abs(dy) <= 2 && Math.abs(dx) <= 2, "shift " + dy + "," + dx);
            offsets.add(dy + "," + dx);
        }
        assertEquals(25, offsets.size(), "every shift in [-2, 2] x [-2, 2] occurs");
        assertTrue(mirrored > 0.45 * n && mirrored < 0.55 * n, mirrored + " of " + n + " mirrored");
    }

    private static Dataset images(int n) {
        NumpyRandom r = new NumpyRandom(3);
        float[] px = new float[n * 784];
        for (int i = 0; i < px.length; i++) px[i] = (float) r.randomSample();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 10;
        return Dataset.ofLabels(NDArray.of(px, n, 784), labels, 10);
    }

    private static List<float[]> epoch(DataLoader loader, int epoch, int threads) {
        List<float[]> out = new ArrayList<>();
        try (var ctx = ExecutionContext.withThreads(threads)) {
            for (Batch b : loader.batches(epoch)) out.add(b.x().value().toFloatArray());
        }
        return out;
    }

    @Test
    void theLoadersBatchesAreAugmentedTheSameForTheSameSeedAndAnyThreadCount() {
        Dataset data = images(200);
        DataLoader plain = new DataLoader(data, 32, true, false, 11);
        DataLoader aug = plain.withAugment(Augment.parse("shift:2,flip"));
        List<float[]> one = epoch(aug, 1, 1), four = epoch(aug, 1, 4);
        List<float[]> again = epoch(new DataLoader(data, 32, true, false, 11).withAugment(new Augment(2, true)), 1, 2);
        List<float[]> original = epoch(plain, 1, 1);
        assertEquals(original.size(), one.size());
        for (int b = 0; b < one.size(); b++) {
            assertArrayEquals(one.get(b), four.get(b), "batch " + b + ": 1 and 4 threads");
            assertArrayEquals(one.get(b), again.get(b), "batch " + b + ": the same seed");
            assertFalse(java.util.Arrays.equals(one.get(b), original.get(b)), "batch " + b + " is changed");
        }
        assertFalse(java.util.Arrays.equals(epoch(aug, 2, 1).get(0), one.get(0)), "another epoch, other draws");
        // the labels and the order are the unaugmented loader's
        List<int[]> l1 = new ArrayList<>(), l2 = new ArrayList<>();
        for (Batch b : aug.batches(1)) l1.add(b.labels());
        for (Batch b : plain.batches(1)) l2.add(b.labels());
        for (int b = 0; b < l1.size(); b++) assertArrayEquals(l2.get(b), l1.get(b));
    }

    @Test
    void offIsTheSameLoaderSoTheBatchesAreBitForBitTheOldOnes() {
        DataLoader plain = new DataLoader(images(50), 16, true, false, 1);
        assertSame(plain, plain.withAugment(Augment.NONE));
        assertSame(plain, plain.withAugment(null));
        assertEquals(Augment.NONE, dev.nabla.train.TrainConfig.defaults().augment());
    }

    @Test
    void samplesThatAreNotImagesAreRefused() {
        Dataset flat = Dataset.ofLabels(NDArray.of(new float[10 * 5], 10, 5), new int[10], 1);
        InputException e = assertThrows(InputException.class,
                () -> new DataLoader(flat, 4, true, 0).withAugment(Augment.parse("flip")));
        assertEquals("augment needs images: samples of [5] values are not a square image or [C, H, W]", e.getMessage());
    }
}
