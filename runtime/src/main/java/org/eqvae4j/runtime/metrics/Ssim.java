package org.eqvae4j.runtime.metrics;

import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Structural similarity (Wang et al. 2004) on 8-bit quantised pixels: 11x11 Gaussian window with
 * sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, 'valid' filtering (no padding), averaged over window
 * positions and channels — the common definition of reconstruction SSIM.
 */
public final class Ssim {
    private static final int WIN = 11;
    private static final double SIGMA = 1.5;
    private static final double C1 = Math.pow(0.01 * 255, 2);
    private static final double C2 = Math.pow(0.03 * 255, 2);
    private static final double[] KERNEL = gaussian();

    private Ssim() {}

    /** SSIM of sample 0 of each tensor; images smaller than 11 px on a side are refused. */
    public static double of(FloatTensor a, FloatTensor b) {
        if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width()) {
            throw new IllegalArgumentException("SSIM needs equal shapes, got " + a + " and " + b);
        }
        int h = a.height();
        int w = a.width();
        if (h < WIN || w < WIN) {
            throw new IllegalArgumentException(
                    "SSIM needs images of at least " + WIN + "x" + WIN + ", got " + h + "x" + w);
        }
        double total = 0;
        for (int c = 0; c < a.channels(); c++) {
            double[] x = plane(a, c);
            double[] y = plane(b, c);
            double[] mx = blur(x, h, w);
            double[] my = blur(y, h, w);
            double[] xx = blur(product(x, x), h, w);
            double[] yy = blur(product(y, y), h, w);
            double[] xy = blur(product(x, y), h, w);
            double sum = 0;
            for (int i = 0; i < mx.length; i++) {
                double vx = xx[i] - mx[i] * mx[i];
                double vy = yy[i] - my[i] * my[i];
                double cov = xy[i] - mx[i] * my[i];
                sum += ((2 * mx[i] * my[i] + C1) * (2 * cov + C2))
                        / ((mx[i] * mx[i] + my[i] * my[i] + C1) * (vx + vy + C2));
            }
            total += sum / mx.length;
        }
        return total / a.channels();
    }

    private static double[] plane(FloatTensor t, int c) {
        int n = t.height() * t.width();
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = ImageFiles.toByte(t.data()[c * n + i]);
        }
        return p;
    }

    private static double[] product(double[] a, double[] b) {
        double[] p = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            p[i] = a[i] * b[i];
        }
        return p;
    }

    /** Separable Gaussian filter, valid region only: (h-10) x (w-10). */
    private static double[] blur(double[] p, int h, int w) {
        int ow = w - WIN + 1;
        int oh = h - WIN + 1;
        double[] rows = new double[h * ow];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < WIN; k++) {
                    s += KERNEL[k] * p[y * w + x + k];
                }
                rows[y * ow + x] = s;
            }
        }
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < WIN; k++) {
                    s += KERNEL[k] * rows[(y + k) * ow + x];
                }
                out[y * ow + x] = s;
            }
        }
        return out;
    }

    private static double[] gaussian() {
        double[] k = new double[WIN];
        double sum = 0;
        for (int i = 0; i < WIN; i++) {
            double d = i - WIN / 2;
            k[i] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
            sum += k[i];
        }
        for (int i = 0; i < WIN; i++) {
            k[i] /= sum;
        }
        return k;
    }
}
