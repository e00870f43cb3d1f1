package org.eqvae4j.export.bioimageio;

import java.util.Arrays;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * The bioimage.io processing steps the exported packages declare, computed here exactly as the spec
 * defines them, so that the test tensors written with a package are what a consumer (bioimageio.core,
 * deepImageJ/JDLL) computes from the declared steps.
 */
public final class Preprocessing {
    /** scale_range's default epsilon: {@code out = (x - lo) / (hi - lo + eps)}. */
    public static final double SCALE_RANGE_EPS = 1e-6;

    private Preprocessing() {}

    /**
     * {@code scale_range} over all axes but batch (channel, y and x jointly, per sample): the
     * {@code low} and {@code high} percentiles become 0 and 1 (numpy's default linear interpolation
     * between order statistics); values beyond them are not clipped.
     */
    public static FloatTensor scaleRange(FloatTensor x, double low, double high) {
        int n = x.batch();
        int per = x.data().length / n;
        float[] out = new float[x.data().length];
        for (int s = 0; s < n; s++) {
            float[] sample = Arrays.copyOfRange(x.data(), s * per, (s + 1) * per);
            double[] sorted = new double[per];
            for (int i = 0; i < per; i++) {
                sorted[i] = sample[i];
            }
            Arrays.sort(sorted);
            double lo = percentile(sorted, low);
            double hi = percentile(sorted, high);
            for (int i = 0; i < per; i++) {
                out[s * per + i] = (float) ((sample[i] - lo) / (hi - lo + SCALE_RANGE_EPS));
            }
        }
        return FloatTensor.of(x.shape(), out);
    }

    /** numpy's {@code percentile(a, q)} with method "linear" on sorted values. */
    static double percentile(double[] sorted, double q) {
        if (!(q >= 0 && q <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + q);
        }
        double rank = q / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        double frac = rank - below;
        return sorted[below] + frac * (sorted[above] - sorted[below]);
    }

    /** {@code scale_linear}: {@code out = gain * x + offset}. */
    public static FloatTensor scaleLinear(FloatTensor x, double gain, double offset) {
        return x.map(v -> gain * v + offset);
    }

    /** {@code clip} to [min, max]. */
    public static FloatTensor clip(FloatTensor x, double min, double max) {
        return x.map(v -> Math.max(min, Math.min(max, v)));
    }
}
