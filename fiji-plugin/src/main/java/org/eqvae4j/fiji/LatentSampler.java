package org.eqvae4j.fiji;

import ai.onnxruntime.OrtException;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.model.RuntimeOptions;
import org.eqvae4j.runtime.model.Sampler;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * What EQ-VAE Sample needs from a bundle's generator: raw latents, ready for the decoder. The one place
 * the plugin touches the runtime's {@link Sampler}, whose API is still settling; a bundle without a
 * generator fails in {@link #open} with the runtime's message.
 */
public interface LatentSampler extends AutoCloseable {

    /** {@code count} raw latents [count, C, height, width], reproducible from {@code seed}. */
    FloatTensor sample(int count, int height, int width, long seed) throws OrtException;

    @Override
    void close();

    static LatentSampler open(ModelBundle bundle, RuntimeOptions options) throws BundleException {
        Sampler sampler = Sampler.open(bundle, options);
        return new LatentSampler() {
            @Override
            public FloatTensor sample(int count, int height, int width, long seed) throws OrtException {
                return sampler.sample(count, height, width, seed);
            }

            @Override
            public void close() {
                sampler.close();
            }
        };
    }
}
