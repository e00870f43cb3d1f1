package org.eqvae4j.runtime.tensor;

/**
 * The pixel value range a model takes and produces at its image boundary (input of an encoder, output of a decoder,
 * input of a discriminator), and the one mapping between it and the [0, 1] images of the API:
 * {@code v_model = min + v * (max - min)}. Graphs never rescale; a bundle's {@code valueRange} declares it, the
 * exporter's configs carry it, and the runtime applies it here and nowhere else.
 *
 * @param min value of black / the lowest intensity
 * @param max value of white / the highest intensity
 */
public record ValueRange(double min, double max) {
    /** [0, 1]: TAESD family and the project's default at the image boundary. */
    public static final ValueRange ZERO_TO_ONE = new ValueRange(0, 1);
    /** [-1, 1]: LDM / Stable Diffusion autoencoders. */
    public static final ValueRange MINUS_ONE_TO_ONE = new ValueRange(-1, 1);

    public ValueRange {
        if (!(min < max) || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("value range needs finite min < max, got [" + min + ", " + max + "]");
        }
    }

    /** The range of model.json's {@code valueRange} field, [low, high]. */
    public static ValueRange of(double[] range) {
        if (range == null || range.length != 2) {
            throw new IllegalArgumentException("value range must be [low, high], got "
                    + (range == null ? "none" : java.util.Arrays.toString(range)));
        }
        return new ValueRange(range[0], range[1]);
    }

    /** As model.json writes it: [min, max]. */
    public double[] toArray() {
        return new double[] {min, max};
    }

    /** Images in [0, 1] to this range (the same tensor when the range is [0, 1]). */
    public FloatTensor toModel(FloatTensor unit) {
        return min == 0 && max == 1 ? unit : unit.map(v -> min + v * (max - min));
    }

    /** Model output in this range to [0, 1], not clamped (the same tensor when the range is [0, 1]). */
    public FloatTensor fromModel(FloatTensor model) {
        return min == 0 && max == 1 ? model : model.map(v -> (v - min) / (max - min));
    }

    /** {@link #toModel(FloatTensor)} for a manifest's {@code valueRange} array. */
    public static FloatTensor toModel(FloatTensor unit, double[] range) {
        return of(range).toModel(unit);
    }

    /** {@link #fromModel(FloatTensor)} for a manifest's {@code valueRange} array. */
    public static FloatTensor fromModel(FloatTensor model, double[] range) {
        return of(range).fromModel(model);
    }
}
