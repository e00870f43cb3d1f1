package org.eqvae4j.djl;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * A raw latent as a DJL {@link NDArray} [1, latentChannels, h, w] (or [latentChannels, h, w]) back to a
 * DJL {@link Image} of f h x f w pixels (8-bit RGB, or grey for a one-channel model), clamped to [0, 1] as
 * {@code eqvae decode} writes PNGs. Small latents run through DJL's block (decoder.onnx), large ones
 * through the runtime's tiling, as {@link ImageToLatentTranslator} explains.
 */
public class LatentToImageTranslator implements NoBatchifyTranslator<NDArray, Image> {
    private static final String TILED = "eqvae4j.tiledLatent";
    private final ModelManifest manifest;
    private final DecodeTranslator decode;
    private final RuntimeTiling tiling;

    LatentToImageTranslator(ModelManifest manifest, RuntimeTiling tiling) {
        this.manifest = manifest;
        this.decode = new DecodeTranslator(manifest);
        this.tiling = tiling;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, NDArray latent) {
        FloatTensor z = Tensors.fromNd(latent.getShape().dimension() == 3 ? latent.expandDims(0) : latent);
        if (z.batch() != 1) {
            throw new IllegalArgumentException(
                    "one latent per call: got a batch of " + z.batch() + " (shape " + latent.getShape() + ")");
        }
        int f = manifest.downsamplingFactor();
        if (tiling.tiles(z.height() * f, z.width() * f)) {
            decode.processInput(ctx, z); // the same checks as untiled latents
            ctx.setAttachment(TILED, z);
            return decode.processInput(ctx, FloatTensor.zeros(1, manifest.latentChannels(), 1, 1));
        }
        return decode.processInput(ctx, z);
    }

    @Override
    public Image processOutput(TranslatorContext ctx, NDList list) throws Exception {
        FloatTensor tiled = (FloatTensor) ctx.getAttachment(TILED);
        FloatTensor image = tiled != null ? tiling.codec().decode(tiled) : decode.processOutput(ctx, list);
        return ImageFactory.getInstance().fromImage(toBufferedImage(image));
    }

    /** [1, C, H, W] in [0, 1] -> 8-bit RGB (C = 3) or grey (C = 1). */
    static BufferedImage toBufferedImage(FloatTensor x) {
        int h = x.height();
        int w = x.width();
        boolean grey = x.channels() == 1;
        BufferedImage img = new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int i = 0; i < w; i++) {
                if (grey) {
                    img.getRaster().setSample(i, y, 0, ImageFiles.toByte(x.get(0, 0, y, i)));
                } else {
                    int r = ImageFiles.toByte(x.get(0, 0, y, i));
                    int g = ImageFiles.toByte(x.get(0, 1, y, i));
                    int b = ImageFiles.toByte(x.get(0, 2, y, i));
                    img.setRGB(i, y, (r << 16) | (g << 8) | b);
                }
            }
        }
        return img;
    }
}
