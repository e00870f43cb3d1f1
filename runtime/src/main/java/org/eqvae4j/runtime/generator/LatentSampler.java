package org.eqvae4j.runtime.generator;

import ai.onnxruntime.OrtException;
import java.util.Locale;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tensor.TokenGrid;

/**
 * Latents from a bundle's generator, whatever its kind: the one place that decides which sampler a bundle
 * needs ({@link #kindOf}). A VQ bundle's generator is a MaskGIT token generator ({@link MaskGitSampler}; its tokens
 * become latent vectors through the bundle's codebook); any other bundle's is a flow-matching velocity model
 * ({@link FlowMatchingSampler}). The latents {@link #sample} returns are what the bundle's decoder takes. Used by
 * the command line's {@code sample} and Fiji's EQ-VAE Sample; a new generator kind is a new {@link Kind} here.
 */
public interface LatentSampler extends AutoCloseable {

    /** The generator kinds a bundle can carry. */
    enum Kind {
        /** Continuous latents: a velocity model integrated as an ODE ({@link FlowMatchingSampler}). */
        FLOW_MATCHING,
        /** VQ tokens: iterative masked decoding ({@link MaskGitSampler}). */
        MASKGIT
    }

    /**
     * Changes to the bundle's default sampling settings; null fields keep the default. Each kind refuses the
     * settings of the other with a message naming what it takes.
     *
     * @param steps       ODE steps or MaskGIT decoding steps
     * @param cfgScale    classifier-free guidance scale (1 = none)
     * @param solver      flow matching only: the ODE solver
     * @param temperature MaskGIT only: the sampling temperature of the token distribution
     */
    record Overrides(Integer steps, Double cfgScale, Solver solver, Double temperature) {
        /** The bundle's defaults. */
        public static final Overrides NONE = new Overrides(null, null, null, null);
    }

    /** Which sampler the bundle's generator needs (a VQ bundle with a generator file: MaskGIT). */
    static Kind kindOf(ModelBundle bundle) {
        return MaskGitSampler.handles(bundle) ? Kind.MASKGIT : Kind.FLOW_MATCHING;
    }

    /** The bundle's sampler with its default settings; see {@link #open(ModelBundle, Autoencoder, RuntimeOptions, Overrides)}. */
    static LatentSampler open(ModelBundle bundle, Autoencoder autoencoder, RuntimeOptions options)
            throws BundleException {
        return open(bundle, autoencoder, options, Overrides.NONE);
    }

    /**
     * Opens the sampler the bundle's generator needs. A bundle without a generator fails with the sampler's
     * message; settings of the other kind fail with an IllegalArgumentException naming what this kind takes.
     *
     * @param autoencoder the bundle's open autoencoder (MaskGIT tokens become vectors through its codebook)
     */
    static LatentSampler open(ModelBundle bundle, Autoencoder autoencoder, RuntimeOptions options, Overrides overrides)
            throws BundleException {
        ModelManifest m = bundle.manifest();
        if (kindOf(bundle) == Kind.MASKGIT) {
            if (overrides.solver() != null) {
                throw new IllegalArgumentException("--sampler is for flow-matching generators; " + m.id()
                        + " has a MaskGIT generator (use --steps and --temperature)");
            }
            MaskGitSampler sampler = MaskGitSampler.open(bundle, options);
            try {
                MaskGitSampler.Settings s = sampler.defaults();
                s = overrides.steps() == null ? s : s.withSteps(overrides.steps());
                s = overrides.cfgScale() == null ? s : s.withCfgScale(overrides.cfgScale());
                s = overrides.temperature() == null ? s : s.withTemperature(overrides.temperature());
                return maskGit(sampler, s, autoencoder);
            } catch (RuntimeException e) {
                sampler.close();
                throw e;
            }
        }
        if (overrides.temperature() != null) {
            throw new IllegalArgumentException("--temperature is for MaskGIT generators; " + m.id()
                    + " has a flow-matching generator (use --steps, --cfg and --sampler)");
        }
        FlowMatchingSampler sampler = FlowMatchingSampler.open(bundle, options);
        try {
            FlowMatchingSampler.Settings s = sampler.defaults();
            s = overrides.steps() == null ? s : s.withSteps(overrides.steps());
            s = overrides.cfgScale() == null ? s : s.withCfgScale(overrides.cfgScale());
            s = overrides.solver() == null ? s : s.withSolver(overrides.solver());
            return flowMatching(sampler, s);
        } catch (RuntimeException e) {
            sampler.close();
            throw e;
        }
    }

    /** What sampling does with its settings, for progress messages (e.g. "flow matching, euler 20 steps, cfg 1.5"). */
    String describe();

    /** Conditioning classes 0..numClasses-1; numClasses is the null class (unconditional samples). */
    int numClasses();

    /**
     * Latents [labels.length, C, h, w], what the bundle's decoder takes, one per class label (0..numClasses-1,
     * or numClasses for unconditional), reproducible from {@code seed}.
     */
    FloatTensor sample(int[] labels, long seed) throws OrtException;

    /**
     * {@code count} latents, reproducible from {@code seed}.
     *
     * @param cls class of every sample, or -1 for every class in turn (numClasses = unconditional)
     */
    default FloatTensor sample(int count, int cls, long seed) throws OrtException {
        return sample(labels(count, cls, numClasses()), seed);
    }

    @Override
    void close();

    /**
     * The class of each of {@code count} samples: {@code cls} for all, or with {@code cls = -1} class i mod numClasses for
     * sample i (every class in turn). The message names the valid range.
     */
    static int[] labels(int count, int cls, int numClasses) {
        if (count < 1) {
            throw new IllegalArgumentException("sample count must be >= 1, got " + count);
        }
        if (cls < -1 || cls > numClasses) {
            throw new IllegalArgumentException("class " + cls + " is out of range: this generator has classes 0.."
                    + (numClasses - 1) + ", " + numClasses + " for unconditional samples, -1 for every class in turn");
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = cls < 0 ? i % numClasses : cls;
        }
        return labels;
    }

    private static LatentSampler flowMatching(FlowMatchingSampler sampler, FlowMatchingSampler.Settings settings) {
        return new LatentSampler() {
            @Override
            public String describe() {
                return "flow matching, " + settings.solver().id() + " " + settings.steps() + " steps, cfg "
                        + settings.cfgScale();
            }

            @Override
            public int numClasses() {
                return sampler.numClasses();
            }

            @Override
            public FloatTensor sample(int[] labels, long seed) throws OrtException {
                return sampler.sample(labels, settings, seed);
            }

            @Override
            public void close() {
                sampler.close();
            }
        };
    }

    private static LatentSampler maskGit(
            MaskGitSampler sampler, MaskGitSampler.Settings settings, Autoencoder autoencoder) {
        return new LatentSampler() {
            @Override
            public String describe() {
                return "MaskGIT, " + settings.steps() + " steps, "
                        + settings.schedule().name().toLowerCase(Locale.ROOT) + " schedule, temperature "
                        + settings.temperature() + ", cfg " + settings.cfgScale();
            }

            @Override
            public int numClasses() {
                return sampler.numClasses();
            }

            @Override
            public FloatTensor sample(int[] labels, long seed) throws OrtException {
                TokenGrid tokens = sampler.sample(labels, settings, seed);
                return autoencoder.vectors(tokens);
            }

            @Override
            public void close() {
                sampler.close();
            }
        };
    }
}
