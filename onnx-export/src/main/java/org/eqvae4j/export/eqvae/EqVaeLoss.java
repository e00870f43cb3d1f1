package org.eqvae4j.export.eqvae;

/**
 * Weights of the reconstruction objective's terms. Terms are means over pixels (the reference code
 * sums, which ties the learning rate to the crop size); KL is LDM's per-sample sum averaged over the batch.
 *
 * @param l1 weight of mean |x_hat - target|
 * @param l2 weight of mean (x_hat - target)^2
 * @param kl weight of the KL term (KL autoencoders only; LDM uses 1e-6)
 */
public record EqVaeLoss(float l1, float l2, float kl) {
    public EqVaeLoss {
        if (l1 < 0 || l2 < 0 || kl < 0 || l1 + l2 == 0) {
            throw new IllegalArgumentException("loss weights must be >= 0 with l1 + l2 > 0, got l1=" + l1 + " l2=" + l2 + " kl=" + kl);
        }
    }

    /** The EQ-VAE reference recipe without its perceptual and GAN terms: L1, KL 1e-6. */
    public static EqVaeLoss reference() {
        return new EqVaeLoss(1f, 0f, 1e-6f);
    }
}
