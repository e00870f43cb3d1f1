package org.eqvae4j.runtime.metrics;

import ai.onnxruntime.OrtException;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.model.LatentCodec;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * Encode-decode of one image, optionally with the paper's Figure 2 comparison: D(tau(E(x))) against
 * tau(x). Images are centre-cropped to a multiple of the downsampling factor first
 * ({@link LatentTransform#cropToMultiple}).
 */
public final class RoundTrip {

    /** @param input the cropped model-channel input; eq fields are null without a transform */
    public record Result(
            FloatTensor input,
            FloatTensor latent,
            FloatTensor reconstruction,
            double psnr,
            FloatTensor transformedTarget,
            FloatTensor transformedDecoded,
            double transformedPsnr) {}

    private RoundTrip() {}

    public static Result run(LatentCodec model, FloatTensor image, LatentTransform tau) throws OrtException {
        int f = model.manifest().downsamplingFactor();
        FloatTensor x = LatentTransform.cropToMultiple(
                ImageFiles.toChannels(image, model.manifest().imageChannels()), f);
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
}
