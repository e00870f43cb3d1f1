package org.eqvae4j.fiji;

import ai.onnxruntime.OrtException;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.GeneratorSpec;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.model.MaskGitSampler;
import org.eqvae4j.runtime.model.RuntimeOptions;
import org.eqvae4j.runtime.model.Sampler;
import org.eqvae4j.runtime.model.TokenGrid;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * What EQ-VAE Sample needs from a bundle's generator: latents ready for the decoder, drawn with the bundle's
 * default settings. The one place the plugin touches the runtime's samplers: the flow-matching {@link Sampler}
 * (continuous bundles; defaults from model.json's generator section) and {@link MaskGitSampler} (VQ bundles; the
 * sampled tokens are looked up in the codebook). A bundle without a generator fails in {@link #open} with the
 * runtime's message.
 */
public interface LatentSampler extends AutoCloseable {

    /** What sampling does, for the status bar (e.g. "flow matching, euler 20 steps, cfg 1.5"). */
    String describe();

    /**
     * {@code count} latents [count, C, h, w], what the decoder takes, reproducible from {@code seed}.
     *
     * @param cls class of every sample, or -1 for every class in turn (numClasses = unconditional)
     */
    FloatTensor sample(int count, int cls, long seed) throws OrtException;

    @Override
    void close();

    /** @param autoencoder the bundle's open autoencoder (MaskGIT tokens become vectors through its codebook) */
    static LatentSampler open(ModelBundle bundle, Autoencoder autoencoder, RuntimeOptions options) throws BundleException {
        return MaskGitSampler.handles(bundle) ? maskGit(MaskGitSampler.open(bundle, options), autoencoder)
                : flowMatching(Sampler.open(bundle, options));
    }

    private static LatentSampler flowMatching(Sampler sampler) {
        return new LatentSampler() {
            @Override
            public String describe() {
                GeneratorSpec s = sampler.spec();
                return "flow matching, " + s.sampler() + " " + s.steps() + " steps, cfg " + s.cfgScale();
            }

            @Override
            public FloatTensor sample(int count, int cls, long seed) throws OrtException {
                GeneratorSpec s = sampler.spec();
                requireClass(cls, s.numClasses());
                return sampler.sample(cls < 0 ? Sampler.Request.cycling(count, s.numClasses(), s.cfgScale(), s.steps(), s.sampler(), seed)
                        : Sampler.Request.ofClass(count, cls, s.cfgScale(), s.steps(), s.sampler(), seed));
            }

            @Override
            public void close() {
                sampler.close();
            }
        };
    }

    private static LatentSampler maskGit(MaskGitSampler sampler, Autoencoder autoencoder) {
        return new LatentSampler() {
            @Override
            public String describe() {
                MaskGitSampler.Settings s = sampler.defaults();
                return "MaskGIT, " + s.steps() + " steps, " + sampler.schedule().name().toLowerCase(java.util.Locale.ROOT) + " schedule";
            }

            @Override
            public FloatTensor sample(int count, int cls, long seed) throws OrtException {
                requireClass(cls, sampler.numClasses());
                int[] labels = new int[count];
                for (int i = 0; i < count; i++) {
                    labels[i] = cls < 0 ? i % sampler.numClasses() : cls;
                }
                TokenGrid tokens = sampler.sample(labels, sampler.defaults(), seed);
                return autoencoder.vectors(tokens);
            }

            @Override
            public void close() {
                sampler.close();
            }
        };
    }

    private static void requireClass(int cls, int numClasses) {
        if (cls < -1 || cls > numClasses) {
            throw new IllegalArgumentException("class " + cls + " is out of range: this generator has classes 0.." + (numClasses - 1)
                    + ", " + numClasses + " for unconditional samples, -1 for every class in turn");
        }
    }
}
