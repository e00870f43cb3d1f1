package org.eqvae4j.runtime.bundle;

/** What the encoder produces. */
public enum LatentKind {
    /** A latent tensor (TAESD family): decode(encode(x)). */
    DETERMINISTIC,
    /** A diagonal Gaussian posterior: outputs mean and logvar (LDM AutoencoderKL). */
    KL,
    /** Vector-quantised features: codebook indices and vectors. */
    VQ;

    /** Case-insensitive; also how model.json is read, so "kl" and "KL" both work there. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static LatentKind parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown latent kind '" + s + "' (expected deterministic, kl or vq)");
        }
    }
}
