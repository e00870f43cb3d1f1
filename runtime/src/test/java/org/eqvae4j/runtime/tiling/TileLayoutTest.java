package org.eqvae4j.runtime.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TileLayoutTest {

    @ParameterizedTest
    @CsvSource({"128,40,8", "100,40,8", "41,40,8", "47,40,8", "80,40,8", "333,40,0", "90,40,30", "7,40,8"})
    void windowsCoverTheAxisOverlapEnoughAndWeightsSumToOne(int length, int window, int overlap) {
        TileLayout t = TileLayout.of(length, window, overlap);
        assertEquals(0, t.start(0));
        assertEquals(length, t.start(t.count() - 1) + t.window(), "last window ends at the axis end");
        for (int i = 1; i < t.count(); i++) {
            int ov = t.start(i - 1) + t.window() - t.start(i);
            assertTrue(ov >= overlap, "overlap " + ov + " of windows " + (i - 1) + "," + i);
        }
        for (int scale : new int[] {1, 8}) {
            double[] sum = new double[length * scale];
            for (int i = 0; i < t.count(); i++) {
                float[] w = t.weights(i, scale);
                assertEquals(t.window() * scale, w.length);
                for (int p = 0; p < w.length; p++) {
                    assertTrue(w[p] > 0 && w[p] <= 1 + 1e-6, "weight " + w[p]);
                    sum[t.start(i) * scale + p] += w[p];
                }
            }
            for (int p = 0; p < sum.length; p++) {
                assertEquals(1.0, sum[p], 1e-6, "sum of weights at " + p + " (scale " + scale + ")");
            }
        }
    }

    @Test
    void shortAxisIsOneWindowAndExactMultiplesNeedNoExtraTile() {
        TileLayout one = TileLayout.of(30, 40, 8);
        assertEquals(1, one.count());
        assertEquals(30, one.window());
        // 128 latent pixels, 40-wide windows, stride 32: 0, 29, 59, 88 (spread evenly)
        TileLayout t = TileLayout.of(128, 40, 8);
        assertEquals(4, t.count());
        assertEquals(88, t.start(3));
    }

    @Test
    void rampsRiseAcrossTheOverlapOnly() {
        TileLayout t = TileLayout.of(72, 40, 8); // windows at 0 and 32: overlap 8
        float[] first = t.weights(0, 1);
        assertEquals(1f, first[0]);
        assertEquals(1f, first[31]);
        assertEquals(0.5f / 8, first[39], 1e-6);
        float[] second = t.weights(1, 1);
        assertEquals(0.5f / 8, second[0], 1e-6);
        assertEquals(1f, second[39]);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TileLayout.of(0, 40, 8));
        assertThrows(IllegalArgumentException.class, () -> TileLayout.of(100, 40, 40));
        assertThrows(IllegalArgumentException.class, () -> TileLayout.of(100, 40, -1));
    }
}
