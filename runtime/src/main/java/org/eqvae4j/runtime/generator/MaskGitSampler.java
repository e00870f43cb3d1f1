package org.eqvae4j.runtime.generator;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.OrtSessions;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.ort.SessionFactory;
import org.eqvae4j.runtime.tensor.TokenGrid;

/**
 * The discrete sampler: MaskGIT iterative decoding with a VQ bundle's token generator (model.json file
 * role "generator" in a bundle of kind VQ). Decode the tokens with {@link Autoencoder#decodeIndices}.
 * Thread-safe like the session it holds.
 *
 * <p>Generator contract (the file describes itself): inputs {@code tokens} int64 [N, h, w] with values
 * 0..K (K = codebookSize is the mask token) and {@code class_label} int64 [N] with values 0..C (C =
 * the number of classes is the null class, for unconditional samples and guidance); output
 * {@code logits} float [N, h, w, K]. ONNX metadata: {@value #KIND_KEY} = {@value #KIND},
 * {@value #CLASSES_KEY} = C, {@value #SCHEDULE_KEY} = the masking schedule it was trained with.
 *
 * <p>Decoding (Chang et al. 2022): start with every token masked; at step t of T, sample a token for
 * every masked position from softmax(logits / temperature), score it by its log-probability plus
 * Gumbel noise scaled by {@code choiceTemperature * (1 - (t + 1) / T)} (annealed to 0), keep the
 * most confident and mask the others again so that {@link MaskSchedule#maskedAfterStep} remain masked.
 * With a classifier-free guidance scale s != 1, logits are {@code uncond + s (cond - uncond)} (s = 1: plain
 * conditional, the same convention as the continuous sampler). Sample i's randomness depends on
 * (seed, i) only, so a sample does not change with the batch it is drawn in.
 */
public final class MaskGitSampler implements AutoCloseable {
    public static final String KIND_KEY = "eqvae4j.generator";
    public static final String KIND = "maskgit";
    public static final String CLASSES_KEY = "eqvae4j.num_classes";
    public static final String SCHEDULE_KEY = "eqvae4j.mask_schedule";
    public static final String TOKENS = "tokens";
    public static final String CLASS_LABEL = "class_label";
    public static final String LOGITS = "logits";

    /**
     * @param steps             decoding steps T
     * @param temperature       sampling temperature of the token distribution
     * @param choiceTemperature scale of the Gumbel noise on confidences at the first step (annealed linearly to 0)
     * @param cfgScale          classifier-free guidance scale s (1: none)
     * @param schedule          masking schedule (the one the generator was trained with by default)
     */
    public record Settings(
            int steps, double temperature, double choiceTemperature, double cfgScale, MaskSchedule schedule) {
        public Settings {
            if (steps < 1) {
                throw new IllegalArgumentException("decoding steps must be >= 1, got " + steps);
            }
            if (!(temperature > 0) || !Double.isFinite(temperature)) {
                throw new IllegalArgumentException("temperature must be positive, got " + temperature);
            }
            if (!(choiceTemperature >= 0) || !Double.isFinite(choiceTemperature)) {
                throw new IllegalArgumentException("choice temperature must be >= 0, got " + choiceTemperature);
            }
            if (!(cfgScale >= 0) || !Double.isFinite(cfgScale)) {
                throw new IllegalArgumentException("guidance scale must be finite and >= 0, got " + cfgScale);
            }
            if (schedule == null) {
                throw new IllegalArgumentException("a masking schedule is required");
            }
        }

        public Settings withSteps(int s) {
            return new Settings(s, temperature, choiceTemperature, cfgScale, schedule);
        }

        public Settings withCfgScale(double scale) {
            return new Settings(steps, temperature, choiceTemperature, scale, schedule);
        }

        public Settings withTemperature(double t) {
            return new Settings(steps, t, choiceTemperature, cfgScale, schedule);
        }
    }

    private final ModelManifest manifest;
    private final OrtSession generator;
    private final int classes;
    private final int height;
    private final int width;
    private final int codebookSize;
    private final MaskSchedule schedule;

