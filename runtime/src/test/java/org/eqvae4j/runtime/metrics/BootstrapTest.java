package org.eqvae4j.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void twoValuesGiveTheirRangeAsThe95PercentInterval() {
        // resampled means of {1, 3}: 1 (p 1/4), 2 (1/2), 3 (1/4); the 2.5 % and 97.5 % quantiles are 1 and 3
        var i = Bootstrap.mean(new double[] {1, 3}, 10_000, 0.95, 1);
        assertEquals(2, i.estimate(), 0);
        assertEquals(1, i.low(), 0);
        assertEquals(3, i.high(), 0);
        // a 40 % interval sits inside the middle value's mass: both quantiles are 2
        var narrow = Bootstrap.mean(new double[] {1, 3}, 10_000, 0.4, 1);
        assertEquals(2, narrow.low(), 0);
        assertEquals(2, narrow.high(), 0);
    }

    @Test
    void theIntervalOfManyValuesMatchesTheNormalTheory() {
        // 200 values 0..199: mean 99.5, standard error sd/sqrt(n) = 57.88/14.14 = 4.09; +- 1.96 SE = +- 8.0
        double[] v = new double[200];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        var i = Bootstrap.mean(v, 10_000, 0.95, 7);
        assertEquals(99.5, i.estimate(), 1e-12);
        assertEquals(99.5 - 8.0, i.low(), 0.5);
        assertEquals(99.5 + 8.0, i.high(), 0.5);
        assertEquals(i, Bootstrap.mean(v, 10_000, 0.95, 7), "seeded");
    }

    @Test
    void geometricMeanCancelsReciprocalRatios() {
        var i = Bootstrap.geometricMean(new double[] {2, 0.5, 1}, 10_000, 0.95, 3);
        assertEquals(1, i.estimate(), 1e-12);
        assertEquals(0.5, i.low(), 1e-9, "the smallest resample mean of logs is log 0.5");
        assertEquals(2, i.high(), 1e-9);
        assertTrue(!i.excludes(1) && i.excludes(2.5));
        var constant = Bootstrap.geometricMean(new double[] {3, 3, 3}, 1000, 0.95, 3);
        assertEquals(3, constant.low(), 1e-12);
        assertEquals(3, constant.high(), 1e-12);
    }

    @Test
    void badInputIsRefused() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> Bootstrap.geometricMean(new double[] {2, 0}, 100, 0.95, 1));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.mean(new double[0], 100, 0.95, 1));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.mean(new double[] {1}, 100, 1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.mean(new double[] {Double.NaN}, 100, 0.95, 1));
    }
}
