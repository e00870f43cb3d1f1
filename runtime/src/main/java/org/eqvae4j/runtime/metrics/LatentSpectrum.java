package org.eqvae4j.runtime.metrics;

import java.util.Locale;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * How much of a latent's spatial variation is fine detail: the share of its power spectrum above half the Nyquist
 * frequency. Each channel's own spatial mean is removed first (the DC term says nothing about structure), the 2-D
 * discrete Fourier power of every channel is summed, and the power at radial frequencies above {@value #CUTOFF}
 * cycles per latent pixel is divided by the total. A smooth latent scores near 0; white noise scores the share of
 * frequency bins above the cutoff ({@link #whiteNoiseShare}: 51 of the 63 on an 8x8 grid, 0.81).
 *
 * <p>Why measure it: latents rich in high frequencies are reported to be harder for diffusion models to learn
 * (Skorokhodov et al. 2025, "Improving the Diffusability of Autoencoders"), and a scale-equivariance objective
 * suppresses them; the generator experiments use it to ask whether the spectrum predicts how fast each arm's latents
 * train.
 */
public final class LatentSpectrum {
    /** Radial frequency, in cycles per latent pixel, above which power counts as high (half of Nyquist's 0.5). */
    public static final double CUTOFF = 0.25;

    private LatentSpectrum() {}

    /**
     * The high-frequency share of one latent, summed over its channels.
     *
     * @param z [1,C,h,w]
     * @return a value in [0, 1]; NaN when every channel is constant (no spatial variation at all)
     */
    public static double highFrequencyShare(FloatTensor z) {
        long[] shape = z.shape();
        if (shape.length != 4 || shape[0] != 1) {
            throw new IllegalArgumentException("a latent spectrum needs one [1,C,h,w] latent, got " + z);
        }
        int channels = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        boolean[][] high = highBins(h, w);
        Twiddles rows = new Twiddles(w);
        Twiddles columns = new Twiddles(h);
        double highPower = 0;
        double total = 0;
        float[] data = z.data();
        double[] plane = new double[h * w];
        for (int c = 0; c < channels; c++) {
            double mean = 0;
            for (int i = 0; i < h * w; i++) {
                plane[i] = data[c * h * w + i];
                mean += plane[i];
            }
            mean /= h * w;
            for (int i = 0; i < h * w; i++) {
                plane[i] -= mean;
            }
            double[][] power = power(plane, h, w, rows, columns);
            for (int u = 0; u < h; u++) {
                for (int v = 0; v < w; v++) {
                    total += power[u][v];
                    if (high[u][v]) {
                        highPower += power[u][v];
                    }
                }
            }
        }
        return total > 0 ? highPower / total : Double.NaN;
    }

    /** What the measure is, for a report's legend. */
    public static String legend() {
        return String.format(
                Locale.ROOT,
                "the share of the latents' spatial power above %.2f cycles per latent pixel (each channel's mean removed;"
                        + " white noise scores %.2f on 8x8 latents)",
                CUTOFF,
                whiteNoiseShare(8, 8));
    }

    /** The share of an h x w grid's non-DC frequency bins above {@link #CUTOFF}: what white noise scores. */
    public static double whiteNoiseShare(int h, int w) {
        boolean[][] high = highBins(h, w);
        int count = 0;
        for (boolean[] row : high) {
            for (boolean b : row) {
                count += b ? 1 : 0;
            }
        }
        return count / (double) (h * w - 1);
    }

    /** Bins whose radial frequency sqrt(fu^2 + fv^2), fu = min(u, h - u) / h, exceeds the cutoff. */
    private static boolean[][] highBins(int h, int w) {
        boolean[][] high = new boolean[h][w];
        for (int u = 0; u < h; u++) {
            double fu = Math.min(u, h - u) / (double) h;
            for (int v = 0; v < w; v++) {
                double fv = Math.min(v, w - v) / (double) w;
                high[u][v] = Math.sqrt(fu * fu + fv * fv) > CUTOFF;
            }
        }
        return high;
    }

    /** |DFT|^2 of a real h x w plane (row-major). */
    static double[][] power(double[] plane, int h, int w) {
        return power(plane, h, w, new Twiddles(w), new Twiddles(h));
    }

    /** The same, separably (rows first, then columns), with the tables made once per latent, not per channel. */
    private static double[][] power(double[] plane, int h, int w, Twiddles rows, Twiddles columns) {
        double[][] cosW = rows.cos;
        double[][] sinW = rows.sin;
        double[][] cosH = columns.cos;
        double[][] sinH = columns.sin;
        double[][] re = new double[h][w];
        double[][] im = new double[h][w];
        for (int y = 0; y < h; y++) {
            for (int v = 0; v < w; v++) {
                for (int x = 0; x < w; x++) {
                    re[y][v] += plane[y * w + x] * cosW[v][x];
                    im[y][v] += plane[y * w + x] * sinW[v][x];
                }
            }
        }
        double[][] power = new double[h][w];
        for (int u = 0; u < h; u++) {
            for (int v = 0; v < w; v++) {
                double sr = 0;
                double si = 0;
                for (int y = 0; y < h; y++) {
                    sr += re[y][v] * cosH[u][y] - im[y][v] * sinH[u][y];
                    si += re[y][v] * sinH[u][y] + im[y][v] * cosH[u][y];
                }
                power[u][v] = sr * sr + si * si;
            }
        }
        return power;
    }

    /** cos and sin of -2 pi k n / size, [k][n]: the DFT's factors along one axis. */
    private static final class Twiddles {
        final double[][] cos;
        final double[][] sin;

        Twiddles(int size) {
            cos = new double[size][size];
            sin = new double[size][size];
            for (int k = 0; k < size; k++) {
                for (int n = 0; n < size; n++) {
                    double a = -2 * Math.PI * k * n / size;
                    cos[k][n] = Math.cos(a);
                    sin[k][n] = Math.sin(a);
                }
            }
        }
    }
}
