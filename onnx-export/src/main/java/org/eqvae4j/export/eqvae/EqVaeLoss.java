package org.eqvae4j.export.eqvae;

/**
 * Weights of the objective's terms. Pixel terms are means (the reference code sums, which ties the
 * learning rate to the crop size); KL is LDM's per-sample sum averaged over the batch.
 *
 * @param l1                   weight of mean |x_hat - target|
 * @param l2                   weight of mean (x_hat - target)^2
 * @param kl                   weight of the KL term (KL autoencoders only; LDM uses 1e-6)
 * @param perceptual           weight of sum over feature maps of mean (phi(x_hat) - phi(target))^2, phi a
 *                             user-supplied frozen feature network (LPIPS-style; 0 without one)
 * @param explicitEquivariance weight of mean (tau(E(x)) - E(target))^2, the latent-side loss the paper
 *                             shows to collapse the latent when used as the objective: an ablation only
 */
public record EqVaeLoss(float l1, float l2, float kl, float perceptual, float explicitEquivariance) {
    public EqVaeLoss {
        if (l1 < 0
                || l2 < 0
                || kl < 0
                || perceptual < 0
                || explicitEquivariance < 0
                || !Float.isFinite(l1 + l2 + kl + perceptual + explicitEquivariance)) {
            throw new IllegalArgumentException("loss weights must be finite and >= 0, got l1=" + l1 + " l2=" + l2
                    + " kl=" + kl + " perceptual=" + perceptual + " explicit=" + explicitEquivariance);
        }
        if (l1 + l2 + perceptual + explicitEquivariance == 0) {
            throw new IllegalArgumentException("at least one of l1, l2, perceptual, explicit equivariance must be > 0");
        }
    }

    /** Pixel and KL terms only. */
    public EqVaeLoss(float l1, float l2, float kl) {
        this(l1, l2, kl, 0f, 0f);
    }

    /** The EQ-VAE reference recipe without its perceptual and GAN terms: L1, KL 1e-6. */
    public static EqVaeLoss reference() {
        return new EqVaeLoss(1f, 0f, 1e-6f);
    }
}
