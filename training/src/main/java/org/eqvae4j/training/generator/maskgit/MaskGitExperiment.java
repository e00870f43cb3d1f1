package org.eqvae4j.training.generator.maskgit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.generator.MaskGitSampler;
import org.eqvae4j.runtime.generator.MaskSchedule;
import org.eqvae4j.runtime.metrics.AutoencoderEvaluation;
import org.eqvae4j.runtime.metrics.CodebookUsage;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.tensor.TokenGrid;
import org.eqvae4j.training.data.IdxFile;
import org.eqvae4j.training.data.Image8;
import org.eqvae4j.training.eval.ClassifierFeatures;
import org.eqvae4j.training.eval.FrechetDistance;
import org.eqvae4j.training.eval.KernelDistance;
import org.eqvae4j.training.eval.PrecisionRecall;
import org.eqvae4j.training.generator.ComputeBudget;
import org.eqvae4j.training.generator.ExperimentDesign;
import org.eqvae4j.training.generator.SeedStatistics;

/**
 * The discrete half of the generator experiment: the same MaskGIT (config, steps, data) trained on the tokens of
 * several VQ autoencoders (arms: e.g. base, a fine-tune with p_eq = 0, the EQ-VAE fine-tune), once per seed. Every
 * {@code evalEvery} steps each generator draws {@code evalSamples} images ({@code finalSamples} after the last step;
 * classes 0..9 in turn, fixed seeds), the VQ decoder decodes them, and they are scored in the feature space of the
 * project's Fashion-MNIST classifier: Frechet distance to the test set ("FD-FMNIST-CNN"), kernel distance (KID's
 * estimator, "KD-FMNIST-CNN") and precision/recall (k = 3) against as many test images; never FID. Writes
 * {@code report/README.md} (VQ metrics with codebook use, floors, final scores and iteration ratios with bootstrap
 * intervals over seeds), runs/bands/ratios/floors CSV, band charts, {@code loss.png}, {@code samples-<arm>.png}
 * and {@code results.json}; runs (resumable) live under {@code runs/<arm>/seed-<seed>}.
 */
public final class MaskGitExperiment {
    public static final int SIDE = 28;
    public static final int PADDED = 32;
    static final int CLASSES = 10;
    private static final long SAMPLE_SEED = 20250101L;

    /** One VQ autoencoder whose tokens a generator learns; the label names the arm in files and tables. */
    public record VqArm(String label, Path bundle) {
        public VqArm {
            ExperimentDesign.requireLabel(label);
        }
    }

    /**
     * @param arms          the VQ autoencoders, the reference arm (base) first
     * @param seeds         training seeds, the same for every arm
     * @param data          folder with Fashion-MNIST's four IDX files
     * @param classifier    classifier ONNX (inputs [N,1,28,28] in [0,1], outputs logits and features)
     * @param trainImages   training images encoded for the generators (the first ones of the training set)
     * @param evalSamples   samples per evaluation on the way
     * @param finalSamples  samples at the evaluation after the last step
     * @param vqEvalImages  test images for the VQ models' reconstruction and equivariance metrics
     * @param decodeSteps   MaskGIT decoding steps for the evaluation samples
     * @param command       the command line that regenerates the report, quoted in it
     * @param runtime       where inference runs (VQ models, samplers, classifier) and the provider of the training sessions
     */
    public record Config(
            List<VqArm> arms,
            List<Long> seeds,
            Path data,
            Path classifier,
            Path runs,
            Path report,
            int trainImages,
            long steps,
            int batch,
            float learningRate,
            int warmupSteps,
            int evalEvery,
            int evalSamples,
            int finalSamples,
            int decodeSteps,
            int dim,
            int depth,
            int heads,
            int threads,
            int vqEvalImages,
            String command,
            RuntimeOptions runtime) {
        public Config {
            ExperimentDesign.require(arms.stream().map(VqArm::label).toList(), seeds, evalSamples, finalSamples);
        }
    }

