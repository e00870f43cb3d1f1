package org.eqvae4j.training.eqvae;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * Draws the EQ-VAE transform for a step, as the reference code does by default: rotation by k quarter
 * turns (k in 1..3) composed with scaling by s from the grid {k/32 : k = 8..31}; the paper's variant
 * draws s ~ U(0.25, 1); a discrete set (e.g. the evaluation's {0.25, 0.5, 0.75}) draws one of its values
 * with equal probability; the anisotropic ablation draws sy and sx independently.
 *
 * @param scales        where s comes from
 * @param anisotropic   independent scale per axis
 * @param interpolation resampling of latent and image (bilinear in the reference code)
 */
public record TauSampler(Scales scales, boolean anisotropic, Interpolation interpolation) {

    /**
     * The distribution of the scale factor s: the one definition of the choice between the reference grid, the
     * paper's uniform draw and a discrete set.
     *
     * @param kind   which distribution
     * @param values the set's values (SET only), each in (0, 1]
     */
    public record Scales(Kind kind, List<Double> values) {
        public enum Kind {
            /** {k/32 : k = 8..31} (reference code). */
            GRID,
            /** U(0.25, 1) (paper text). */
            UNIFORM,
            /** One of the given values, each equally likely. */
            SET
        }

        public Scales {
            values = List.copyOf(values);
            if (kind == Kind.SET) {
                if (values.isEmpty()) {
                    throw new IllegalArgumentException("a scale set needs at least one value");
                }
                for (double s : values) {
                    if (!(s > 0 && s <= 1)) {
                        throw new IllegalArgumentException("scales must lie in (0, 1], got " + s);
                    }
                }
            } else if (!values.isEmpty()) {
                throw new IllegalArgumentException("only a scale set has values, got " + kind + " with " + values);
            }
        }

        public static Scales grid() {
            return new Scales(Kind.GRID, List.of());
        }

        public static Scales uniform() {
            return new Scales(Kind.UNIFORM, List.of());
        }

        public static Scales set(List<Double> values) {
            return new Scales(Kind.SET, values);
        }

        /** One draw of s. */
        public double draw(SplittableRandom rnd) {
            return switch (kind) {
                case GRID -> (8 + rnd.nextInt(24)) / 32.0;
                case UNIFORM -> rnd.nextDouble(0.25, 1.0);
                case SET -> values.get(rnd.nextInt(values.size()));
            };
        }

        /** The smallest s a draw can give (0.25 for the grid and the uniform draw). */
        public double smallest() {
            return kind == Kind.SET
                    ? values.stream().mapToDouble(Double::doubleValue).min().orElseThrow()
                    : 0.25;
        }

        @Override
        public String toString() {
            return switch (kind) {
                case GRID -> "k/32, k=8..31";
                case UNIFORM -> "U(0.25, 1)";
                case SET ->
                    values.stream()
                            .map(v -> String.format(Locale.ROOT, "%s", v))
                            .collect(Collectors.joining(",", "{", "}"));
            };
        }
    }

    public TauSampler {
        if (scales == null) {
            throw new IllegalArgumentException("scales are required");
        }
    }

    public static TauSampler reference() {
        return new TauSampler(Scales.grid(), false, Interpolation.BILINEAR);
    }

    public LatentTransform sample(SplittableRandom rnd) {
        double sy = scales.draw(rnd);
        double sx = anisotropic ? scales.draw(rnd) : sy;
        int k = 1 + rnd.nextInt(3);
        return LatentTransform.scale(sy, sx, interpolation).andThen(LatentTransform.rotate90(k));
    }
}
