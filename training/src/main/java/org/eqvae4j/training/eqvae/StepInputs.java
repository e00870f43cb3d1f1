package org.eqvae4j.training.eqvae;

import java.util.SplittableRandom;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tensor.ValueRange;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.SeparableForm;

/**
 * Everything one EQ-VAE training step feeds the objective graph, built from a batch of crops in [0, 1]:
 * with probability {@code pEquivariance} the equivariance branch (tau drawn by the sampler, target =
 * tau(x) at image resolution, same convention as the runtime), otherwise the plain branch, which with
 * probability {@code pLowResolution} first downscales the input (the reference code's low-resolution
 * identity branch). Images are mapped to the model's value range here.
 *
 * @param tau   the latent transform in separable form (identity on the plain branch)
 * @param noise standard-normal posterior noise for KL autoencoders, else null
 */
public record StepInputs(
        FloatTensor image,
        FloatTensor target,
        SeparableForm tau,
        FloatTensor noise,
        boolean equivariance,
        LatentTransform transform) {

    /** Branch probabilities and sampling of the objective. */
    public record Recipe(double pEquivariance, double pLowResolution, TauSampler sampler) {
        public static Recipe reference() {
            return new Recipe(0.5, 0.25, TauSampler.reference());
        }
    }

    public static StepInputs make(
            FloatTensor crops, int f, Recipe recipe, int noiseChannels, double[] valueRange, SplittableRandom rnd) {
        if (crops.height() % f != 0 || crops.width() % f != 0) {
            throw new IllegalArgumentException("crop " + crops.height() + "x" + crops.width()
                    + " is not a multiple of the downsampling factor " + f);
        }
        FloatTensor image = crops;
        FloatTensor target;
        LatentTransform tau;
        boolean eq = rnd.nextDouble() < recipe.pEquivariance();
        if (eq) {
            tau = recipe.sampler().sample(rnd);
            target = tau.imageCounterpart(f).apply(crops);
        } else {
            if (rnd.nextDouble() < recipe.pLowResolution()) {
                LatentTransform down = recipe.sampler().sample(rnd);
                image = firstScale(down).imageCounterpart(f).apply(crops);
            }
            tau = LatentTransform.rotate90(0);
            target = image;
        }
        SeparableForm form = SeparableForm.of(tau, image.height() / f, image.width() / f);
        FloatTensor noise = null;
        if (noiseChannels > 0) {
            float[] n = new float[image.batch() * noiseChannels * (image.height() / f) * (image.width() / f)];
            for (int i = 0; i < n.length; i++) {
                n[i] = (float) gaussian(rnd);
            }
            noise = new FloatTensor(image.batch(), noiseChannels, image.height() / f, image.width() / f, n);
        }
        return new StepInputs(
                ValueRange.toModel(image, valueRange), ValueRange.toModel(target, valueRange), form, noise, eq, tau);
    }

    /** The scale part of a sampled transform (the low-resolution branch does not rotate). */
    private static LatentTransform firstScale(LatentTransform t) {
        return t instanceof LatentTransform.Composite c ? c.steps().get(0) : t;
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
