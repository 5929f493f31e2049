package dev.nabla.cli.experiment;

import dev.nabla.data.ImageSet;
import dev.nabla.models.ModelSpec;
import dev.nabla.models.Models;
import dev.nabla.nn.Module;
import dev.nabla.train.Evaluator;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shift experiment's parts: moving images with a background fill, evaluating on them, and the lesson's measurements. */
class ShiftTest {

    @Test
    void shiftedMovesEveryPixelAndFillsTheVacatedBorderWithZero() {
        float[] px = new float[2 * 3 * 4];
        for (int i = 0; i < px.length; i++) px[i] = i + 1;
        ImageSet set = new ImageSet(px, new int[] {0, 1}, 2, 3, 4, 10);
        ImageSet right = Shift.shifted(set, 0, 1);
        assertArrayEquals(new float[] {0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11}, java.util.Arrays.copyOf(right.pixels(), 12));
        ImageSet upLeft = Shift.shifted(set, -1, -2);
        assertArrayEquals(new float[] {19, 20, 0, 0, 23, 24, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(upLeft.pixels(), 12, 24));
        assertArrayEquals(set.labels(), upLeft.labels());
        assertArrayEquals(px, Shift.shifted(set, 0, 0).pixels());
    }

    @Test
    void theAccuracyOnShiftedImagesInChunksIsThatOfTheWholeShiftedSet() {
        // 250 images: two full chunks and a short one; an untrained network guesses, so the count is not trivial
        int n = 2 * Shift.EVAL_CHUNK + Shift.EVAL_CHUNK / 2, rows = 6, cols = 5;
        Random rng = new Random(4);
        float[] px = new float[n * rows * cols];
        for (int i = 0; i < px.length; i++) px[i] = rng.nextFloat();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rng.nextInt(3);
        ImageSet set = new ImageSet(px, labels, n, rows, cols, 3);
        Module model = Models.build(new ModelSpec("mlp", rows * cols, new int[] {7}, "relu", 3, "kaiming", 2));
        for (int[] d : new int[][] {{0, 0}, {1, -2}, {-3, 1}}) {
            double whole = Evaluator.evaluate(model, Shift.shifted(set, d[0], d[1]), n).accuracy();
            assertTrue(whole > 0.05 && whole < 0.95, "a guess, neither none nor all right: " + whole);
            assertEquals(whole, Shift.shiftedAccuracy(model, set, d[0], d[1]), 0.0, "shift " + d[0] + ", " + d[1]);
        }
    }

    @Test
    void theLessonFindsTheMatrixAndTheShiftExactAndGlobalPoolingInvariant() {
        Random rng = new Random(3);
        float[] px = new float[20 * 28 * 28];
        for (int i = 0; i < 20; i++) { // a bright bar per image, away from the border
            int r = 6 + rng.nextInt(10), c = 6 + rng.nextInt(10);
            for (int y = r; y < r + 6; y++) for (int x = c; x < c + 3; x++) px[i * 784 + y * 28 + x] = 1;
        }
        ImageSet digits = new ImageSet(px, new int[20], 20, 28, 28, 10);
        ShiftLesson.Result r = ShiftLesson.run(12, 2, digits, 20, 4, 3, 5);
        for (double e : r.matrixError().values()) assertTrue(e < 1e-12, "matrix error " + e);
        assertEquals(java.util.List.of(3, 5), java.util.List.copyOf(r.matrixError().keySet()));
        assertTrue(r.equivarianceError() < 1e-12, "equivariance " + r.equivarianceError());
        assertEquals(ShiftLesson.POOLINGS, java.util.List.copyOf(r.relativeChange().keySet()));
        double[] none = r.relativeChange().get("no pooling"), global = r.relativeChange().get("global average pool");
        assertEquals(0, none[0]);
        for (int s = 1; s <= 3; s++) {
            assertTrue(none[s] > 0.1, "a shift changes unpooled features: " + none[s]);
            assertTrue(global[s] < 1e-12, "global pooling is invariant to circular shifts: " + global[s]);
            assertTrue(r.relativeChange().get("max pool 14")[s] < none[s], "pooling over 14x14 changes less than no pooling");
        }
    }
}
