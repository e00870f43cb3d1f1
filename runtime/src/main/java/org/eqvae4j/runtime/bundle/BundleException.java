package org.eqvae4j.runtime.bundle;

import java.io.IOException;

/** A model bundle that cannot be used; the message names the bundle path and the problem. */
public class BundleException extends IOException {
    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
