package dev.nabla.cli.experiment.wann;

import dev.nabla.data.ImageSet;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DownsampleTest {

    @Test
    void eachOutputRowAveragesTheInputRowsItCovers() {
        double[][] w = Downsample.weights(28, 16);
        for (double[] row : w) {
            double s = 0;
            for (double v : row) s += v;
            assertEquals(1.0, s, 1e-12);
        }
        // output row 0 covers [0, 1.75): row 0 whole and three quarters of row 1
        assertEquals(1 / 1.75, w[0][0], 1e-12);
        assertEquals(0.75 / 1.75, w[0][1], 1e-12);
        assertEquals(0.0, w[0][2], 0);
    }

    @Test
    void halvingAveragesTwoByTwoBlocksAndConstantsStayConstant() {
        float[] px = new float[2 * 16];
        for (int i = 0; i < 16; i++) px[i] = i;       // image 0: 0..15 row-major, 4x4
        for (int i = 16; i < 32; i++) px[i] = 0.25f;   // image 1: constant
        ImageSet small = Downsample.square(new ImageSet(px, new int[]{3, 1}, 2, 4, 4, 10), 2);
        assertArrayEquals(new float[]{2.5f, 4.5f, 10.5f, 12.5f}, small.image(0), 1e-6f);
        assertArrayEquals(new float[]{0.25f, 0.25f, 0.25f, 0.25f}, small.image(1), 1e-6f);
        assertArrayEquals(new int[]{3, 1}, small.labels());
        assertEquals(2, small.rows());
    }

    @Test
    void mnistSizedImagesKeepTheirMeanBrightness() {
        java.util.Random rng = new java.util.Random(1);
        float[] px = new float[784];
        double mean = 0;
        for (int i = 0; i < px.length; i++) {
            px[i] = rng.nextFloat();
            mean += px[i] / 784.0;
        }
        float[] out = Downsample.square(new ImageSet(px, new int[]{0}, 1, 28, 28, 10), 16).pixels();
        assertEquals(256, out.length);
        double m = 0;
        for (float v : out) m += v / 256.0;
        assertEquals(mean, m, 1e-5);
    }

    @Test
    void growingOrNonSquareImagesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> Downsample.square(new ImageSet(new float[12], new int[]{0}, 1, 3, 4, 10), 2));
        assertThrows(IllegalArgumentException.class,
                () -> Downsample.square(new ImageSet(new float[4], new int[]{0}, 1, 2, 2, 10), 3));
    }
}
