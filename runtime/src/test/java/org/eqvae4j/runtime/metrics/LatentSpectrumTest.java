package org.eqvae4j.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

/** The high-frequency share on latents whose spectra are known in closed form. */
class LatentSpectrumTest {

    /** One channel holding f(y, x). */
    private static FloatTensor plane(int h, int w, java.util.function.BiFunction<Integer, Integer, Double> f) {
        float[] d = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                d[y * w + x] = f.apply(y, x).floatValue();
            }
        }
        return new FloatTensor(1, 1, h, w, d);
    }

    @Test
    void aCheckerboardIsAllHighFrequencyAndASlowWaveNone() {
        // (-1)^(x+y): all power at (0.5, 0.5), radial 0.71 > 0.25
        assertEquals(
                1.0, LatentSpectrum.highFrequencyShare(plane(8, 8, (y, x) -> (x + y) % 2 == 0 ? 1.0 : -1.0)), 1e-9);
        // one cycle per 8 pixels along x, plus an offset the channel mean removes: all power at radial 0.125
        assertEquals(
                0.0, LatentSpectrum.highFrequencyShare(plane(8, 8, (y, x) -> 3 + Math.cos(2 * Math.PI * x / 8))), 1e-9);
        // the two mixed, amplitudes 1 and 2: power splits as their mean squares, 1 (a +-1 checkerboard) to 2 (a
        // cosine of amplitude 2: 4 / 2)
        double mixed = LatentSpectrum.highFrequencyShare(plane(
                8, 8, (y, x) -> ((x + y) % 2 == 0 ? 1.0 : -1.0) + 2 * Math.cos(2 * Math.PI * y / 8)));
        assertEquals(1.0 / 3.0, mixed, 1e-6);
    }

    @Test
    void powerKeepsTheEnergyOfThePlane() {
        SplittableRandom r = new SplittableRandom(3);
        double[] p = new double[6 * 10];
        double energy = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextGaussian();
            energy += p[i] * p[i];
        }
        double[][] power = LatentSpectrum.power(p, 6, 10);
        double sum = 0;
        for (double[] row : power) {
            for (double v : row) {
                sum += v;
            }
        }
        assertEquals(60 * energy, sum, 1e-9 * sum, "Parseval: sum |F|^2 = N sum x^2");
    }

    @Test
    void whiteNoiseScoresTheShareOfHighBins() {
        assertEquals(51.0 / 63.0, LatentSpectrum.whiteNoiseShare(8, 8), 1e-12, "51 of 63 non-DC bins of 8x8");
        SplittableRandom r = new SplittableRandom(7);
        double mean = 0;
        int n = 400;
        for (int i = 0; i < n; i++) {
            float[] d = new float[4 * 8 * 8];
            for (int j = 0; j < d.length; j++) {
                d[j] = (float) r.nextGaussian();
            }
            mean += LatentSpectrum.highFrequencyShare(new FloatTensor(1, 4, 8, 8, d)) / n;
        }
        assertEquals(LatentSpectrum.whiteNoiseShare(8, 8), mean, 0.01);
    }

    @Test
    void aConstantLatentHasNoSpectrumAndABatchIsRefused() {
        assertTrue(Double.isNaN(LatentSpectrum.highFrequencyShare(plane(4, 4, (y, x) -> 2.0))));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> LatentSpectrum.highFrequencyShare(FloatTensor.zeros(2, 4, 8, 8)));
        assertTrue(e.getMessage().contains("[1,C,h,w]"), e.getMessage());
    }
}
