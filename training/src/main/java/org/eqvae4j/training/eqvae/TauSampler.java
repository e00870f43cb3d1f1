package org.eqvae4j.training.eqvae;

import java.util.SplittableRandom;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * Draws the EQ-VAE transform for a step, as the reference code does by default: rotation by k quarter
 * turns (k in 1..3) composed with scaling by s from the grid {k/32 : k = 8..31}; the paper's variant
 * draws s ~ U(0.25, 1); the anisotropic ablation draws sy and sx independently.
 *
 * @param scaleGrid     true: s from {k/32, k = 8..31}; false: s ~ U(0.25, 1)
 * @param anisotropic   independent scale per axis
 * @param interpolation resampling of latent and image (bilinear in the reference code)
 */
public record TauSampler(boolean scaleGrid, boolean anisotropic, Interpolation interpolation) {

    public static TauSampler reference() {
        return new TauSampler(true, false, Interpolation.BILINEAR);
    }

    public LatentTransform sample(SplittableRandom rnd) {
        double sy = scale(rnd);
        double sx = anisotropic ? scale(rnd) : sy;
        int k = 1 + rnd.nextInt(3);
        return LatentTransform.scale(sy, sx, interpolation).andThen(LatentTransform.rotate90(k));
    }

    private double scale(SplittableRandom rnd) {
        return scaleGrid ? (8 + rnd.nextInt(24)) / 32.0 : rnd.nextDouble(0.25, 1.0);
    }
}
