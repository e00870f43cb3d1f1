package org.eqvae4j.training.generator.maskgit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.generator.MaskGitSampler;
import org.eqvae4j.runtime.generator.MaskSchedule;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.metrics.AutoencoderEvaluation;
import org.eqvae4j.runtime.metrics.CodebookUsage;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tensor.TokenGrid;
import org.eqvae4j.runtime.visual.ImageGrid;
import org.eqvae4j.training.data.IdxFile;
import org.eqvae4j.training.data.Image8;
import org.eqvae4j.training.eval.ClassifierFeatures;
import org.eqvae4j.training.eval.FrechetDistance;
import org.eqvae4j.training.report.CurveChart;

/**
 * The discrete half of the generator experiment: the same MaskGIT (config, steps, seed, data) trained on
 * the tokens of a baseline VQ autoencoder and of an EQ-VAE-trained one. Every {@code evalEvery} steps
 * each generator draws {@code evalSamples} images (classes 0..9 in turn, fixed seeds), the VQ decoder
 * decodes them, and their Frechet distance to the Fashion-MNIST test set is measured in the features of
 * the project's Fashion-MNIST classifier ("FD-FMNIST-CNN"; not FID: no Inception network is involved).
 * Writes {@code report/README.md} (tables, the iteration ratio), {@code loss.png}, {@code fd.png},
 * {@code samples-<arm>.png} and {@code results.json}; runs (resumable) live under {@code runs}.
 */
public final class MaskGitExperiment {
    public static final int SIDE = 28;
    public static final int PADDED = 32;
    private static final int CLASSES = 10;
    private static final long SAMPLE_SEED = 20250101L;

    /**
     * @param baseVq        baseline VQ bundle
     * @param eqVq          EQ-VAE VQ bundle
     * @param data          folder with Fashion-MNIST's four IDX files
     * @param classifier    classifier ONNX (inputs [N,1,28,28] in [0,1], outputs logits and features)
     * @param trainImages   training images encoded for the generators (the first ones of the training set)
     * @param vqEvalImages  test images for the VQ models' reconstruction and equivariance metrics
     * @param decodeSteps   MaskGIT decoding steps for the evaluation samples
     * @param command       the command line that regenerates the report, quoted in it
 * @param runtime       where inference runs (VQ models, samplers, classifier) and the provider of the training sessions
     */
    public record Config(Path baseVq, Path eqVq, Path data, Path classifier, Path runs, Path report, int trainImages, long steps,
                         int batch, float learningRate, int warmupSteps, long seed, int evalEvery, int evalSamples, int decodeSteps,
                         int dim, int depth, int heads, int threads, int vqEvalImages, String command, RuntimeOptions runtime) {
    }

    /** One arm's numbers. */
    public record Arm(String name, String vqId, Map<String, Object> vqMetrics, double reconstructionFd, long[] evalSteps, double[] fd,
                      double[][] loss, Path bundle) {
    }

    private final Config cfg;

    public MaskGitExperiment(Config cfg) {
        this.cfg = cfg;
    }

    public List<Arm> run(ProgressListener progress) throws Exception {
        List<Image8> train = IdxFile.readImages(cfg.data().resolve("train-images-idx3-ubyte.gz"));
        int[] trainLabels = IdxFile.readLabels(cfg.data().resolve("train-labels-idx1-ubyte.gz"));
        List<Image8> test = IdxFile.readImages(cfg.data().resolve("t10k-images-idx3-ubyte.gz"));
        int n = Math.min(cfg.trainImages(), train.size());
        train = train.subList(0, n);
        trainLabels = Arrays.copyOf(trainLabels, n);
        RuntimeOptions rt = cfg.runtime();
        List<Arm> arms = new ArrayList<>();
        try (ClassifierFeatures cls = ClassifierFeatures.open(cfg.classifier(), rt)) {
            progress.progress(0, 0, "classifier features of " + test.size() + " test images");
            FrechetDistance.Gaussian real = FrechetDistance.Gaussian.fit(cls.features(pixels(test), test.size()), "test images");
            for (String arm : List.of("baseline", "eq")) {
                Path vqPath = arm.equals("baseline") ? cfg.baseVq() : cfg.eqVq();
                arms.add(runArm(arm, ModelBundle.open(vqPath), train, trainLabels, test, cls, real, rt, progress));
            }
        }
        writeReport(arms);
        return arms;
    }

