package org.eqvae4j.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

class SsimAndTwoNNTest {

    private static FloatTensor pattern(int h, int w, double noise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[3 * h * w];
        for (int i = 0; i < d.length; i++) {
            int y = (i / w) % h;
            int x = i % w;
            d[i] = (float) Math.max(
                    0, Math.min(1, 0.5 + 0.4 * Math.sin(x / 3.0) * Math.cos(y / 5.0) + noise * (r.nextDouble() - 0.5)));
        }
        return new FloatTensor(1, 3, h, w, d);
    }

    @Test
    void ssimIsOneForIdenticalImagesAndFallsWithNoise() {
        FloatTensor a = pattern(32, 40, 0, 1);
        assertEquals(1.0, Ssim.of(a, a), 1e-12);
        double mild = Ssim.of(a, pattern(32, 40, 0.05, 2));
        double strong = Ssim.of(a, pattern(32, 40, 0.5, 3));
        assertTrue(mild < 1 && strong < mild, "mild " + mild + ", strong " + strong);
    }

    @Test
    void ssimOfAConstantShiftMatchesTheFormula() {
        // constant images: variances are 0, so SSIM = (2 mx my + C1) / (mx^2 + my^2 + C1)
        FloatTensor a = new FloatTensor(1, 1, 16, 16, filled(256, 100 / 255f));
        FloatTensor b = new FloatTensor(1, 1, 16, 16, filled(256, 120 / 255f));
        double c1 = Math.pow(0.01 * 255, 2);
        assertEquals((2 * 100 * 120 + c1) / (100 * 100 + 120 * 120 + c1), Ssim.of(a, b), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Ssim.of(pattern(8, 8, 0, 1), pattern(8, 8, 0, 1)));
    }

    private static float[] filled(int n, float v) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, v);
        return f;
    }

    @Test
    void twoNNRecoversTheDimensionOfAFlatManifold() {
        SplittableRandom r = new SplittableRandom(7);
        for (int dim : new int[] {2, 5}) {
            float[][] pts = new float[1500][12];
            for (float[] p : pts) {
                double[] u = new double[dim];
                for (int k = 0; k < dim; k++) {
                    u[k] = r.nextDouble();
                }
                // embed linearly in 12-D
                for (int j = 0; j < 12; j++) {
                    double v = 0;
                    for (int k = 0; k < dim; k++) {
                        v += u[k] * Math.cos(j * (k + 1));
                    }
                    p[j] = (float) v;
                }
            }
            double id = TwoNN.estimate(pts);
            assertEquals(dim, id, 0.15 * dim, "intrinsic dimension of a " + dim + "-D cube in 12-D");
        }
    }

    @Test
    void relativeErrorIsZeroForEqualLatents() {
        FloatTensor z = pattern(4, 4, 0.3, 9);
        assertEquals(0, AutoencoderEvaluation.relativeError(z, z), 0);
        assertEquals(1, AutoencoderEvaluation.relativeError(FloatTensor.zeros(1, 3, 4, 4), z), 1e-12);
    }
}
