package org.eqvae4j.runtime.latent;

import org.eqvae4j.runtime.image.ImageMetadata;
import org.eqvae4j.runtime.image.PixelSize;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * Raw latent values with their header: what {@link LatentFile} stores.
 *
 * @param values [N, C, h, w], unscaled (what the decoder takes)
 */
public record Latent(FloatTensor values, LatentHeader header) {

    /**
     * The transformed latent; the header records {@code spec}, the new shape, and the source pixel size
     * the decoded image will have (scaling a latent by s makes each pixel 1/s as large; odd quarter
     * turns swap width and height; flips and crops keep it).
     */
    public Latent transformed(LatentTransform tau, String spec) {
        FloatTensor z = values;
        ImageMetadata source = header.source();
        PixelSize px = source == null ? null : source.pixelSize();
        for (LatentTransform step : tau instanceof LatentTransform.Composite c ? c.steps() : java.util.List.of(tau)) {
            FloatTensor next = step.apply(z);
            if (px != null && step instanceof LatentTransform.Scale) {
                px = px.scaled((double) next.height() / z.height(), (double) next.width() / z.width());
            } else if (px != null && step instanceof LatentTransform.Rotate90 r && r.k() % 2 != 0) {
                px = px.transposed();
            }
            z = next;
        }
        return new Latent(z, header.after(spec, z.shape(), source == null ? null : source.withPixelSize(px)));
    }
}
