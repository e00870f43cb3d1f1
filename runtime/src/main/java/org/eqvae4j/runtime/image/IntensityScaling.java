package org.eqvae4j.runtime.image;

/**
 * The recorded map between a file's raw samples and the [0, 1] values the models see:
 * {@code value = (raw - low) / (high - low)}, and back {@code raw = low + value * (high - low)}.
 * Linear scaling of n-bit integers is low = 0, high = 2^n - 1 (8-bit: /255, 16-bit: /65535), exactly
 * reversible; floating-point samples are taken as they are (0, 1). A percentile scaling stores the
 * percentiles it found, so outputs can be put back into the input's intensity units.
 *
 * @param method how low and high were chosen, e.g. "linear" or "percentile 1-99.8"
 */
public record IntensityScaling(double low, double high, String method) {
    public IntensityScaling {
        if (!Double.isFinite(low) || !Double.isFinite(high) || !(high > low)) {
            throw new IllegalArgumentException("intensity scaling needs finite low < high, got " + low + ", " + high);
        }
    }

    /** raw / (2^bits - 1) for integers; identity for floating point. */
    public static IntensityScaling linear(int bitsPerSample, boolean floatingPoint) {
        return new IntensityScaling(0, floatingPoint ? 1 : (1L << bitsPerSample) - 1, "linear");
    }

    public double toUnit(double raw) {
        return (raw - low) / (high - low);
    }

    public double toRaw(double unit) {
        return low + unit * (high - low);
    }
}
