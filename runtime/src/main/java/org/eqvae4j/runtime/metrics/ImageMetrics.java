package org.eqvae4j.runtime.metrics;

import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;

/** Reconstruction metrics on [0,1] images. */
public final class ImageMetrics {
    private ImageMetrics() {}

    /**
     * PSNR in dB on 8-bit quantised pixels, as the paper reports it: 20 log10(255 / sqrt(MSE)) over one
     * image (sample 0 of each tensor). Identical images give +infinity.
     */
    public static double psnrUint8(FloatTensor a, FloatTensor b) {
        if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width()) {
            throw new IllegalArgumentException("PSNR needs equal shapes, got " + a + " and " + b);
        }
        return psnrUint8(quantised(a), b);
    }

    /**
     * Sample 0 quantised to 8 bits as {@link #psnrUint8} compares it: a reference a quarter the size of
     * the floats, so a large image's input need not be held while its reconstruction is made.
     */
    public static byte[] quantised(FloatTensor a) {
        int n = a.channels() * a.height() * a.width();
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) ImageFiles.toByte(a.data()[i]);
        }
        return out;
    }

    /** PSNR of sample 0 of {@code b} against a {@link #quantised} reference of the same C x H x W. */
    public static double psnrUint8(byte[] reference, FloatTensor b) {
        int n = b.channels() * b.height() * b.width();
        if (reference.length != n) {
            throw new IllegalArgumentException(
                    "PSNR needs equal shapes, got " + reference.length + " reference values and " + b);
        }
        double se = 0;
        for (int i = 0; i < n; i++) {
            double d = (reference[i] & 0xff) - ImageFiles.toByte(b.data()[i]);
            se += d * d;
        }
        double mse = se / n;
        return mse == 0 ? Double.POSITIVE_INFINITY : 20 * Math.log10(255.0 / Math.sqrt(mse));
    }
}
