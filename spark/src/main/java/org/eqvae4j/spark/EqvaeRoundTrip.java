package org.eqvae4j.spark;

/**
 * binaryFile rows of images -> {@code reconstruction} (decode(encode(x)) as PNG, or TIFF for TIFF inputs, the bytes
 * {@code eqvae batch --op roundtrip} writes as {@code <name>.recon.*}), {@code psnr_db} (mean over a stack's pages)
 * and {@code error}.
 */
public final class EqvaeRoundTrip extends EqvaeTransformer {
    private static final long serialVersionUID = 1L;

    public EqvaeRoundTrip() {
        this(newUid("eqvaeRoundTrip"));
    }

    public EqvaeRoundTrip(String uid) {
        super(uid, ImageOperation.ROUNDTRIP);
    }
}
