package org.eqvae4j.runtime.transform;

import static org.eqvae4j.runtime.TestSupport.assertClose;
import static org.eqvae4j.runtime.TestSupport.plane;
import static org.eqvae4j.runtime.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResamplerTest {

    @Test
    void bilinearHalfIsTwoByTwoAverage() {
        FloatTensor x = random(1, 2, 3, 8, 10);
        FloatTensor y = Resampler.resize(x, 4, 5, Interpolation.BILINEAR);
        assertEquals(4, y.height());
        assertEquals(5, y.width());
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 5; j++) {
                        double avg = (x.get(n, c, 2 * i, 2 * j)
                                        + x.get(n, c, 2 * i, 2 * j + 1)
                                        + x.get(n, c, 2 * i + 1, 2 * j)
                                        + x.get(n, c, 2 * i + 1, 2 * j + 1))
                                / 4.0;
                        assertEquals(avg, y.get(n, c, i, j), 1e-6, "at " + n + "," + c + "," + i + "," + j);
                    }
                }
            }
        }
    }

    /**
     * Hand-computed with PyTorch's formula src = max(0, (dst + 0.5) * in / out - 0.5): rows 2 -> 4 sample
     * at 0, 0.25, 0.75, 1.25 (clamped to row 1); columns 3 -> 6 at 0, 0.25, 0.75, 1.25, 1.75, 2.25 (clamped).
     */
    @Test
    void bilinearDoubleMatchesHandComputedPyTorchValues() {
        FloatTensor x = plane(new float[][] {{1, 2, 4}, {8, 16, 32}});
        FloatTensor y = Resampler.resize(x, 4, 6, Interpolation.BILINEAR);
        FloatTensor expected = plane(new float[][] {
            {1f, 1.25f, 1.75f, 2.5f, 3.5f, 4f},
            {2.75f, 3.4375f, 4.8125f, 6.875f, 9.625f, 11f},
            {6.25f, 7.8125f, 10.9375f, 15.625f, 21.875f, 25f},
            {8f, 10f, 14f, 20f, 28f, 32f}
        });
        assertClose(expected, y, 1e-6);
    }

    @ParameterizedTest
    @CsvSource({"3,4,7,9", "4,4,16,16", "5,3,8,13"})
    void bicubicUpsamplingReproducesAConstant(int h, int w, int oh, int ow) {
        FloatTensor x = new FloatTensor(1, 2, h, w, filled(2 * h * w, 0.37f));
        FloatTensor y = Resampler.resize(x, oh, ow, Interpolation.BICUBIC);
        assertClose(new FloatTensor(1, 2, oh, ow, filled(2 * oh * ow, 0.37f)), y, 1e-6);
    }

    /**
     * Cubic convolution with a = -0.75 reproduces a linear ramp where the fractional source offset t is 0 or
     * 1/2 (the kernel's first moment is t only there); for x2 upsampling (t = 1/4, 3/4) it reproduces
     * i0 + m(t) with m(1/4) = 0.296875, m(3/4) = 0.703125, the known PyTorch a = -0.75 behaviour. Tested on
     * rows away from the borders (the clamped taps at the borders break any ramp).
     */
    @Test
    void bicubicOnALinearRampAwayFromBorders() {
        int h = 12;
        int w = 5;
        float[] d = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                d[y * w + x] = 3f * y + 7f;
            }
        }
        FloatTensor ramp = new FloatTensor(1, 1, h, w, d);
        // x1/2 downsampling: src = 2o + 0.5, t = 1/2, reproduces the ramp exactly
        FloatTensor down = Resampler.resize(ramp, 6, w, Interpolation.BICUBIC);
        for (int o = 1; o < 5; o++) {
            assertEquals(3.0 * (2 * o + 0.5) + 7, down.get(0, 0, o, 2), 1e-5, "downsampled row " + o);
        }
        FloatTensor up2 = Resampler.resize(ramp, 2 * h, w, Interpolation.BICUBIC);
        for (int o = 4; o < 2 * h - 4; o++) {
            double src = (o + 0.5) / 2 - 0.5;
            int i0 = (int) Math.floor(src);
            double t = src - i0;
            double m = t == 0.25 ? 0.296875 : 0.703125;
            assertEquals(3.0 * (i0 + m) + 7, up2.get(0, 0, o, 3), 1e-5, "upsampled row " + o);
        }
        FloatTensor up3 = Resampler.resize(ramp, 3 * h, w, Interpolation.BICUBIC);
        for (int o = 4; o < 3 * h - 4; o += 3) {
            // src = (o + 0.5) / 3 - 0.5 = (o - 1) / 3, an integer: t = 0 picks the source row exactly
            assertEquals(3.0 * ((o - 1) / 3) + 7, up3.get(0, 0, o, 1), 1e-5, "x3 upsampled row " + o);
        }
    }

    @Test
    void nearestPicksFloorOfDstTimesInOverOut() {
        int[][] sizes = {{7, 3}, {3, 7}, {10, 6}, {5, 8}, {9, 6}, {16, 5}};
        for (int[] s : sizes) {
            int in = s[0];
            int out = s[1];
            float[] d = new float[in * in];
            for (int i = 0; i < d.length; i++) {
                d[i] = i;
            }
            FloatTensor x = new FloatTensor(1, 1, in, in, d);
            FloatTensor y = Resampler.resize(x, out, out, Interpolation.NEAREST);
            for (int oy = 0; oy < out; oy++) {
                for (int ox = 0; ox < out; ox++) {
                    int sy = oy * in / out;
                    int sx = ox * in / out;
                    assertEquals(sy * in + sx, y.get(0, 0, oy, ox), 0, in + "->" + out + " at " + oy + "," + ox);
                }
            }
        }
    }

    @Test
    void sameSizeReturnsTheInput() {
        FloatTensor x = random(2, 1, 2, 5, 6);
        for (Interpolation m : Interpolation.values()) {
            assertSame(x, Resampler.resize(x, 5, 6, m));
        }
    }

    @Test
    void nonPositiveTargetIsRefused() {
        FloatTensor x = random(3, 1, 1, 4, 4);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Resampler.resize(x, 0, 3, Interpolation.BILINEAR));
        assertTrue(e.getMessage().contains("0x3"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"7,7,3,3", "3,7,7,3", "5,9,8,4", "6,6,13,2", "1,4,3,5", "10,11,4,17", "4,4,3,6", "9,5,9,12"})
    void matchesAnIndependentPerPixelReference(int h, int w, int oh, int ow) {
        FloatTensor x = random(h * 100L + w * 10L + oh + ow, 2, 3, h, w);
        for (Interpolation m : Interpolation.values()) {
            FloatTensor got = Resampler.resize(x, oh, ow, m);
            FloatTensor want = reference(x, oh, ow, m);
            assertClose(want, got, 2e-6);
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    // ---- independent reference: every output pixel evaluated directly from the 2-D formula, in double ----

    private static FloatTensor reference(FloatTensor x, int oh, int ow, Interpolation m) {
        int h = x.height();
        int w = x.width();
        float[] out = new float[x.batch() * x.channels() * oh * ow];
        int k = 0;
        for (int n = 0; n < x.batch(); n++) {
            for (int c = 0; c < x.channels(); c++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        out[k++] = (float) pixel(x, n, c, oy, ox, h, w, oh, ow, m);
                    }
                }
            }
        }
        return new FloatTensor(x.batch(), x.channels(), oh, ow, out);
    }

    private static double pixel(
            FloatTensor x, int n, int c, int oy, int ox, int h, int w, int oh, int ow, Interpolation m) {
        switch (m) {
            case NEAREST: {
                int sy = Math.min(oy * h / oh, h - 1);
                int sx = Math.min(ox * w / ow, w - 1);
                return x.get(n, c, sy, sx);
            }
            case BILINEAR: {
                double fy = Math.max(0.0, (oy + 0.5) * h / oh - 0.5);
                double fx = Math.max(0.0, (ox + 0.5) * w / ow - 0.5);
                double sum = 0;
                // tent kernel over all source pixels: weight max(0, 1 - |d|) per axis, positions clamped
                for (int py = 0; py < h; py++) {
                    for (int px = 0; px < w; px++) {
                        double wy = Math.max(0, 1 - Math.abs(Math.min(fy, h - 1) - py));
                        double wx = Math.max(0, 1 - Math.abs(Math.min(fx, w - 1) - px));
                        sum += wy * wx * x.get(n, c, py, px);
                    }
                }
                return sum;
            }
            case AREA: {
                // adaptive average pooling: the mean of the source rectangle
                int y0 = (int) Math.floor((double) oy * h / oh);
                int y1 = (int) Math.ceil((double) (oy + 1) * h / oh);
                int x0 = (int) Math.floor((double) ox * w / ow);
                int x1 = (int) Math.ceil((double) (ox + 1) * w / ow);
                double sum = 0;
                for (int py = y0; py < y1; py++) {
                    for (int px = x0; px < x1; px++) {
                        sum += x.get(n, c, py, px);
                    }
                }
                return sum / ((y1 - y0) * (x1 - x0));
            }
            default: {
                double fy = (oy + 0.5) * h / oh - 0.5;
                double fx = (ox + 0.5) * w / ow - 0.5;
                int by = (int) Math.floor(fy);
                int bx = (int) Math.floor(fx);
                double sum = 0;
                for (int dy = -1; dy <= 2; dy++) {
                    for (int dx = -1; dx <= 2; dx++) {
                        double kern = keys(fy - (by + dy)) * keys(fx - (bx + dx));
                        int py = Math.max(0, Math.min(h - 1, by + dy));
                        int px = Math.max(0, Math.min(w - 1, bx + dx));
                        sum += kern * x.get(n, c, py, px);
                    }
                }
                return sum;
            }
        }
    }

    /** Keys' cubic convolution kernel, a = -0.75, written piecewise in |d|. */
    private static double keys(double d) {
        double a = -0.75;
        double t = Math.abs(d);
        if (t <= 1) {
            return (a + 2) * t * t * t - (a + 3) * t * t + 1;
        }
        if (t < 2) {
            return a * t * t * t - 5 * a * t * t + 8 * a * t - 4 * a;
        }
        return 0;
    }
}