    private Arm runArm(String arm, ModelBundle vq, List<Image8> train, int[] labels, List<Image8> test, ClassifierFeatures cls,
                       FrechetDistance.Gaussian real, RuntimeOptions rt, ProgressListener progress) throws Exception {
        Path dir = cfg.runs().resolve(arm);
        Files.createDirectories(dir);
        Map<String, Object> vqMetrics = new LinkedHashMap<>();
        double reconFd;
        Path tokens = dir.resolve("train.tokens");
        try (Autoencoder ae = Autoencoder.open(vq, rt)) {
            progress.progress(0, 0, arm + ": VQ metrics of " + vq.manifest().id());
            List<FloatTensor> evalImages = new ArrayList<>();
            for (int i = 0; i < Math.min(cfg.vqEvalImages(), test.size()); i++) {
                evalImages.add(tensor(test.get(i).padded(PADDED)));
            }
            AutoencoderEvaluation.Report r = AutoencoderEvaluation.evaluate(ae, evalImages, ProgressListener.NONE);
            vqMetrics.putAll(r.asMap());
            TokenGrid testTokens = ae.encodeIndices(FloatTensor.stack(evalImages));
            CodebookUsage u = CodebookUsage.of(testTokens.tokens(), vq.manifest().codebookSize());
            vqMetrics.put("codebook_perplexity", Math.round(u.perplexity() * 100) / 100.0);
            vqMetrics.put("codebook_used", Math.round(u.fractionUsed() * 10000) / 10000.0);
            // the best a generator of these tokens can do: decoded test tokens against the test set
            FloatTensor recon = ae.decodeIndices(testTokens);
            reconFd = FrechetDistance.between(real, FrechetDistance.Gaussian.fit(cls.features(crop(recon), recon.batch()), "reconstructions"));
            boolean cached = false;
            if (Files.isRegularFile(tokens)) {
                TokenCache.Header h = TokenCache.read(tokens).header();
                cached = h.bundleId().equals(vq.manifest().id()) && h.count() == train.size();
            }
            if (!cached) {
                progress.progress(0, 0, arm + ": encoding " + train.size() + " training images");
                TokenCache.encode(ae, train, labels, CLASSES, PADDED, 256, "Fashion-MNIST train, first " + train.size()).write(tokens);
            }
        }
        MaskGitTrainConfig mc = new MaskGitTrainConfig(vq.root(), tokens, cfg.steps(), cfg.batch(), cfg.learningRate(), cfg.warmupSteps(),
                cfg.seed(), 0.1, MaskSchedule.ARCCOS, cfg.dim(), cfg.depth(), cfg.heads(), Math.max(1, cfg.evalEvery()), cfg.evalEvery(),
                cfg.threads(), "maskgit-" + vq.manifest().id(), cfg.runtime().provider());
        Path run = dir.resolve("maskgit");
        new MaskGitTrainer(mc, run, fdEvaluator(cls, real, rt)).train((done, total, msg) -> progress.progress(done, total, arm + ": " + msg));
        List<long[]> evals = new ArrayList<>();
        List<Double> fds = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(MaskGitTrainer.EVAL_CSV)).subList(1, Files.readAllLines(run.resolve(MaskGitTrainer.EVAL_CSV)).size())) {
            String[] f = line.split(",");
            evals.add(new long[] {Long.parseLong(f[0])});
            fds.add(Double.parseDouble(f[1]));
        }
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        double[][] loss = new double[2][metrics.size() - 1];
        for (int i = 1; i < metrics.size(); i++) {
            String[] f = metrics.get(i).split(",");
            loss[0][i - 1] = Double.parseDouble(f[0]);
            loss[1][i - 1] = Double.parseDouble(f[1]);
        }
        return new Arm(arm, vq.manifest().id(), vqMetrics, reconFd, evals.stream().mapToLong(a -> a[0]).toArray(),
                fds.stream().mapToDouble(Double::doubleValue).toArray(), loss, run.resolve(MaskGitTrainer.BUNDLE));
    }

    private MaskGitTrainer.Evaluator fdEvaluator(ClassifierFeatures cls, FrechetDistance.Gaussian real, RuntimeOptions rt) {
        return new MaskGitTrainer.Evaluator() {
            @Override
            public List<String> columns() {
                return List.of("fd_fmnist_cnn");
            }

            @Override
            public double[] evaluate(ModelBundle generator, long step) throws Exception {
                FloatTensor images = samples(generator, cfg.evalSamples(), rt);
                return new double[] {FrechetDistance.between(real, FrechetDistance.Gaussian.fit(cls.features(crop(images), images.batch()),
                        "generated images"))};
            }
        };
    }

    /** {@code count} decoded samples, class i mod 10 for sample i, fixed seed. */
    FloatTensor samples(ModelBundle generator, int count, RuntimeOptions rt) throws Exception {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % CLASSES;
        }
        try (MaskGitSampler s = MaskGitSampler.open(generator, rt); Autoencoder ae = Autoencoder.open(generator, rt)) {
            List<FloatTensor> out = new ArrayList<>();
            for (int from = 0; from < count; from += 250) {
                int[] part = Arrays.copyOfRange(labels, from, Math.min(count, from + 250));
                out.add(ae.decodeIndices(s.sample(part, s.defaults().withSteps(cfg.decodeSteps()), SAMPLE_SEED + from)));
            }
            return out.size() == 1 ? out.get(0) : concat(out);
        }
    }

    private static FloatTensor concat(List<FloatTensor> parts) {
        List<FloatTensor> singles = new ArrayList<>();
        for (FloatTensor p : parts) {
            for (int i = 0; i < p.batch(); i++) {
                singles.add(p.sample(i));
            }
        }
        return FloatTensor.stack(singles);
    }

    private static FloatTensor tensor(Image8 img) {
        float[] v = new float[img.data().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (img.data()[i] & 0xff) / 255f;
        }
        return new FloatTensor(1, 1, img.height(), img.width(), v);
    }

    /** Test images as classifier input [N, 1, 28, 28] in [0, 1]. */
    static float[] pixels(List<Image8> images) {
        float[] out = new float[images.size() * SIDE * SIDE];
        for (int i = 0; i < images.size(); i++) {
            byte[] d = images.get(i).data();
            for (int j = 0; j < d.length; j++) {
                out[i * SIDE * SIDE + j] = (d[j] & 0xff) / 255f;
            }
        }
        return out;
    }

    /** Decoded [N, 1, 32, 32] -> the central 28 x 28, clamped to [0, 1], as classifier input. */
    static float[] crop(FloatTensor decoded) {
        int off = (PADDED - SIDE) / 2;
        float[] out = new float[decoded.batch() * SIDE * SIDE];
        for (int n = 0; n < decoded.batch(); n++) {
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    out[(n * SIDE + y) * SIDE + x] = Math.max(0f, Math.min(1f, decoded.get(n, 0, y + off, x + off)));
                }
            }
        }
        return out;
    }

    /**
     * The first evaluation step at which {@code fd} is at or below {@code target}, or -1. The iteration
     * ratio of the report is the baseline's last step over this step of the EQ run for the baseline's final FD.
     */
    public static long firstStepReaching(long[] steps, double[] fd, double target) {
        for (int i = 0; i < steps.length; i++) {
            if (fd[i] <= target) {
                return steps[i];
            }
        }
        return -1;
    }

    private void writeReport(List<Arm> arms) throws Exception {
        Path out = cfg.report();
        Files.createDirectories(out);
        Arm base = arms.get(0);
        Arm eq = arms.get(1);
        Map<String, double[][]> lossCurves = new LinkedHashMap<>();
        Map<String, double[][]> fdCurves = new LinkedHashMap<>();
        for (Arm a : arms) {
            lossCurves.put(a.name() + " (" + a.vqId() + ")", movingAverage(a.loss(), 50));
            fdCurves.put(a.name() + " (" + a.vqId() + ")", new double[][] {Arrays.stream(a.evalSteps()).asDoubleStream().toArray(), a.fd()});
        }
        CurveChart.write("MaskGIT training loss (masked-token cross-entropy, 50-step moving average)", "step", "loss", lossCurves, out.resolve("loss.png"));
        CurveChart.write("FD-FMNIST-CNN of " + cfg.evalSamples() + " samples vs the test set (lower is better)", "step", "FD-FMNIST-CNN",
                fdCurves, out.resolve("fd.png"));
        for (Arm a : arms) {
            FloatTensor s = samples(ModelBundle.open(a.bundle()), 80, cfg.runtime());
            List<List<FloatTensor>> rows = new ArrayList<>();
            for (int c = 0; c < CLASSES; c++) {
                List<FloatTensor> row = new ArrayList<>();
                for (int k = 0; k < 8; k++) {
                    row.add(s.sample(k * CLASSES + c).map(v -> Math.max(0f, Math.min(1f, v))));
                }
                rows.add(row);
            }
            ImageFiles.writePng(ImageGrid.of(rows, 64, 2), out.resolve("samples-" + a.name() + ".png"));
        }
        // single evaluations are noisy (500 samples, a model still moving): the ratio is given on the raw
        // curves and on trailing means of SMOOTH evaluations
        Ratio raw = ratio(base.evalSteps(), base.fd(), eq.evalSteps(), eq.fd());
        Ratio smooth = ratio(base.evalSteps(), trailingMean(base.fd(), SMOOTH), eq.evalSteps(), trailingMean(eq.fd(), SMOOTH));
        StringBuilder md = new StringBuilder();
        md.append("# Discrete generators on baseline vs EQ-VAE latents (VQ + MaskGIT, Fashion-MNIST)\n\n");
        md.append("Regenerate with:\n\n```bash\n").append(cfg.command()).append("\n```\n\n");
        md.append("Same MaskGIT (width ").append(cfg.dim()).append(", ").append(cfg.depth()).append(" blocks, ").append(cfg.heads())
                .append(" heads), same ").append(cfg.steps()).append(" steps of batch ").append(cfg.batch()).append(", lr ").append(cfg.learningRate())
                .append(" (warm-up ").append(cfg.warmupSteps()).append("), seed ").append(cfg.seed()).append(", arccos masking, class dropout 0.1, ")
                .append("the first ").append(base.loss()[0].length > 0 ? cfg.trainImages() : 0).append(" Fashion-MNIST training images (28x28 centred on 32x32 -> 8x8 tokens); ")
                .append("only the VQ autoencoder differs.\n\n");
        md.append("Sample quality is **FD-FMNIST-CNN**: the Frechet distance between ").append(cfg.evalSamples())
                .append(" generated images (classes 0-9 in turn, fixed seeds, ").append(cfg.decodeSteps())
                .append(" decoding steps, no guidance) and the 10,000 test images, in the feature space of the project's Fashion-MNIST classifier (`")
                .append(cfg.classifier().getFileName()).append("`). It is not FID (no Inception network); values are comparable only with each other. ")
                .append("With ").append(cfg.evalSamples()).append(" samples the estimate carries a positive bias, the same for both arms.\n\n");
        md.append("## VQ autoencoders\n\n");
        md.append("Measured on the first ").append(cfg.vqEvalImages()).append(" test images (32x32) by the runtime's metrics library; codebook usage over their tokens.\n\n");
        md.append("| arm | bundle | PSNR dB | codebook perplexity | codebook used | equivariance error rot | equivariance error scale | PSNR D(tau z) rot | PSNR D(tau z) scale | FD-FMNIST-CNN of reconstructions |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Arm a : arms) {
            Map<String, Object> m = a.vqMetrics();
            md.append(String.format(Locale.ROOT, "| %s | `%s` | %.2f | %.1f | %.1f %% | %.3f | %.3f | %.2f | %.2f | %.2f |%n", a.name(), a.vqId(),
                    num(m.get("psnr")), num(m.get("codebook_perplexity")), 100 * num(m.get("codebook_used")),
                    num(m.get("equivariance_error_rotation")), num(m.get("equivariance_error_scale")),
                    num(m.get("psnr_transformed_latent_rotation")), num(m.get("psnr_transformed_latent_scale")), a.reconstructionFd()));
        }
        double bp = num(base.vqMetrics().get("codebook_perplexity"));
        double ep = num(eq.vqMetrics().get("codebook_perplexity"));
        if (Math.abs(bp - ep) > 0.1 * Math.max(bp, ep)) {
            md.append(String.format(Locale.ROOT, "%nThe two VQ models use their codebooks differently (perplexity %.1f vs %.1f): a token distribution "
                    + "of lower entropy is easier to model by itself, so the generators' cross-entropy losses are not comparable across arms, "
                    + "and part of any difference in sample quality may come from the codebook usage rather than from equivariance.%n", bp, ep));
        }
        md.append("\n## MaskGIT: FD-FMNIST-CNN over training\n\n| step |");
        for (Arm a : arms) {
            md.append(' ').append(a.name()).append(" |");
        }
        md.append("\n|---|");
        arms.forEach(a -> md.append("---|"));
        md.append('\n');
        for (int i = 0; i < base.evalSteps().length; i++) {
            md.append("| ").append(base.evalSteps()[i]).append(" |");
            for (Arm a : arms) {
                md.append(i < a.fd().length ? String.format(Locale.ROOT, " %.2f |", a.fd()[i]) : " |");
            }
            md.append('\n');
        }
        md.append("\n| arm | final loss (mean of last 50 steps) | final FD-FMNIST-CNN | best FD-FMNIST-CNN |\n|---|---|---|---|\n");
        for (Arm a : arms) {
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.2f | %.2f |%n", a.name(), tailMean(a.loss()[1], 50), a.fd()[a.fd().length - 1],
                    Arrays.stream(a.fd()).min().orElse(Double.NaN)));
        }
        md.append("\n## Iteration ratio\n\n");
        md.append("The step at which the EQ run first reaches the baseline's final FD-FMNIST-CNN, as baseline steps / EQ steps ")
                .append("(resolution: the evaluation interval of ").append(cfg.evalEvery()).append(" steps).\n\n");
        md.append("| curves | baseline final | EQ final | EQ reaches baseline final at | ratio | baseline reaches EQ final at |\n|---|---|---|---|---|---|\n");
        md.append(raw.row("single evaluations"));
        md.append(smooth.row("trailing mean of " + SMOOTH + " evaluations"));
        md.append("\nSingle evaluations fluctuate (").append(cfg.evalSamples()).append(" samples; constant learning rate after warm-up, no weight ")
                .append("averaging), so the smoothed row is the more robust reading; both are one run per arm with one seed.\n");
        md.append("\nThe paper reports x2-x7 faster convergence for diffusion/autoregressive generators on EQ-VAE latents at ImageNet scale; ")
                .append("this is one small CPU run per arm (one seed), so the ratio is indicative only.\n\n");
        md.append("![loss](loss.png)\n\n![FD](fd.png)\n\nSamples after the last step (rows: classes 0-9, T-shirt/top ... ankle boot; 8 seeds each):\n\n");
        for (Arm a : arms) {
            md.append(a.name()).append(" (`").append(a.vqId()).append("`):\n\n![").append(a.name()).append("](samples-").append(a.name()).append(".png)\n\n");
        }
        AtomicFiles.write(out.resolve("README.md"), o -> o.write(md.toString().getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> json = new LinkedHashMap<>();
        for (Arm a : arms) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("vq", a.vqId());
            m.put("vqMetrics", a.vqMetrics());
            m.put("reconstructionFd", a.reconstructionFd());
            m.put("evalSteps", a.evalSteps());
            m.put("fd", a.fd());
            m.put("finalLoss", tailMean(a.loss()[1], 50));
            json.put(a.name(), m);
        }
        json.put("iterationRatio", raw.ratio());
        json.put("iterationRatioSmoothed", smooth.ratio());
        json.put("eqStepReachingBaselineFinal", raw.eqReach());
        json.put("eqStepReachingBaselineFinalSmoothed", smooth.eqReach());
        json.put("command", cfg.command());
        AtomicFiles.write(out.resolve("results.json"), o -> new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValue(o, json));
    }

    /** Evaluations averaged for the smoothed iteration ratio. */
    static final int SMOOTH = 3;

    /** How the two FD curves compare: finals, the step where each reaches the other's final, the ratio (NaN when not reached). */
    record Ratio(double baseFinal, double eqFinal, long baseLast, long eqLast, long eqReach, long baseReach) {
        Double ratio() {
            return eqReach > 0 ? (double) baseLast / eqReach : null;
        }

        String row(String what) {
            return String.format(Locale.ROOT, "| %s | %.2f (step %d) | %.2f (step %d) | %s | %s | %s |%n", what, baseFinal, baseLast, eqFinal, eqLast,
                    eqReach > 0 ? "step " + eqReach : "not reached", eqReach > 0 ? String.format(Locale.ROOT, "**%.2f**", ratio()) : "-",
                    baseReach > 0 ? "step " + baseReach : "not reached");
        }
    }

    static Ratio ratio(long[] baseSteps, double[] baseFd, long[] eqSteps, double[] eqFd) {
        double baseFinal = baseFd[baseFd.length - 1];
        double eqFinal = eqFd[eqFd.length - 1];
        return new Ratio(baseFinal, eqFinal, baseSteps[baseSteps.length - 1], eqSteps[eqSteps.length - 1],
                firstStepReaching(eqSteps, eqFd, baseFinal), firstStepReaching(baseSteps, baseFd, eqFinal));
    }

    /** Mean of each value and up to {@code k - 1} values before it. */
    static double[] trailingMean(double[] v, int k) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int from = Math.max(0, i - k + 1);
            out[i] = Arrays.stream(v, from, i + 1).average().orElse(Double.NaN);
        }
        return out;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static double tailMean(double[] v, int k) {
        int from = Math.max(0, v.length - k);
        return Arrays.stream(v, from, v.length).average().orElse(Double.NaN);
    }

    private static double[][] movingAverage(double[][] xy, int window) {
        double[] y = new double[xy[1].length];
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += xy[1][i];
            if (i >= window) {
                sum -= xy[1][i - window];
            }
            y[i] = sum / Math.min(i + 1, window);
        }
        return new double[][] {xy[0], y};
    }
}
