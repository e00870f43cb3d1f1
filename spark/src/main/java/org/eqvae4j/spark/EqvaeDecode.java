package org.eqvae4j.spark;

/**
 * binaryFile rows of latent files ({@code *.latent.tif}) -> {@code image} (PNG, or TIFF when the encoded image was
 * a TIFF, float or a stack: the bytes {@code eqvae batch --op decode} writes), {@code image_format} ("png" or "tif")
 * and {@code error}. Latents of another bundle are errors unless {@code ignoreBundleId}.
 */
public final class EqvaeDecode extends EqvaeTransformer {
    private static final long serialVersionUID = 1L;

    public EqvaeDecode() {
        this(newUid("eqvaeDecode"));
    }

    public EqvaeDecode(String uid) {
        super(uid, ImageOperation.DECODE);
    }
}
