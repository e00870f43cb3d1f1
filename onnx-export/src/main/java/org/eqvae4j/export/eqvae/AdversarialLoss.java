package org.eqvae4j.export.eqvae;

import org.eqvae4j.export.arch.PatchGanConfig;

/**
 * The PatchGAN term of LDM's autoencoder loss (taming-transformers' {@code VQLPIPSWithDiscriminator} /
 * LDM's {@code LPIPSWithDiscriminator}), which EQ-VAE fine-tuning keeps:
 * <ul>
 *   <li>discriminator: hinge loss {@code 0.5 * (mean(relu(1 - D(real))) + mean(relu(1 + D(fake))))} with
 *       real = the target and fake = the (detached) reconstruction;
 *   <li>generator: {@code lambda * discWeight * -mean(D(fake))} with the adaptive weight
 *       {@code lambda = clamp(||dL_rec/dW|| / (||dL_gan/dW|| + 1e-4), 0, 1e4)}, W the decoder's last
 *       conv weight and L_rec the weighted reconstruction terms (pixel + perceptual, not KL);
 *       lambda is a constant for differentiation, as taming's {@code detach()};
 *   <li>both multiplied by a factor that the trainer sets to 0 before the discriminator's start step
 *       and 1 from it on (taming's {@code adopt_weight}).
 * </ul>
 *
 * @param discriminator layout of the discriminator (taming: ndf 64, 3 layers, BatchNorm in train mode)
 * @param discWeight    weight of the generator's adversarial term on top of the adaptive weight (0.5 in
 *                      the EQ-VAE / LDM configs)
 */
public record AdversarialLoss(PatchGanConfig discriminator, float discWeight) {
    /** LDM's clamp of the adaptive weight. */
    public static final float MAX_ADAPTIVE_WEIGHT = 1e4f;
    /** LDM's epsilon in the adaptive weight's denominator. */
    public static final float ADAPTIVE_EPS = 1e-4f;

    public AdversarialLoss {
        if (discriminator == null) {
            throw new IllegalArgumentException("the adversarial loss needs a discriminator layout");
        }
        if (!(discWeight >= 0) || !Float.isFinite(discWeight)) {
            throw new IllegalArgumentException("discWeight must be finite and >= 0, got " + discWeight);
        }
    }

    /** EQ-VAE's setting: taming's discriminator (BatchNorm with batch statistics), disc_weight 0.5. */
    public static AdversarialLoss reference() {
        return new AdversarialLoss(PatchGanConfig.taming().withNorm(PatchGanConfig.Norm.BATCH_STATISTICS), 0.5f);
    }
}
