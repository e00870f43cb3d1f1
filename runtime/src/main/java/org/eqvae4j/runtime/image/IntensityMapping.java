package org.eqvae4j.runtime.image;

import java.util.Arrays;
import java.util.Locale;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * How to choose an image's {@link IntensityScaling} when reading it: {@code linear} (by bit depth, the
 * default) or {@code percentile} (low and high percentiles of all samples map to 0 and 1, as CSBDeep
 * normalises microscopy images; 1 and 99.8 unless given as {@code percentile:LOW:HIGH}). Values beyond
 * the percentiles are kept (not clipped) so the scaling stays reversible.
 */
public record IntensityMapping(boolean percentile, double lowPercentile, double highPercentile) {
    public static final IntensityMapping LINEAR = new IntensityMapping(false, 0, 100);
    public static final IntensityMapping PERCENTILE = new IntensityMapping(true, 1, 99.8);
    /** Percentiles are estimated from at most this many samples, taken at a regular stride. */
    private static final int SAMPLES = 1 << 20;

    public IntensityMapping {
        if (!(lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 100)) {
            throw new IllegalArgumentException(
                    "percentiles must satisfy 0 <= low < high <= 100, got " + lowPercentile + ", " + highPercentile);
        }
    }

    /** "linear", "percentile" or "percentile:LOW:HIGH" (e.g. percentile:0.5:99.5). */
    public static IntensityMapping parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("linear")) {
            return LINEAR;
        }
        if (t.equals("percentile")) {
            return PERCENTILE;
        }
        String[] p = t.split(":", -1);
        if (p.length == 3 && p[0].equals("percentile")) {
            try {
                return new IntensityMapping(true, Double.parseDouble(p[1]), Double.parseDouble(p[2]));
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException(
                "intensity mapping must be linear, percentile or percentile:LOW:HIGH, got '" + s + "'");
    }

    /**
     * The scaling for samples already divided by the type's maximum ({@code unit}, as ImageIO gives them).
     *
     * @param rawMax what 1.0 in {@code unit} is in raw samples (2^bits - 1; 1 for floating point)
     */
    public IntensityScaling scalingFor(FloatTensor unit, double rawMax, int bitsPerSample, boolean floatingPoint) {
        if (!percentile) {
            return IntensityScaling.linear(bitsPerSample, floatingPoint);
        }
        float[] d = unit.data();
        int stride = Math.max(1, d.length / SAMPLES);
        float[] sample = new float[(d.length + stride - 1) / stride];
        for (int i = 0, j = 0; i < d.length; i += stride) {
            sample[j++] = d[i];
        }
        Arrays.sort(sample);
        double lo = at(sample, lowPercentile);
        double hi = at(sample, highPercentile);
        if (!(hi > lo)) { // a flat image: keep it flat rather than divide by zero
            hi = lo + 1.0 / rawMax;
        }
        return new IntensityScaling(
                lo * rawMax,
                hi * rawMax,
                String.format(Locale.ROOT, "percentile %s-%s", trim(lowPercentile), trim(highPercentile)));
    }

    private static double at(float[] sorted, double p) {
        double pos = p / 100 * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(i + 1, sorted.length - 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
