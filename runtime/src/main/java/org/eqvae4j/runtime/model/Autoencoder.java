package org.eqvae4j.runtime.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tensor.ValueRange;

/**
 * Encoder and decoder sessions of one bundle. Images at this API are NCHW float in [0, 1]; the
 * bundle's value range (e.g. [-1, 1] for SD-VAE) is applied here and nowhere else. Latents are raw
 * (unscaled). ORT sessions are thread-safe for {@code run}, so one instance may serve several threads.
 */
public final class Autoencoder implements AutoCloseable {
    private final ModelManifest manifest;
    private final OrtEnvironment env;
    private final OrtSession encoder;
    private final OrtSession decoder;

    private Autoencoder(ModelManifest manifest, OrtEnvironment env, OrtSession encoder, OrtSession decoder) {
        this.manifest = manifest;
        this.env = env;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    public static Autoencoder open(ModelBundle bundle) throws BundleException {
        return open(bundle, 0);
    }

    /** @param threads intra-op threads, 0 for ONNX Runtime's default (all cores) */
    public static Autoencoder open(ModelBundle bundle, int threads) throws BundleException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession enc = null;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                opts.setIntraOpNumThreads(threads);
            }
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            enc = load(env, opts, bundle, "encoder");
            OrtSession dec = load(env, opts, bundle, "decoder");
            return new Autoencoder(bundle.manifest(), env, enc, dec);
        } catch (OrtException e) {
            throw new BundleException("model bundle " + bundle.root() + ": cannot set up ONNX Runtime: " + e.getMessage(), e);
        } catch (BundleException e) {
            closeQuietly(enc);
            throw e;
        }
    }

    private static OrtSession load(OrtEnvironment env, OrtSession.SessionOptions opts, ModelBundle bundle, String role)
            throws BundleException {
        try {
            return env.createSession(bundle.file(role).toString(), opts);
        } catch (OrtException e) {
            throw new BundleException("model bundle " + bundle.root() + ": " + role + " file " + bundle.file(role).getFileName()
                    + " is not a loadable ONNX model: " + e.getMessage(), e);
        }
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** image [N,C,H,W] in [0,1], H and W multiples of the downsampling factor -> raw latent. */
    public FloatTensor encode(FloatTensor image) throws OrtException {
        int f = manifest.downsamplingFactor();
        if (image.channels() != manifest.imageChannels()) {
            throw new IllegalArgumentException("model " + manifest.id() + " takes " + manifest.imageChannels()
                    + "-channel images, got " + image.channels() + " channels");
        }
        if (image.height() % f != 0 || image.width() % f != 0 || image.height() == 0 || image.width() == 0) {
            throw new IllegalArgumentException("image size " + image.height() + "x" + image.width()
                    + " must be a positive multiple of the downsampling factor " + f);
        }
        return run(encoder, ValueRange.toModel(image, manifest.valueRange()), "latent");
    }

    /** raw latent [N,Z,h,w] -> image [N,C,f*h,f*w] in [0,1] (not clamped; clamp when writing pixels). */
    public FloatTensor decode(FloatTensor latent) throws OrtException {
        if (latent.channels() != manifest.latentChannels()) {
            throw new IllegalArgumentException("model " + manifest.id() + " decodes " + manifest.latentChannels()
                    + "-channel latents, got " + latent.channels() + " channels");
        }
        if (!latent.allFinite()) {
            throw new IllegalArgumentException("latent contains NaN or infinite values");
        }
        return ValueRange.fromModel(run(decoder, latent, "image"), manifest.valueRange());
    }

    private FloatTensor run(OrtSession session, FloatTensor x, String outputName) throws OrtException {
        String inputName = session.getInputNames().iterator().next();
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), x.shape());
             OrtSession.Result r = session.run(Map.of(inputName, in), java.util.Set.of(outputName))) {
            OnnxTensor out = (OnnxTensor) r.get(outputName).orElseThrow();
            FloatBuffer fb = out.getFloatBuffer();
            float[] data = new float[fb.remaining()];
            fb.get(data);
            return FloatTensor.of(out.getInfo().getShape(), data);
        }
    }

    @Override
    public void close() {
        closeQuietly(encoder);
        closeQuietly(decoder);
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException e) {
                // closing releases native memory; nothing useful to do on failure
            }
        }
    }
}
