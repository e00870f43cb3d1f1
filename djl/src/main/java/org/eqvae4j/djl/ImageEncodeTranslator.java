package org.eqvae4j.djl;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * DJL {@link Image} to raw latent: the image becomes [1, C, H, W] in [0, 1] by runtime's rules for
 * image files ({@link ImageFiles#fromBufferedImage}; grey repeated to RGB for an RGB model), is cropped to
 * a multiple of the downsampling factor (top-left kept, as {@link LatentTransform#cropToMultiple}), and is encoded
 * as {@link EncodeTranslator} does. Needs DJL's default image factory (images backed by a BufferedImage).
 */
public class ImageEncodeTranslator implements NoBatchifyTranslator<Image, FloatTensor> {
    private final ModelManifest manifest;
    private final EncodeTranslator encode;

    public ImageEncodeTranslator(ModelManifest manifest) {
        this.manifest = manifest;
        this.encode = new EncodeTranslator(manifest);
    }

    /** The tensor an image is encoded from: what a decoded latent should be compared with. */
    public FloatTensor pixels(Image image) throws java.io.IOException {
        if (!(image.getWrappedImage() instanceof BufferedImage bi)) {
            throw new IllegalArgumentException(
                    "image is backed by " + image.getWrappedImage().getClass().getName()
                            + "; eqvae4j reads images backed by java.awt.image.BufferedImage (DJL's default ImageFactory)");
        }
        FloatTensor x = ImageFiles.toChannels(ImageFiles.fromBufferedImage(bi), manifest.imageChannels());
        return LatentTransform.cropToMultiple(x, manifest.downsamplingFactor());
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Image image) throws Exception {
        return encode.processInput(ctx, pixels(image));
    }

    @Override
    public FloatTensor processOutput(TranslatorContext ctx, NDList list) {
        return encode.processOutput(ctx, list);
    }
}
