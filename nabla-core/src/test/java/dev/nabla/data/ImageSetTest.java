package dev.nabla.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageSetTest {

    private static ImageSet three() {
        float[] px = new float[3 * 4];
        for (int i = 0; i < px.length; i++) px[i] = i;
        return new ImageSet(px, new int[] {2, 0, 2}, 3, 2, 2, 3);
    }

    @Test
    void sliceCopiesTheRequestedImages() {
        ImageSet s = three();
        ImageSet mid = s.slice(1, 3);
        assertEquals(2, mid.count());
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 10, 11}, mid.pixels());
        assertArrayEquals(new int[] {0, 2}, mid.labels());
        mid.pixels()[0] = -1;
        assertEquals(4f, s.pixels()[4], "the slice is a copy");
        assertEquals(0, s.slice(2, 2).count());
        assertThrows(IndexOutOfBoundsException.class, () -> s.slice(2, 4));
    }

    @Test
    void imageAndLabelCounts() {
        ImageSet s = three();
        assertArrayEquals(new float[] {8, 9, 10, 11}, s.image(2));
        assertNotSame(s.pixels(), s.image(0));
        assertArrayEquals(new int[] {1, 0, 2}, s.labelCounts());
        assertEquals("ImageSet(3 images of 2x2, 3 classes)", s.toString());
    }

    @Test
    void rejectsArraysThatDoNotMatchTheDimensions() {
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(new float[7], new int[2], 2, 2, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(new float[8], new int[3], 2, 2, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(new float[0], new int[0], 0, 0, 2, 10));
    }
}