    private MaskGitSampler(
            ModelManifest manifest, OrtSession generator, int classes, int height, int width, MaskSchedule schedule) {
        this.manifest = manifest;
        this.generator = generator;
        this.classes = classes;
        this.height = height;
        this.width = width;
        this.codebookSize = manifest.codebookSize();
        this.schedule = schedule;
    }

    /** Whether the bundle holds a MaskGIT token generator (a VQ bundle with a generator file). */
    public static boolean handles(ModelBundle bundle) {
        return bundle.manifest().kind() == LatentKind.VQ && bundle.has(ModelManifest.GENERATOR);
    }

    public static MaskGitSampler open(ModelBundle bundle, RuntimeOptions options) throws BundleException {
        ModelManifest m = bundle.manifest();
        if (!handles(bundle)) {
            throw new BundleException("model bundle " + bundle.root() + " (" + m.id()
                    + ") has no token generator: it is " + m.kind() + " with files "
                    + m.files().keySet() + "; MaskGIT sampling needs a VQ bundle with a \"generator\" file");
        }
        OrtSession s = new SessionFactory(options).create(bundle, ModelManifest.GENERATOR);
        try {
            String file = bundle.file(ModelManifest.GENERATOR).getFileName().toString();
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            if (!KIND.equals(meta.get(KIND_KEY))) {
                throw new BundleException(
                        "model bundle " + bundle.root() + ": generator " + file + " is not a MaskGIT token generator"
                                + " (metadata " + KIND_KEY + " = " + meta.get(KIND_KEY) + ")");
            }
            int classes = Integer.parseInt(meta.getOrDefault(CLASSES_KEY, "-1"));
            if (classes < 1) {
                throw new BundleException("model bundle " + bundle.root() + ": generator " + file
                        + " does not say its number of classes (" + CLASSES_KEY + ")");
            }
            long[] in = shape(s.getInputInfo().get(TOKENS));
            long[] out = shape(s.getOutputInfo().get(LOGITS));
            if (in == null
                    || in.length != 3
                    || in[1] < 1
                    || in[2] < 1
                    || !s.getInputInfo().containsKey(CLASS_LABEL)
                    || out == null
                    || out.length != 4) {
                throw new BundleException("model bundle " + bundle.root() + ": generator " + file
                        + " does not take tokens [N, h, w] and " + CLASS_LABEL + " [N] to logits [N, h, w, K] (inputs "
                        + s.getInputNames() + ", outputs " + s.getOutputNames() + ")");
            }
            if (out[3] != m.codebookSize()) {
                throw new BundleException("model bundle " + bundle.root() + ": generator " + file + " predicts "
                        + out[3] + " codes, but model.json's codebookSize is " + m.codebookSize()
                        + " (a generator of another VQ model?)");
            }
            MaskSchedule schedule = MaskSchedule.parse(meta.getOrDefault(SCHEDULE_KEY, "arccos"));
            return new MaskGitSampler(m, s, classes, (int) in[1], (int) in[2], schedule);
        } catch (OrtException | RuntimeException | BundleException e) {
            OrtSessions.closeQuietly(s);
            if (e instanceof BundleException be) {
                throw be;
            }
            throw new BundleException(
                    "model bundle " + bundle.root() + ": cannot inspect its generator: " + e.getMessage(), e);
        }
    }

    private static long[] shape(NodeInfo info) {
        return info != null && info.getInfo() instanceof TensorInfo t ? t.getShape() : null;
    }

    public int numClasses() {
        return classes;
    }

    /** The null (unconditional) class label. */
    public int nullClass() {
        return classes;
    }

    public int gridHeight() {
        return height;
    }

    public int gridWidth() {
        return width;
    }

    public MaskSchedule schedule() {
        return schedule;
    }

    /** Settings MaskGIT uses: 8 steps, temperature 1, choice temperature 4.5, no guidance (scale 1), the trained schedule. */
    public Settings defaults() {
        return new Settings(8, 1.0, 4.5, 1, schedule);
    }

