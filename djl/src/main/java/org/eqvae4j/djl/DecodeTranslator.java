package org.eqvae4j.djl;

import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tensor.ValueRange;

/**
 * A bundle's decoder through DJL: raw latents [N, latentChannels, h, w] to images [N, C, f h, f w] in
 * the [0, 1] of runtime's API (the bundle's value range undone by {@link ValueRange}), as
 * {@code Autoencoder.decode} gives them.
 */
public class DecodeTranslator implements NoBatchifyTranslator<FloatTensor, FloatTensor> {
    private final ModelManifest manifest;

    public DecodeTranslator(ModelManifest manifest) {
        this.manifest = manifest;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, FloatTensor latent) {
        if (latent.channels() != manifest.latentChannels()) {
            throw new IllegalArgumentException("model " + manifest.id() + " decodes " + manifest.latentChannels()
                    + "-channel latents, got " + latent.channels() + " channels");
        }
        if (!latent.allFinite()) {
            throw new IllegalArgumentException("latent contains NaN or infinite values");
        }
        return new NDList(Tensors.toNd(ctx.getNDManager(), latent));
    }

    @Override
    public FloatTensor processOutput(TranslatorContext ctx, NDList list) {
        return ValueRange.fromModel(Tensors.fromNd(Tensors.output(list, "image")), manifest.valueRange());
    }
}
