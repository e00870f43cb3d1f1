package org.eqvae4j.spark;

/**
 * binaryFile rows of images -> {@code latent} (the bytes of a latent file, {@code <name>.latent.tif}, exactly as
 * {@code eqvae batch --op encode} writes it), {@code latent_shape} ("NxCxhxw") and {@code error}.
 */
public final class EqvaeEncode extends EqvaeTransformer {
    private static final long serialVersionUID = 1L;

    public EqvaeEncode() {
        this(newUid("eqvaeEncode"));
    }

    public EqvaeEncode(String uid) {
        super(uid, ImageOperation.ENCODE);
    }
}
