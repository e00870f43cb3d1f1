package org.eqvae4j.djl;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * DJL {@link Image} to the raw latent as a DJL {@link NDArray} [1, latentChannels, H/f, W/f] (the image
 * cropped to multiples of f, as {@link ImageEncodeTranslator} does). Images up to the tiling threshold
 * run through DJL's block (the bundle's encoder.onnx on DJL's ONNX Runtime engine); larger ones through
 * the runtime's tiling ({@link RuntimeTiling}). DJL's predictor calls its block once per input whatever
 * the translator does, so for a tiled image that call gets the smallest image the encoder takes (f x f
 * pixels, microseconds) and its result is not used. The latent belongs to the predictor's NDManager: use
 * it before closing the predictor, or copy it out ({@code toFloatArray()}).
 */
public class ImageToLatentTranslator implements NoBatchifyTranslator<Image, NDArray> {
    private static final String TILED = "eqvae4j.tiledImage";
    private final ModelManifest manifest;
    private final ImageEncodeTranslator pixels;
    private final EncodeTranslator encode;
    private final RuntimeTiling tiling;

    ImageToLatentTranslator(ModelManifest manifest, RuntimeTiling tiling) {
        this.manifest = manifest;
        this.pixels = new ImageEncodeTranslator(manifest);
        this.encode = new EncodeTranslator(manifest);
        this.tiling = tiling;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Image image) throws Exception {
        FloatTensor x = pixels.pixels(image);
        if (tiling.tiles(x.height(), x.width())) {
            ctx.setAttachment(TILED, x);
            int f = manifest.downsamplingFactor();
            return encode.processInput(ctx, FloatTensor.zeros(1, manifest.imageChannels(), f, f));
        }
        return encode.processInput(ctx, x);
    }

    @Override
    public NDArray processOutput(TranslatorContext ctx, NDList list) throws Exception {
        FloatTensor tiled = (FloatTensor) ctx.getAttachment(TILED);
        NDArray latent = tiled != null
                ? Tensors.toNd(ctx.getPredictorManager(), tiling.codec().encode(tiled))
                : Tensors.output(list, "latent");
        latent.attach(ctx.getPredictorManager());
        return latent;
    }
}
