package org.eqvae4j.runtime.metrics;

import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;

/** Reconstruction metrics on [0,1] images. */
public final class ImageMetrics {
    private ImageMetrics() {
    }

    /**
     * PSNR in dB on 8-bit quantised pixels, as the paper reports it: 20 log10(255 / sqrt(MSE)) over one
     * image (sample 0 of each tensor). Identical images give +infinity.
     */
    public static double psnrUint8(FloatTensor a, FloatTensor b) {
        if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width()) {
            throw new IllegalArgumentException("PSNR needs equal shapes, got " + a + " and " + b);
        }
        int n = a.channels() * a.height() * a.width();
        double se = 0;
        for (int i = 0; i < n; i++) {
            double d = ImageFiles.toByte(a.data()[i]) - ImageFiles.toByte(b.data()[i]);
            se += d * d;
        }
        double mse = se / n;
        return mse == 0 ? Double.POSITIVE_INFINITY : 20 * Math.log10(255.0 / Math.sqrt(mse));
    }
}
