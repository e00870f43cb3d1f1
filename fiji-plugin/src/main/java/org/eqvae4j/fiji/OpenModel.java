package org.eqvae4j.fiji;

import java.util.List;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.tiling.TiledAutoencoder;

/**
 * A chosen bundle with its ONNX Runtime sessions open: {@link #codec()} encodes and decodes images of any
 * size (tiled above one megapixel, as the command line does by default). Close it to free the sessions
 * and, for a zip, its unpacked folder.
 */
public final class OpenModel implements AutoCloseable {
    private final Models.Resolved resolved;
    private final Autoencoder autoencoder;
    private final TiledAutoencoder codec;
    private final RuntimeOptions options;

    private OpenModel(Models.Resolved resolved, Autoencoder autoencoder, RuntimeOptions options) {
        this.resolved = resolved;
        this.autoencoder = autoencoder;
        this.options = options;
        this.codec = new TiledAutoencoder(autoencoder);
    }

    /** @param choice a shipped bundle's name or id, or a bundle folder or .zip path */
    public static OpenModel open(String choice, List<Models.Shipped> shipped, RuntimeOptions options)
            throws BundleException {
        Models.Resolved r = Models.resolve(choice, shipped);
        try {
            return new OpenModel(r, Autoencoder.open(r.bundle(), options), options);
        } catch (BundleException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    public ModelBundle bundle() {
        return resolved.bundle();
    }

    public Autoencoder autoencoder() {
        return autoencoder;
    }

    /** How the sessions were opened (threads: ImageJ's setting, see {@link Ij#runtimeOptions}). */
    public RuntimeOptions options() {
        return options;
    }

    public TiledAutoencoder codec() {
        return codec;
    }

    @Override
    public void close() {
        try {
            autoencoder.close();
        } finally {
            resolved.close();
        }
    }
}
