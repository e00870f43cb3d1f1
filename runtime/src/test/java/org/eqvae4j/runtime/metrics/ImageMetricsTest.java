package org.eqvae4j.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.eqvae4j.runtime.TestSupport;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

class ImageMetricsTest {

    @Test
    void identicalImagesGiveInfinity() {
        FloatTensor a = TestSupport.random(1, 1, 3, 8, 8).map(v -> Math.round((v + 1) / 2 * 255) / 255.0);
        assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnrUint8(a, a));
        // on byte values, differences below half a grey level vanish in the 8-bit quantisation
        assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnrUint8(a, a.map(v -> v + 0.1 / 255)));
    }

    @Test
    void knownMseGivesExpectedDecibels() {
        // every pixel one grey level off: MSE 1, PSNR = 20 log10(255) = 48.1308 dB
        FloatTensor a = new FloatTensor(1, 1, 4, 4, new float[16]);
        FloatTensor b = a.map(v -> 1 / 255.0);
        assertEquals(48.130803608679, ImageMetrics.psnrUint8(a, b), 1e-9);
        // one of 100 values off by 10 levels: MSE = 100 / 100 = 1
        float[] d = new float[100];
        d[37] = 10 / 255f;
        assertEquals(
                48.130803608679,
                ImageMetrics.psnrUint8(new FloatTensor(1, 1, 10, 10, new float[100]), new FloatTensor(1, 1, 10, 10, d)),
                1e-9);
        // black vs white: MSE 255^2 -> 0 dB
        FloatTensor black = new FloatTensor(1, 3, 2, 2, new float[12]);
        assertEquals(0.0, ImageMetrics.psnrUint8(black, black.map(v -> 1)), 1e-12);
        // MSE 4 (2 levels everywhere) -> 48.1308 - 20 log10(2) = 42.1102 dB; symmetric
        FloatTensor two = black.map(v -> 2 / 255.0);
        assertEquals(42.110203695399, ImageMetrics.psnrUint8(black, two), 1e-9);
        assertEquals(ImageMetrics.psnrUint8(black, two), ImageMetrics.psnrUint8(two, black));
    }

    @Test
    void valuesOutsideTheUnitRangeAreClampedFirst() {
        FloatTensor a = new FloatTensor(1, 1, 1, 2, new float[] {0, 1});
        FloatTensor b = new FloatTensor(1, 1, 1, 2, new float[] {-5, 3});
        assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnrUint8(a, b));
    }

    @Test
    void onlySampleZeroCounts() {
        FloatTensor a = new FloatTensor(2, 1, 1, 2, new float[] {0.2f, 0.4f, 0, 0});
        FloatTensor b = new FloatTensor(2, 1, 1, 2, new float[] {0.2f, 0.4f, 1, 1});
        assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnrUint8(a, b));
    }

    @Test
    void shapesMustMatch() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ImageMetrics.psnrUint8(FloatTensor.zeros(1, 3, 4, 4), FloatTensor.zeros(1, 1, 4, 4)));
        assertThrows(
                IllegalArgumentException.class,
                () -> ImageMetrics.psnrUint8(FloatTensor.zeros(1, 3, 4, 4), FloatTensor.zeros(1, 3, 4, 5)));
    }
}
