package org.eqvae4j.djl;

import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tensor.ValueRange;

/**
 * A bundle's encoder through DJL: images [N, C, H, W] in [0, 1] (H, W multiples of the downsampling
 * factor) to raw latents [N, latentChannels, H/f, W/f], exactly as {@code Autoencoder.encode} maps them
 * (the bundle's value range applied by runtime's {@link ValueRange}).
 */
public class EncodeTranslator implements NoBatchifyTranslator<FloatTensor, FloatTensor> {
    private final ModelManifest manifest;

    public EncodeTranslator(ModelManifest manifest) {
        this.manifest = manifest;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, FloatTensor image) {
        int f = manifest.downsamplingFactor();
        if (image.channels() != manifest.imageChannels()) {
            throw new IllegalArgumentException("model " + manifest.id() + " encodes " + manifest.imageChannels()
                    + "-channel images, got " + image.channels() + " channels");
        }
        if (image.height() % f != 0 || image.width() % f != 0 || image.height() == 0 || image.width() == 0) {
            throw new IllegalArgumentException("image size " + image.height() + "x" + image.width()
                    + " must be a positive multiple of the downsampling factor " + f);
        }
        return new NDList(Tensors.toNd(ctx.getNDManager(), ValueRange.toModel(image, manifest.valueRange())));
    }

    @Override
    public FloatTensor processOutput(TranslatorContext ctx, NDList list) {
        return Tensors.fromNd(Tensors.output(list, "latent"));
    }
}
