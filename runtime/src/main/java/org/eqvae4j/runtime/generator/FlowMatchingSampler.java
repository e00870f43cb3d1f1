package org.eqvae4j.runtime.generator;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.GeneratorSpec;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.OrtSessions;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.ort.SessionFactory;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Draws latents from a bundle's flow-matching generator, a velocity model such as the exporter's DiT
 * (model.json file role "generator" and its {@link GeneratorSpec} section); decode them with the bundle's {@link Autoencoder}. Thread-safe like
 * the session it holds.
 *
 * <p>Sampling integrates the probability-flow ODE {@code dx/dt = v(x, t, class)} from standard normal
 * noise at {@code t = 0} to data at {@code t = 1} with {@code steps} uniform steps of Euler's method
 * (one model call per step) or Heun's (two), in the generator's normalised latent space, then maps
 * back to raw latents: {@code raw = (g * std[c] + mean[c]) / latentScale + latentShift}. With a
 * guidance scale s != 1 every call evaluates the conditional and the null-class velocity in one batch
 * and uses {@code v_null + s (v_cond - v_null)} (classifier-free guidance); s = 1 is the plain
 * conditional model (one batch). Noise comes from {@code java.util.Random(seed)}, so a seed reproduces
 * the samples exactly.
 */
public final class FlowMatchingSampler implements AutoCloseable {
    public static final String X_T = "x_t";
    public static final String T = "t";
    public static final String CLASS = "class";
    public static final String VELOCITY = "velocity";

    /**
     * How to sample; the same shape as {@link MaskGitSampler.Settings} (steps, guidance, and what is particular
     * to the kind: here the ODE solver).
     *
     * @param steps    ODE steps
     * @param cfgScale guidance scale (1 = conditional model alone)
     * @param solver   Euler (one model call per step) or Heun (two)
     */
    public record Settings(int steps, double cfgScale, Solver solver) {
        public Settings {
            if (steps < 1) {
                throw new IllegalArgumentException("sampler steps must be >= 1, got " + steps);
            }
            if (!(Double.isFinite(cfgScale) && cfgScale >= 0)) {
                throw new IllegalArgumentException("guidance scale (--cfg) must be finite and >= 0, got " + cfgScale);
            }
            if (solver == null) {
                throw new IllegalArgumentException("an ODE solver is required (euler or heun)");
            }
        }

        public Settings withSteps(int s) {
            return new Settings(s, cfgScale, solver);
        }

        public Settings withCfgScale(double scale) {
            return new Settings(steps, scale, solver);
        }

        public Settings withSolver(Solver s) {
            return new Settings(steps, cfgScale, s);
        }
    }

    private final ModelManifest manifest;
    private final GeneratorSpec spec;
    private final OrtSession generator;

    private FlowMatchingSampler(ModelManifest manifest, OrtSession generator) {
        this.manifest = manifest;
        this.spec = manifest.generator();
        this.generator = generator;
    }

    /** Fails with a message naming the bundle when it has no generator or the file does not fit the contract. */
    public static FlowMatchingSampler open(ModelBundle bundle, RuntimeOptions options) throws BundleException {
        ModelManifest m = bundle.manifest();
        if (!bundle.has(ModelManifest.GENERATOR) || m.generator() == null) {
            throw new BundleException(
                    "model bundle " + bundle.root() + " (" + m.id() + ") has no generator:"
                            + " model.json names only " + m.files().keySet()
                            + "; sampling needs a bundle with a trained"
                            + " latent generator (file role \"generator\" and a \"generator\" section, as eqvae train-generator writes)");
        }
        OrtSession s = new SessionFactory(options).create(bundle, ModelManifest.GENERATOR);
        try {
            checkContract(bundle, s, m);
        } catch (BundleException e) {
            OrtSessions.closeQuietly(s);
            throw e;
        }
        return new FlowMatchingSampler(m, s);
    }

