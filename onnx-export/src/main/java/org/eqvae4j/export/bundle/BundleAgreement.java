package org.eqvae4j.export.bundle;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;

/**
 * Whether two bundles compute the same function on an image: the largest difference of their latents of it, and of their
 * decodings of the first one's latent. Used to check a re-export ({@code export --from-bundle}) before anyone uses it.
 */
public record BundleAgreement(double latentDifference, double imageDifference) {
    /** Largest absolute difference, latent or pixel, that still counts as the same function (float32 noise). */
    public static final double TOLERANCE = 1e-4;

    public boolean agrees() {
        return latentDifference <= TOLERANCE && imageDifference <= TOLERANCE;
    }

    /** Encodes {@code x} with both bundles and decodes the first latent with both. */
    public static BundleAgreement measure(ModelBundle a, ModelBundle b, FloatTensor x)
            throws BundleException, OrtException {
        try (Autoencoder first = Autoencoder.open(a);
                Autoencoder second = Autoencoder.open(b)) {
            FloatTensor za = first.encode(x);
            return new BundleAgreement(
                    maxAbsDiff(za, second.encode(x)), maxAbsDiff(first.decode(za), second.decode(za)));
        }
    }

    /**
     * The re-export check: plain encode and decode of a crop (at most 128 px, a multiple of 64) of {@code photo} agree.
     *
     * @throws IllegalStateException naming both bundles and the differences when they do not
     */
    public static BundleAgreement checkReexport(ModelBundle source, ModelBundle reexported, Path photo)
            throws IOException, BundleException, OrtException {
        FloatTensor x = LatentTransform.cropToMultiple(
                ImageFiles.toChannels(ImageFiles.read(photo), source.manifest().imageChannels()), 64);
        x = LatentTransform.crop(0, 0, Math.min(128, x.height()), Math.min(128, x.width()))
                .apply(x);
        BundleAgreement a = measure(source, reexported, x);
        if (!a.agrees()) {
            throw new IllegalStateException("re-exported bundle " + reexported.root() + " differs from " + source.root()
                    + " (latent by " + a.latentDifference() + ", image by " + a.imageDifference() + "); do not use it");
        }
        return a;
    }

    /** Largest absolute element difference; infinite when the shapes differ. */
    public static double maxAbsDiff(FloatTensor a, FloatTensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.data().length; i++) {
            m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
        }
        return m;
    }
}
