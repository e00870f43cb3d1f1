package org.eqvae4j.runtime.model;

import ai.onnxruntime.OrtException;
import java.util.Optional;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Image to raw latent and back, as {@link Autoencoder} defines it: images NCHW in [0, 1] with sides a
 * multiple of the downsampling factor, latents unscaled. {@code TiledAutoencoder} (runtime.tiling, a floor above)
 * is the same contract for images of any size. Implementations are thread-safe.
 */
public interface LatentCodec {
    ModelManifest manifest();

    FloatTensor encode(FloatTensor image) throws OrtException;

    FloatTensor decode(FloatTensor latent) throws OrtException;

    /** One model call on one tensor. */
    @FunctionalInterface
    interface Stage {
        FloatTensor apply(FloatTensor x) throws OrtException;
    }

    /**
     * The encoder or decoder as two stages: {@code whole} holds the operations that need the whole
     * tensor (GroupNorm statistics) and runs at latent resolution; {@code local} may run tile by tile.
     * encode(x) = whole(local(x)); decode(z) = local(whole(z)).
     */
    record Stages(Stage whole, Stage local) {}

    /** The encoder's stages, when the bundle ships them (model.json roles encoderLocal, encoderGlobal). */
    default Optional<Stages> encoderStages() {
        return Optional.empty();
    }

    /** The decoder's stages, when the bundle ships them (model.json roles decoderGlobal, decoderLocal). */
    default Optional<Stages> decoderStages() {
        return Optional.empty();
    }
}