    /** The evaluation columns of each run's eval CSV, in the order the evaluator returns them. */
    static final List<String> SCORES =
            List.of("fd_fmnist_cnn", "kd_fmnist_cnn", "kd_std", "precision", "recall", "samples");

    static final String FD = "fd_fmnist_cnn";
    static final String KD = "kd_fmnist_cnn";

    /**
     * One arm's numbers: the VQ model's, and those of its first seed's run (curves, samples), with every seed's
     * evaluations in {@code seedRuns}.
     */
    public record Arm(
            String name,
            String vqId,
            Map<String, Object> vqMetrics,
            double reconstructionFd,
            long[] evalSteps,
            double[] fd,
            double[][] loss,
            Path bundle,
            List<SeedStatistics.Run> seedRuns) {}

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
            if (test.size() < cfg.finalSamples()) {
                throw new IllegalArgumentException(
                        "--final-samples " + cfg.finalSamples() + " exceeds the " + test.size() + " test images");
            }
            double[][] testFeatures = cls.features(pixels(test), test.size());
            FrechetDistance.Gaussian real = FrechetDistance.Gaussian.fit(testFeatures, "test images");
            for (VqArm arm : cfg.arms()) {
                arms.add(runArm(
                        arm.label(),
                        ModelBundle.open(arm.bundle()),
                        train,
                        trainLabels,
                        test,
                        cls,
                        real,
                        testFeatures,
                        rt,
                        progress));
            }
        }
        writeReport(arms);
        return arms;
    }

    private Arm runArm(
            String arm,
            ModelBundle vq,
            List<Image8> train,
            int[] labels,
            List<Image8> test,
            ClassifierFeatures cls,
            FrechetDistance.Gaussian real,
            double[][] testFeatures,
            RuntimeOptions rt,
            ProgressListener progress)
            throws Exception {
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
            CodebookUsage u =
                    CodebookUsage.of(testTokens.tokens(), vq.manifest().codebookSize());
            vqMetrics.put("codebook_perplexity", Math.round(u.perplexity() * 100) / 100.0);
            vqMetrics.put("codebook_used", Math.round(u.fractionUsed() * 10000) / 10000.0);
            // the best a generator of these tokens can do: decoded test tokens against the test set
            FloatTensor recon = ae.decodeIndices(testTokens);
            reconFd = FrechetDistance.between(
                    real, FrechetDistance.Gaussian.fit(cls.features(crop(recon), recon.batch()), "reconstructions"));
            ensureTokens(tokens, ae, vq, arm, train, labels, progress);
        }
        List<SeedStatistics.Run> seedRuns = new ArrayList<>();
        Arm first = null;
        for (long seed : cfg.seeds()) {
            Path run = runDir(arm, seed);
            MaskGitTrainConfig mc = trainConfig(vq, tokens, seed, cfg.steps(), cfg.evalEvery());
            new MaskGitTrainer(mc, run, scoreEvaluator(cls, real, testFeatures, rt))
                    .train((done, total, msg) -> progress.progress(done, total, arm + " seed " + seed + ": " + msg));
            SeedStatistics.Run scores = readScores(arm, seed, run.resolve(MaskGitTrainer.EVAL_CSV));
            seedRuns.add(scores);
            if (first == null) {
                first = firstSeed(arm, vq, vqMetrics, reconFd, run, scores, seedRuns);
            }
        }
        return first;
    }

    /** Encodes the training tokens into {@code tokens} unless it already holds those of this bundle and count. */
    private static void ensureTokens(
            Path tokens,
            Autoencoder ae,
            ModelBundle vq,
            String arm,
            List<Image8> train,
            int[] labels,
            ProgressListener progress)
            throws Exception {
        if (Files.isRegularFile(tokens)) {
            TokenCache.Header h = TokenCache.read(tokens).header();
            if (h.bundleId().equals(vq.manifest().id()) && h.count() == train.size()) {
                return;
            }
        }
        progress.progress(0, 0, arm + ": encoding " + train.size() + " training images");
        TokenCache.encode(ae, train, labels, CLASSES, PADDED, 256, "Fashion-MNIST train, first " + train.size())
                .write(tokens);
    }

    /**
     * The compute budget before running: the median step time of the runs already trained under {@code runs}, or,
     * when there are none, of a {@code probeSteps}-step probe run on the first arm ({@code <runs>/budget-probe}; the
     * arm's token cache it makes is the one its runs use).
     */
    public ComputeBudget budget(int probeSteps, ProgressListener progress) throws Exception {
        List<Path> metrics = new ArrayList<>();
        for (VqArm arm : cfg.arms()) {
            for (long seed : cfg.seeds()) {
                metrics.add(runDir(arm.label(), seed).resolve("metrics.csv"));
            }
        }
        List<Double> ms = ComputeBudget.stepMillis(metrics);
        String source = "runs in " + cfg.runs();
        if (ms.isEmpty()) {
            VqArm arm = cfg.arms().get(0);
            ModelBundle vq = ModelBundle.open(arm.bundle());
            List<Image8> train = IdxFile.readImages(cfg.data().resolve("train-images-idx3-ubyte.gz"));
            int n = Math.min(cfg.trainImages(), train.size());
            int[] labels = Arrays.copyOf(IdxFile.readLabels(cfg.data().resolve("train-labels-idx1-ubyte.gz")), n);
            Path tokens = cfg.runs().resolve(arm.label()).resolve("train.tokens");
            Files.createDirectories(tokens.getParent());
            try (Autoencoder ae = Autoencoder.open(vq, cfg.runtime())) {
                ensureTokens(tokens, ae, vq, arm.label(), train.subList(0, n), labels, progress);
            }
            Path probe = cfg.runs().resolve("budget-probe");
            new MaskGitTrainer(trainConfig(vq, tokens, cfg.seeds().get(0), probeSteps, 0), probe, null).train(progress);
            ms = ComputeBudget.stepMillis(List.of(probe.resolve("metrics.csv")));
            source = "a " + probeSteps + "-step probe run (" + probe + ")";
        }
        return new ComputeBudget(
                cfg.arms().size(),
                cfg.seeds().size(),
                cfg.steps(),
                ComputeBudget.median(ms),
                source,
                cfg.evalEvery() > 0 ? (int) (cfg.steps() / cfg.evalEvery()) : 1,
                cfg.evalSamples(),
                cfg.finalSamples());
    }

    private Path runDir(String arm, long seed) {
        return cfg.runs().resolve(arm).resolve("seed-" + seed).resolve("maskgit");
    }

    private MaskGitTrainConfig trainConfig(ModelBundle vq, Path tokens, long seed, long steps, int evalEvery) {
        return new MaskGitTrainConfig(
                vq.root(),
                tokens,
                steps,
                cfg.batch(),
                cfg.learningRate(),
                cfg.warmupSteps(),
                seed,
                0.1,
                MaskSchedule.ARCCOS,
                cfg.dim(),
                cfg.depth(),
                cfg.heads(),
                Math.max(1, evalEvery),
                evalEvery,
                cfg.threads(),
                "maskgit-" + vq.manifest().id(),
                cfg.runtime().provider());
    }

    /** The first seed's curves and bundle; {@code seedRuns} is filled by the caller as the seeds go on. */
    private static Arm firstSeed(
            String arm,
            ModelBundle vq,
            Map<String, Object> vqMetrics,
            double reconFd,
            Path run,
            SeedStatistics.Run scores,
            List<SeedStatistics.Run> seedRuns)
            throws java.io.IOException {
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        double[][] loss = new double[2][metrics.size() - 1];
        for (int i = 1; i < metrics.size(); i++) {
            String[] f = metrics.get(i).split(",");
            loss[0][i - 1] = Double.parseDouble(f[0]);
            loss[1][i - 1] = Double.parseDouble(f[1]);
        }
        return new Arm(
                arm,
                vq.manifest().id(),
                vqMetrics,
                reconFd,
                scores.evaluations().stream()
                        .mapToLong(SeedStatistics.Evaluation::step)
                        .toArray(),
                scores.evaluations().stream()
                        .mapToDouble(e -> e.metrics().get(FD))
                        .toArray(),
                loss,
                run.resolve(MaskGitTrainer.BUNDLE),
                seedRuns);
    }

    /** A run's eval CSV (step, then {@link #SCORES}) as a {@link SeedStatistics.Run}. */
    static SeedStatistics.Run readScores(String arm, long seed, Path csv) throws java.io.IOException {
        List<String> lines = Files.readAllLines(csv);
        String expected = "step," + String.join(",", SCORES);
        if (lines.isEmpty() || !lines.get(0).equals(expected)) {
            throw new java.io.IOException(csv + " has the header " + (lines.isEmpty() ? "(none)" : lines.get(0))
                    + ", expected " + expected + " (a run of an older version: move it away to score it again)");
        }
        List<SeedStatistics.Evaluation> ev = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < SCORES.size(); i++) {
                m.put(SCORES.get(i), Double.parseDouble(f[i + 1]));
            }
            ev.add(new SeedStatistics.Evaluation(Long.parseLong(f[0]), m));
        }
        return new SeedStatistics.Run(arm, seed, ev);
    }

    private MaskGitTrainer.Evaluator scoreEvaluator(
            ClassifierFeatures cls, FrechetDistance.Gaussian real, double[][] testFeatures, RuntimeOptions rt) {
        return new MaskGitTrainer.Evaluator() {
            @Override
            public List<String> columns() {
                return SCORES;
            }

            @Override
            public double[] evaluate(ModelBundle generator, long step) throws Exception {
                int n = step >= cfg.steps() ? cfg.finalSamples() : cfg.evalSamples();
                FloatTensor images = samples(generator, n, rt);
                double[][] features = cls.features(crop(images), images.batch());
                double[][] reference = Arrays.copyOf(testFeatures, n);
                KernelDistance.Estimate kd = KernelDistance.between(
                        reference, features, KernelDistance.DEFAULT_SUBSETS, KernelDistance.DEFAULT_SUBSET_SIZE, step);
                PrecisionRecall.Result pr = PrecisionRecall.between(reference, features, PrecisionRecall.DEFAULT_K);
                return new double[] {
                    FrechetDistance.between(real, FrechetDistance.Gaussian.fit(features, "generated images")),
                    kd.mean(),
                    kd.std(),
                    pr.precision(),
                    pr.recall(),
                    n
                };
            }
        };
    }

    /** {@code count} decoded samples, class i mod 10 for sample i, fixed seed. */
    FloatTensor samples(ModelBundle generator, int count, RuntimeOptions rt) throws Exception {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % CLASSES;
        }
        try (MaskGitSampler s = MaskGitSampler.open(generator, rt);
                Autoencoder ae = Autoencoder.open(generator, rt)) {
            List<FloatTensor> out = new ArrayList<>();
            for (int from = 0; from < count; from += 250) {
                int[] part = Arrays.copyOfRange(labels, from, Math.min(count, from + 250));
                out.add(ae.decodeIndices(
                        s.sample(part, s.defaults().withSteps(cfg.decodeSteps()), SAMPLE_SEED + from)));
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

    /** Draws each arm's report samples (80: 8 per class) with its final generator and hands the numbers to {@link MaskGitReport}. */
    private void writeReport(List<Arm> arms) throws Exception {
        Map<String, FloatTensor> samples = new LinkedHashMap<>();
        for (Arm a : arms) {
            samples.put(a.name(), samples(ModelBundle.open(a.bundle()), 80, cfg.runtime()));
        }
        MaskGitReport.write(cfg, arms, samples);
    }
}
