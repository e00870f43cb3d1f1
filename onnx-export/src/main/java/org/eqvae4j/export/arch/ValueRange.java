package org.eqvae4j.export.arch;

/**
 * The pixel value range an image model expects at its image boundary (input of an encoder, output of
 * a decoder, input of a discriminator). Graphs never rescale; whoever feeds them maps pixels into this
 * range, and a model bundle's manifest carries it.
 *
 * @param min value of black / the lowest intensity
 * @param max value of white / the highest intensity
 */
public record ValueRange(float min, float max) {
    /** [0, 1]: TAESD family and the project's default at the image boundary. */
    public static final ValueRange ZERO_TO_ONE = new ValueRange(0f, 1f);
    /** [-1, 1]: LDM / Stable Diffusion autoencoders. */
    public static final ValueRange MINUS_ONE_TO_ONE = new ValueRange(-1f, 1f);

    public ValueRange {
        if (!(min < max) || !Float.isFinite(min) || !Float.isFinite(max)) {
            throw new IllegalArgumentException("value range needs finite min < max, got [" + min + ", " + max + "]");
        }
    }

    /** Maps a value in [0, 1] into this range. */
    public float fromUnit(float v) {
        return min + v * (max - min);
    }

    /** Maps a value in this range to [0, 1] (no clamping). */
    public float toUnit(float v) {
        return (v - min) / (max - min);
    }
}
