package org.eqvae4j.fiji;

import ai.onnxruntime.OrtException;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.GeneratorSpec;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.model.RuntimeOptions;
import org.eqvae4j.runtime.model.Sampler;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * What EQ-VAE Sample needs from a bundle's generator: raw latents, ready for the decoder. The one place
 * the plugin touches the runtime's {@link Sampler}; a bundle without a generator fails in {@link #open}
 * with the runtime's message.
 */
public interface LatentSampler extends AutoCloseable {

    /** The generator's model.json section (classes, latent size, sampler defaults). */
    GeneratorSpec spec();

    /**
     * {@code count} raw latents [count, C, h, w] at the generator's latent size, reproducible from {@code seed}.
     *
     * @param cls class of every sample, or -1 for every class in turn (numClasses = unconditional)
     */
    FloatTensor sample(int count, int cls, double cfgScale, int steps, String solver, long seed) throws OrtException;

    @Override
    void close();

    static LatentSampler open(ModelBundle bundle, RuntimeOptions options) throws BundleException {
        Sampler sampler = Sampler.open(bundle, options);
        return new LatentSampler() {
            @Override
            public GeneratorSpec spec() {
                return sampler.spec();
            }

            @Override
            public FloatTensor sample(int count, int cls, double cfgScale, int steps, String solver, long seed) throws OrtException {
                GeneratorSpec s = sampler.spec();
                if (cls < -1 || cls > s.numClasses()) {
                    throw new IllegalArgumentException("class " + cls + " is out of range: this generator has classes 0.." + (s.numClasses() - 1)
                            + ", " + s.nullClass() + " for unconditional samples, -1 for every class in turn");
                }
                return sampler.sample(cls < 0 ? Sampler.Request.cycling(count, s.numClasses(), cfgScale, steps, solver, seed)
                        : Sampler.Request.ofClass(count, cls, cfgScale, steps, solver, seed));
            }

            @Override
            public void close() {
                sampler.close();
            }
        };
    }
}
