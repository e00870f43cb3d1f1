package org.eqvae4j.runtime.model;

import ai.onnxruntime.OrtException;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.metrics.ImageMetrics;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * Encode-decode of one image, optionally with the paper's Figure 2 comparison: D(tau(E(x))) against
 * tau(x). Images are centre-cropped to a multiple of the downsampling factor first (cropping keeps
 * pixels exact; resizing would not).
 */
public final class RoundTrip {

    /** @param input the cropped model-channel input; eq fields are null without a transform */
    public record Result(FloatTensor input, FloatTensor latent, FloatTensor reconstruction, double psnr,
                         FloatTensor transformedTarget, FloatTensor transformedDecoded, double transformedPsnr) {
    }

    private RoundTrip() {
    }

    public static Result run(LatentCodec model, FloatTensor image, LatentTransform tau) throws OrtException {
        int f = model.manifest().downsamplingFactor();
        FloatTensor x = cropToMultiple(ImageFiles.toChannels(image, model.manifest().imageChannels()), f);
        FloatTensor z = model.encode(x);
        FloatTensor recon = model.decode(z);
        double psnr = ImageMetrics.psnrUint8(x, recon);
        if (tau == null) {
            return new Result(x, z, recon, psnr, null, null, Double.NaN);
        }
        FloatTensor target = tau.imageCounterpart(f).apply(x);
        FloatTensor decoded = model.decode(tau.apply(z));
        return new Result(x, z, recon, psnr, target, decoded, ImageMetrics.psnrUint8(target, decoded));
    }

    /** Centre crop so height and width are multiples of f. */
    public static FloatTensor cropToMultiple(FloatTensor x, int f) {
        int h = x.height() / f * f;
        int w = x.width() / f * f;
        if (h == 0 || w == 0) {
            throw new IllegalArgumentException("image " + x.height() + "x" + x.width()
                    + " is smaller than the model's downsampling factor " + f);
        }
        if (h == x.height() && w == x.width()) {
            return x;
        }
        return LatentTransform.crop((x.height() - h) / 2, (x.width() - w) / 2, h, w).apply(x);
    }
}