    /**
     * The bundle's generator section driving another weights file of the same architecture, e.g. a training
     * snapshot of the generator the bundle ships.
     */
    public static FlowMatchingSampler open(ModelBundle bundle, java.nio.file.Path generatorFile, RuntimeOptions options)
            throws BundleException {
        ModelManifest m = bundle.manifest();
        if (m.generator() == null) {
            throw new BundleException("model bundle " + bundle.root() + " (" + m.id()
                    + ") has no generator section to drive " + generatorFile);
        }
        OrtSession s = OrtSessions.create(generatorFile, options, "generator file " + generatorFile);
        try {
            checkContract(generatorFile.toString(), s, m);
        } catch (BundleException e) {
            OrtSessions.closeQuietly(s);
            throw e;
        }
        return new FlowMatchingSampler(m, s);
    }

    private static void checkContract(ModelBundle bundle, OrtSession s, ModelManifest m) throws BundleException {
        checkContract(
                bundle.root() + ": generator file "
                        + bundle.file(ModelManifest.GENERATOR).getFileName(),
                s,
                m);
    }

    private static void checkContract(String file, OrtSession s, ModelManifest m) throws BundleException {
        try {
            Map<String, NodeInfo> in = s.getInputInfo();
            if (!in.keySet().equals(Set.of(X_T, T, CLASS)) || !s.getOutputInfo().containsKey(VELOCITY)) {
                throw new BundleException("model bundle " + file + " does not follow the generator contract: inputs "
                        + in.keySet() + " (expected x_t, t, class), outputs "
                        + s.getOutputInfo().keySet() + " (expected velocity)");
            }
            long[] shape = ((TensorInfo) in.get(X_T).getInfo()).getShape();
            if (shape.length != 4 || shape[1] > 0 && shape[1] != m.latentChannels()) {
                throw new BundleException(
                        "model bundle " + file + " takes x_t of shape " + java.util.Arrays.toString(shape)
                                + ", but model.json says " + m.latentChannels() + " latent channels");
            }
        } catch (OrtException e) {
            throw new BundleException("model bundle " + file + ": cannot inspect it: " + e.getMessage(), e);
        }
    }

    public GeneratorSpec spec() {
        return spec;
    }

    /** The manifest's default settings (model.json's generator section). */
    public Settings defaults() {
        return new Settings(spec.steps(), spec.cfgScale(), Solver.parse(spec.sampler()));
    }

    public int numClasses() {
        return spec.numClasses();
    }

    /** The null (unconditional) class label. */
    public int nullClass() {
        return spec.nullClass();
    }

    /**
     * Raw latents [N, C, h, w] at the trained latent size, ready for {@link Autoencoder#decode}: one per class
     * label (0..numClasses-1, or numClasses for unconditional), reproducible from {@code seed}.
     */
    public FloatTensor sample(int[] classes, Settings settings, long seed) throws OrtException {
        if (classes.length == 0) {
            throw new IllegalArgumentException("sample count must be >= 1, got 0 (empty class list)");
        }
        for (int cls : classes) {
            if (cls < 0 || cls > spec.numClasses()) {
                throw new IllegalArgumentException("class " + cls + " is out of range: this generator has classes 0.."
                        + (spec.numClasses() - 1) + " and the null class " + spec.nullClass() + " (unconditional)");
            }
        }
        int c = manifest.latentChannels();
        int h = spec.latentSize()[0];
        int w = spec.latentSize()[1];
        float[] x = noise(classes.length, seed).data();
        double dt = 1.0 / settings.steps();
        for (int k = 0; k < settings.steps(); k++) {
            double t0 = k * dt;
            float[] v0 = guidedVelocity(x, classes, settings.cfgScale(), t0, c, h, w);
            if (settings.solver() == Solver.EULER) {
                axpy(x, v0, dt);
            } else {
                float[] x1 = x.clone();
                axpy(x1, v0, dt);
                float[] v1 = guidedVelocity(x1, classes, settings.cfgScale(), t0 + dt, c, h, w);
                for (int i = 0; i < x.length; i++) {
                    x[i] += (float) (dt * 0.5 * (v0[i] + v1[i]));
                }
            }
        }
        return denormalize(new FloatTensor(classes.length, c, h, w, x));
    }

