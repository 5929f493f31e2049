package dev.nabla.cli.experiment;

import dev.nabla.data.ImageSet;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shift experiment's parts: moving images with a background fill, and the lesson's measurements. */
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
