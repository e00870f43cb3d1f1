package org.eqvae4j.runtime.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Random;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Draws latents from a bundle's generator (model.json file role "generator"); decode them with the
 * bundle's {@link Autoencoder}. Thread-safe like the session it holds.
 *
 * <p>The generator contract, provisional until the generator training lands: one input, standard normal
 * noise [N, C, h, w] with C the bundle's latent channels; one output of the same shape in the scaled
 * latent space, {@code (raw - latentShift) * latentScale}. {@link #sample} returns raw latents, ready for
 * {@link Autoencoder#decode}. A multi-step sampler would keep this API and loop inside.
 */
public final class Sampler implements AutoCloseable {
    private final ModelManifest manifest;
    private final OrtSession generator;

    private Sampler(ModelManifest manifest, OrtSession generator) {
        this.manifest = manifest;
        this.generator = generator;
    }

    /** Fails with a message naming the bundle when it has no generator. */
    public static Sampler open(ModelBundle bundle, RuntimeOptions options) throws BundleException {
        if (!bundle.has(ModelManifest.GENERATOR)) {
            throw new BundleException("model bundle " + bundle.root() + " (" + bundle.manifest().id() + ") has no generator:"
                    + " model.json names only " + bundle.manifest().files().keySet() + "; sampling needs a bundle with a trained"
                    + " latent generator (file role \"generator\")");
        }
        ModelManifest m = bundle.manifest();
        OrtSession s = new SessionFactory(options).create(bundle, ModelManifest.GENERATOR);
        try {
            OrtSessions.checkChannels(bundle, ModelManifest.GENERATOR, s, m.latentChannels(), null, m.latentChannels());
        } catch (BundleException e) {
            OrtSessions.closeQuietly(s);
            throw e;
        }
        return new Sampler(m, s);
    }

    /** {@code count} raw latents of {@code height} x {@code width} latent pixels, reproducible from {@code seed}. */
    public FloatTensor sample(int count, int height, int width, long seed) throws OrtException {
        if (count < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("sample count and latent size must be positive, got " + count + " of "
                    + height + "x" + width);
        }
        Random r = new Random(seed);
        float[] noise = new float[Math.multiplyExact(Math.multiplyExact(count, manifest.latentChannels()), height * width)];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) r.nextGaussian();
        }
        FloatTensor scaled = OrtSessions.run(generator, new FloatTensor(count, manifest.latentChannels(), height, width, noise), null);
        double scale = manifest.latentScale();
        double shift = manifest.latentShift();
        return scaled.map(v -> v / scale + shift);
    }

    @Override
    public void close() {
        OrtSessions.closeQuietly(generator);
    }
}
