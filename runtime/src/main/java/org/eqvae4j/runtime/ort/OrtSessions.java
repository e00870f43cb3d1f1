package org.eqvae4j.runtime.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tensor.TokenGrid;

/**
 * Loading a bundle file into an ONNX Runtime session, checking it, and running it on one tensor: the session
 * plumbing every model wrapper of the runtime shares (autoencoders in {@code runtime.model}, samplers in
 * {@code runtime.generator}).
 */
public final class OrtSessions {
    private OrtSessions() {}

    public static OrtEnvironment env() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * A session for the file of {@code role} with the options' threads (0 = ONNX Runtime's default) and
     * profiler, on CUDA device {@code cudaDevice}, or on the CPU when it is negative.
     * {@link SessionFactory} chooses the provider and words the errors.
     */
    public static OrtSession create(ModelBundle bundle, String role, RuntimeOptions options, int cudaDevice)
            throws OrtException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (options.intraOpThreads() > 0) {
                opts.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (options.profilePrefix() != null) {
                opts.enableProfiling(options.profilePrefix() + "-" + role);
            }
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (runsOncePerImage(role)) {
                // the whole-image stages of tiled bundles run once per image on a latent-sized tensor (for
                // TAEF2 at 2048 px: 256x256 with 256-channel activations); an arena would keep that peak for
                // the session's life, the tiles' sessions reuse theirs
                opts.setCPUArenaAllocator(false);
            }
            if (cudaDevice >= 0) {
                opts.addCUDA(cudaDevice); // the CPU provider stays registered for nodes CUDA lacks
            }
            return env().createSession(bundle.file(role).toString(), opts);
        }
    }

    /** True for the whole-image stages of a split bundle: one call per tiled image, on its whole latent. */
    static boolean runsOncePerImage(String role) {
        return role.equals(ModelManifest.ENCODER_GLOBAL) || role.equals(ModelManifest.DECODER_GLOBAL);
    }

    /** A session for a file outside a bundle's roles; {@code what} names it in the error. */
    public static OrtSession create(java.nio.file.Path file, RuntimeOptions options, String what)
            throws BundleException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (options.intraOpThreads() > 0) {
                opts.setIntraOpNumThreads(options.intraOpThreads());
            }
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return env().createSession(file.toString(), opts);
        } catch (OrtException e) {
            throw new BundleException(what + " is not a loadable ONNX model: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the channel axis of the session's first input and of {@code output} against the manifest, so
     * that a bundle whose files do not match its model.json fails when opened, naming the file.
     * Unknown (dynamic) sizes pass.
     */
    public static void checkChannels(
            ModelBundle bundle, String role, OrtSession s, long inChannels, String output, long outChannels)
            throws BundleException {
        try {
            long in = channels(s.getInputInfo().values().iterator().next());
            NodeInfo outInfo = output == null
                    ? s.getOutputInfo().values().iterator().next()
                    : s.getOutputInfo().get(output);
            if (outInfo == null) {
                throw new BundleException("model bundle " + bundle.root() + ": " + role + " file "
                        + bundle.file(role).getFileName() + " has no output '" + output + "' (outputs: "
                        + s.getOutputNames() + ")");
            }
            long out = channels(outInfo);
            if (inChannels > 0 && in > 0 && in != inChannels || outChannels > 0 && out > 0 && out != outChannels) {
                throw new BundleException("model bundle " + bundle.root() + ": " + role + " file "
                        + bundle.file(role).getFileName()
                        + " maps " + in + " to " + out + " channels, but model.json expects "
                        + (inChannels > 0 ? inChannels : "any")
                        + " to " + (outChannels > 0 ? outChannels : "any") + " (a file from another model?)");
            }
        } catch (OrtException e) {
            throw new BundleException(
                    "model bundle " + bundle.root() + ": cannot inspect "
                            + bundle.file(role).getFileName() + ": " + e.getMessage(),
                    e);
        }
    }

    private static long channels(NodeInfo info) {
        if (info.getInfo() instanceof TensorInfo t && t.getShape().length == 4) {
            return t.getShape()[1];
        }
        return -1;
    }

    /** Runs a single-input session and returns {@code output} (its first output when null). */
    public static FloatTensor run(OrtSession session, FloatTensor x, String output) throws OrtException {
        String inputName = session.getInputNames().iterator().next();
        String outputName = output == null ? session.getOutputNames().iterator().next() : output;
        try (OnnxTensor in = OnnxTensor.createTensor(env(), FloatBuffer.wrap(x.data()), x.shape());
                OrtSession.Result r = session.run(Map.of(inputName, in), Set.of(outputName))) {
            OnnxTensor out = (OnnxTensor) r.get(outputName).orElseThrow();
            FloatBuffer fb = out.getFloatBuffer();
            float[] data = new float[fb.remaining()];
            fb.get(data);
            return FloatTensor.of(out.getInfo().getShape(), data);
        }
    }

    /** Runs a single-input session on an image tensor and returns its int64 output {@code output} [N, h, w] as tokens. */
    public static TokenGrid runToTokens(OrtSession session, FloatTensor x, String output) throws OrtException {
        String inputName = session.getInputNames().iterator().next();
        try (OnnxTensor in = OnnxTensor.createTensor(env(), FloatBuffer.wrap(x.data()), x.shape());
                OrtSession.Result r = session.run(Map.of(inputName, in), Set.of(output))) {
            return toTokens((OnnxTensor) r.get(output).orElseThrow());
        }
    }

    /** An int64 tensor [N, h, w] as tokens. */
    public static TokenGrid toTokens(OnnxTensor out) {
        long[] shape = out.getInfo().getShape();
        if (shape.length != 3) {
            throw new IllegalStateException(
                    "expected int64 indices [N, h, w], got shape " + java.util.Arrays.toString(shape));
        }
        java.nio.LongBuffer lb = out.getLongBuffer();
        int[] t = new int[lb.remaining()];
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.toIntExact(lb.get());
        }
        return new TokenGrid((int) shape[0], (int) shape[1], (int) shape[2], t);
    }

    /** Runs a session whose single input takes int64 tokens [N, h, w]; returns its first output. */
    public static FloatTensor runFromTokens(OrtSession session, TokenGrid tokens) throws OrtException {
        String inputName = session.getInputNames().iterator().next();
        try (OnnxTensor in = OnnxTensor.createTensor(env(), java.nio.LongBuffer.wrap(tokens.toLongs()), new long[] {
                    tokens.count(), tokens.height(), tokens.width()
                });
                OrtSession.Result r = session.run(Map.of(inputName, in))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            FloatBuffer fb = out.getFloatBuffer();
            float[] data = new float[fb.remaining()];
            fb.get(data);
            return FloatTensor.of(out.getInfo().getShape(), data);
        }
    }

    public static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException e) {
                // closing releases native memory; nothing useful to do on failure
            }
        }
    }
}
