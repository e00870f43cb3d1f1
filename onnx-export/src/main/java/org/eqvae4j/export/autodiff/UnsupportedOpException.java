package org.eqvae4j.export.autodiff;

/** An op on the path from a parameter to the loss that has no gradient rule (or not for these attributes). */
public final class UnsupportedOpException extends IllegalArgumentException {
    public UnsupportedOpException(String message) {
        super(message);
    }
}