    /** The starting noise of {@link #sample} for this count and seed: standard normal, generator space. */
    public FloatTensor noise(int count, long seed) {
        int c = manifest.latentChannels();
        int h = spec.latentSize()[0];
        int w = spec.latentSize()[1];
        float[] x = new float[Math.multiplyExact(count, c * h * w)];
        Random rnd = new Random(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return new FloatTensor(count, c, h, w, x);
    }

    /** Generator space to raw latents. */
    public FloatTensor denormalize(FloatTensor g) {
        float[] out = g.data().clone();
        int plane = g.height() * g.width();
        double[] mean = spec.latentMean();
        double[] std = spec.latentStd();
        for (int n = 0; n < g.batch(); n++) {
            for (int ch = 0; ch < g.channels(); ch++) {
                int base = (n * g.channels() + ch) * plane;
                for (int i = 0; i < plane; i++) {
                    out[base + i] = (float)
                            ((out[base + i] * std[ch] + mean[ch]) / manifest.latentScale() + manifest.latentShift());
                }
            }
        }
        return new FloatTensor(g.batch(), g.channels(), g.height(), g.width(), out);
    }

    private static void axpy(float[] x, float[] v, double dt) {
        for (int i = 0; i < x.length; i++) {
            x[i] += (float) (dt * v[i]);
        }
    }

    private float[] guidedVelocity(float[] x, int[] classes, double cfgScale, double t, int c, int h, int w)
            throws OrtException {
        int n = classes.length;
        float[] tt = new float[n];
        java.util.Arrays.fill(tt, (float) t);
        long[] cls = new long[n];
        for (int i = 0; i < n; i++) {
            cls[i] = classes[i];
        }
        if (cfgScale == 1.0) {
            return velocity(new FloatTensor(n, c, h, w, x), tt, cls).data();
        }
        float[] x2 = new float[2 * x.length];
        System.arraycopy(x, 0, x2, 0, x.length);
        System.arraycopy(x, 0, x2, x.length, x.length);
        float[] t2 = new float[2 * n];
        System.arraycopy(tt, 0, t2, 0, n);
        System.arraycopy(tt, 0, t2, n, n);
        long[] c2 = new long[2 * n];
        System.arraycopy(cls, 0, c2, 0, n);
        java.util.Arrays.fill(c2, n, 2 * n, spec.nullClass());
        float[] v = velocity(new FloatTensor(2 * n, c, h, w, x2), t2, c2).data();
        float[] out = new float[x.length];
        double s = cfgScale;
        for (int i = 0; i < out.length; i++) {
            float cond = v[i];
            float uncond = v[x.length + i];
            out[i] = (float) (uncond + s * (cond - uncond));
        }
        return out;
    }

    /** One call of the velocity model: x_t [N, C, h, w] in generator space, t [N], classes [N]. */
    public FloatTensor velocity(FloatTensor x, float[] t, long[] classes) throws OrtException {
        if (t.length != x.batch() || classes.length != x.batch()) {
            throw new IllegalArgumentException("velocity: " + x.batch() + " latents but " + t.length + " times and "
                    + classes.length + " classes");
        }
        var env = OrtSessions.env();
        try (OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), x.shape());
                OnnxTensor tt = OnnxTensor.createTensor(env, FloatBuffer.wrap(t), new long[] {t.length});
                OnnxTensor ct = OnnxTensor.createTensor(env, LongBuffer.wrap(classes), new long[] {classes.length});
                OrtSession.Result res = generator.run(Map.of(X_T, xt, T, tt, CLASS, ct), Set.of(VELOCITY))) {
            OnnxTensor out = (OnnxTensor) res.get(VELOCITY).orElseThrow();
            FloatBuffer fb = out.getFloatBuffer();
            float[] data = new float[fb.remaining()];
            fb.get(data);
            return FloatTensor.of(out.getInfo().getShape(), data);
        }
    }

    @Override
    public void close() {
        OrtSessions.closeQuietly(generator);
    }
}