    /** One token grid per class label (0..C-1, or C for unconditional), reproducible from {@code seed}. */
    public TokenGrid sample(int[] labels, Settings settings, long seed) throws OrtException {
        if (labels.length == 0) {
            throw new IllegalArgumentException("no samples requested (empty class list)");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > classes) {
                throw new IllegalArgumentException(
                        "class " + labels[i] + " of sample " + i + " is out of range: this generator has classes 0.."
                                + (classes - 1) + " and " + classes + " for unconditional samples");
            }
        }
        int n = labels.length;
        int l = height * width;
        int k = codebookSize;
        int[] tokens = new int[n * l];
        Arrays.fill(tokens, k);
        SplittableRandom[] rnd = new SplittableRandom[n];
        for (int i = 0; i < n; i++) {
            rnd[i] = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L + 1);
        }
        int[] uncond = new int[n];
        Arrays.fill(uncond, classes);
        double[] conf = new double[l];
        double[] p = new double[k];
        for (int t = 0; t < settings.steps(); t++) {
            float[] logits = logits(tokens, labels, n);
            float[] u = settings.cfgScale() != 1 ? logits(tokens, uncond, n) : null;
            double anneal = settings.choiceTemperature() * (1 - (t + 1.0) / settings.steps());
            for (int s = 0; s < n; s++) {
                int masked = 0;
                for (int i = 0; i < l; i++) {
                    if (tokens[s * l + i] != k) {
                        conf[i] = Double.POSITIVE_INFINITY;
                        continue;
                    }
                    masked++;
                    int base = (s * l + i) * k;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        double v = logits[base + j];
                        if (u != null) {
                            v = u[base + j] + settings.cfgScale() * (v - u[base + j]);
                        }
                        p[j] = v;
                        max = Math.max(max, v);
                    }
                    // log-softmax at temperature 1 for the confidence, softmax at the temperature for the draw
                    double sum = 0;
                    double sumT = 0;
                    for (int j = 0; j < k; j++) {
                        sum += Math.exp(p[j] - max);
                        sumT += Math.exp((p[j] - max) / settings.temperature());
                    }
                    double r = rnd[s].nextDouble() * sumT;
                    int pick = k - 1;
                    for (int j = 0; j < k; j++) {
                        r -= Math.exp((p[j] - max) / settings.temperature());
                        if (r <= 0) {
                            pick = j;
                            break;
                        }
                    }
                    tokens[s * l + i] = pick;
                    conf[i] = (p[pick] - max - Math.log(sum)) + anneal * gumbel(rnd[s]);
                }
                int keepMasked =
                        Math.min(settings.schedule().maskedAfterStep(t, settings.steps(), l), Math.max(0, masked - 1));
                if (keepMasked > 0) {
                    Integer[] order = new Integer[l];
                    for (int i = 0; i < l; i++) {
                        order[i] = i;
                    }
                    final int sample = s;
                    Arrays.sort(order, (a, b) -> Double.compare(conf[a], conf[b]));
                    for (int i = 0; i < keepMasked; i++) {
                        tokens[sample * l + order[i]] = k;
                    }
                }
            }
        }
        return new TokenGrid(n, height, width, tokens);
    }

    private static double gumbel(SplittableRandom r) {
        return -Math.log(-Math.log(Math.max(1e-20, r.nextDouble())));
    }

    private float[] logits(int[] tokens, int[] labels, int n) throws OrtException {
        long[] t = new long[tokens.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = tokens[i];
        }
        long[] c = new long[n];
        for (int i = 0; i < n; i++) {
            c[i] = labels[i];
        }
        try (OnnxTensor tt =
                        OnnxTensor.createTensor(OrtSessions.env(), LongBuffer.wrap(t), new long[] {n, height, width});
                OnnxTensor ct = OnnxTensor.createTensor(OrtSessions.env(), LongBuffer.wrap(c), new long[] {n});
                OrtSession.Result r = generator.run(Map.of(TOKENS, tt, CLASS_LABEL, ct))) {
            FloatBuffer fb = ((OnnxTensor) r.get(LOGITS).orElseThrow()).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }

    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public void close() {
        OrtSessions.closeQuietly(generator);
    }
}
