package org.eqvae4j.djl;

import ai.djl.Model;
import ai.onnxruntime.OrtException;
import java.util.Map;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tiling.TiledAutoencoder;

/**
 * Large images through eqvae4j's runtime: a {@link TiledAutoencoder} over the bundle's own
 * {@link Autoencoder}, which tiles only the local stages of split graphs (exact up to tile blending, as
 * {@code eqvae encode} does). Opened on the first tiled call, it lives as long as the DJL model: it is
 * attached to the model's NDManager, which closes it with the model.
 *
 * <p>Criteria arguments (optArgument): {@code tiling} = auto (default: images above one megapixel),
 * always or never; {@code tileSize} and {@code tileHalo} in image pixels (default: model.json's).
 */
final class RuntimeTiling {
    private final Model model;
    private final ModelBundle bundle;
    private final long maxUntiledPixels;
    private final int tileSize;
    private final int tileHalo;
    private final int threads;
    private TiledAutoencoder tiled;

    RuntimeTiling(Model model, ModelBundle bundle, Map<String, ?> arguments) {
        this.model = model;
        this.bundle = bundle;
        ModelManifest m = bundle.manifest();
        String mode = string(arguments, "tiling", "auto");
        this.maxUntiledPixels = switch (mode) {
            case "auto" -> TiledAutoencoder.DEFAULT_MAX_UNTILED_PIXELS;
            case "always" -> 0;
            case "never" -> Long.MAX_VALUE;
            default ->
                throw new IllegalArgumentException("argument tiling must be auto, always or never, got '" + mode + "'");
        };
        this.tileSize = Integer.parseInt(string(arguments, "tileSize", String.valueOf(m.tileSize())));
        this.tileHalo = Integer.parseInt(string(arguments, "tileHalo", String.valueOf(m.tileHalo())));
        this.threads = Integer.parseInt(string(arguments, "threads", "0"));
        // checks size and halo now, so that bad arguments fail when the model loads, not at the first large image
        new TiledAutoencoder(new ManifestOnly(m), tileSize, tileHalo, maxUntiledPixels);
    }

    /** Whether an image of this size goes through the runtime in tiles rather than through DJL's block whole. */
    boolean tiles(int imageHeight, int imageWidth) {
        return new TiledAutoencoder(new ManifestOnly(bundle.manifest()), tileSize, tileHalo, maxUntiledPixels)
                        .tileCount(imageHeight, imageWidth)
                > 1;
    }

    synchronized TiledAutoencoder codec() throws BundleException {
        if (tiled == null) {
            Autoencoder ae = Autoencoder.open(bundle, threads);
            model.getNDManager().attachInternal("eqvae4j-runtime-" + System.identityHashCode(ae), ae);
            tiled = new TiledAutoencoder(ae, tileSize, tileHalo, maxUntiledPixels);
        }
        return tiled;
    }

    private static String string(Map<String, ?> arguments, String key, String fallback) {
        Object v = arguments == null ? null : arguments.get(key);
        return v == null ? fallback : v.toString();
    }

    /** A codec that only knows its manifest: what TiledAutoencoder needs to plan tiles. */
    private record ManifestOnly(ModelManifest manifest) implements org.eqvae4j.runtime.model.LatentCodec {
        @Override
        public FloatTensor encode(FloatTensor image) throws OrtException {
            throw new UnsupportedOperationException("plans tiles only");
        }

        @Override
        public FloatTensor decode(FloatTensor latent) throws OrtException {
            throw new UnsupportedOperationException("plans tiles only");
        }
    }
}
