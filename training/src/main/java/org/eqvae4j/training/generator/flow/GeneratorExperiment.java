package org.eqvae4j.training.generator.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.generator.FlowMatchingSampler;
import org.eqvae4j.runtime.generator.LatentSampler;
import org.eqvae4j.runtime.generator.Solver;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.metrics.AutoencoderEvaluation;
import org.eqvae4j.runtime.metrics.Bootstrap;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.visual.ImageGrid;
import org.eqvae4j.training.RunFolder;
import org.eqvae4j.training.data.IdxFile;
import org.eqvae4j.training.data.Image8;
import org.eqvae4j.training.eval.ClassifierFeatures;
import org.eqvae4j.training.eval.FrechetDistance;
import org.eqvae4j.training.eval.IterationRatio;
import org.eqvae4j.training.eval.KernelDistance;
import org.eqvae4j.training.eval.PrecisionRecall;
import org.eqvae4j.training.generator.ComputeBudget;
import org.eqvae4j.training.generator.ExperimentDesign;
import org.eqvae4j.training.generator.SeedReport;
import org.eqvae4j.training.generator.SeedStatistics;

/**
 * The paper's generator experiment at small scale: the same DiT, data and steps trained by flow matching on the
 * latents of several autoencoders (arms, e.g. base, a plain fine-tune control and the EQ-VAE fine-tune), each arm
 * with several training seeds; every EMA snapshot of every run scored in the feature space of the project's
 * Fashion-MNIST classifier: Frechet distance (FD-FMNIST-CNN) against the test set and against the arm's own
 * reconstructions, kernel distance (KID's estimator, KD-FMNIST-CNN), precision and recall (k = 3), and the
 * classifier's accuracy on the conditioning class. Writes a Markdown report, every number as CSV
 * ({@link SeedStatistics}), band charts (mean over seeds with a bootstrap interval), sample grids, each arm's
 * reconstruction floor with the 20 % check, and the iteration ratios with bootstrap intervals over seeds.
 *
 * <p>Training resumes (or is skipped when complete) in each run folder {@code <work>/<arm>/seed-<seed>}; scores of
 * snapshots already evaluated with the same evaluation settings are read back from {@code <run>/scores-<settings>.csv}.
 */
public final class GeneratorExperiment {

    /** One autoencoder whose latents a generator learns; the label names the arm in files and tables. */
    public record Arm(String label, Path autoencoder) {
        public Arm {
            ExperimentDesign.requireLabel(label);
        }
    }

    /**
     * @param arms          the autoencoders, the reference arm (base) first
     * @param seeds         training seeds, the same for every arm (a seed pair = the same seed in two arms)
     * @param work          folder of the run folders ({@code <arm>/seed-<seed>}) and latent caches ({@code <arm>/latents.bin})
     * @param template      generator training settings shared by the arms (autoencoder, cache, seed and id are set per run)
     * @param testImages    IDX test images (the reference set)
     * @param testLabels    IDX test labels
     * @param classifier    the feature network (models/fmnist-classifier/classifier.onnx)
     * @param evalSamples   generated images per score on the way
     * @param finalSamples  generated images at the final snapshot (and test images of the reconstruction floor)
     * @param sampleSteps   ODE steps of the scored samples
     * @param solver        euler or heun
     * @param cfgScale      guidance scale of the scored samples
     * @param sampleSeed    noise seed (the same noise for every snapshot and arm)
     * @param threads       ONNX Runtime threads for evaluation
     * @param output        report folder
     */
    public record Config(
            List<Arm> arms,
            List<Long> seeds,
            Path work,
            GeneratorTrainConfig template,
            Path testImages,
            Path testLabels,
            Path classifier,
            int evalSamples,
            int finalSamples,
            int sampleSteps,
            String solver,
            double cfgScale,
            long sampleSeed,
            int threads,
            Path output) {
        public Config {
            ExperimentDesign.require(arms.stream().map(Arm::label).toList(), seeds, evalSamples, finalSamples);
        }

        /** The run folder of one arm and seed. */
        public Path run(Arm arm, long seed) {
            return work.resolve(arm.label()).resolve("seed-" + seed);
        }
    }

    /**
     * A scored snapshot, all in the Fashion-MNIST classifier's feature space.
     *
     * @param samples   generated images scored (evalSamples on the way, finalSamples at the last step)
     * @param fd        FD-FMNIST-CNN of the samples against the 10,000 real test images (the paper's protocol)
     * @param fdOwn     FD-FMNIST-CNN against the arm's own autoencoder reconstructions of test images: how well
     *                  the generator learned its latent distribution, without the decoder's own error
     * @param kd        KD-FMNIST-CNN (KID's estimator) against as many test images as samples, mean over subsets
     * @param kdStd     its standard deviation over subsets
     * @param precision share of samples inside the test images' k-NN manifold (k = 3)
     * @param recall    share of test images inside the samples' manifold
     * @param accuracy  the classifier's accuracy on the samples' conditioning classes
     */
    public record Point(
            long step,
            int samples,
            double fd,
            double fdOwn,
            double kd,
            double kdStd,
            double precision,
            double recall,
            double accuracy) {
        /** The metrics under the names the CSV and charts use. */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(FD, fd);
            m.put(FD_OWN, fdOwn);
            m.put(KD, kd);
            m.put("kd_std", kdStd);
            m.put(PRECISION, precision);
            m.put(RECALL, recall);
            m.put("class_accuracy", accuracy);
            m.put("samples", (double) samples);
            return m;
        }
    }

    public static final String FD = "fd_fmnist_cnn";
    public static final String FD_OWN = "fd_own_reconstructions";
    public static final String KD = "kd_fmnist_cnn";
    public static final String PRECISION = "precision";
    public static final String RECALL = "recall";

    /** Test images whose reconstructions form each arm's own reference (at least; finalSamples when larger). */
    public static final int OWN_REFERENCE_IMAGES = 2000;

    /** Test images each arm's autoencoder is measured on (reconstruction and equivariance, in the generator's domain). */
    public static final int AUTOENCODER_IMAGES = 500;

    /** The largest allowed spread of the arms' reconstruction floors (reported, not enforced). */
    public static final double FLOOR_TOLERANCE = 0.2;

    /** Scores and curves of one run (one arm, one seed). */
    public record RunResult(Arm arm, long seed, List<Point> points, TreeMap<Long, Double> loss) {}

    /**
     * Everything the report shows.
     *
     * @param floors FD-FMNIST-CNN of each arm's reconstructions of the first finalSamples test images
     * @param ratios iteration ratios of every later arm against every earlier one, on FD, FD own and KD
     * @param autoencoders each arm's autoencoder measured on the first {@link #AUTOENCODER_IMAGES} test images at the
     *     experiment's image size ({@link AutoencoderEvaluation.Report#asMap()}: PSNR, equivariance errors)
     */
    public record Result(
            List<RunResult> runs,
            Map<String, Double> floors,
            Map<String, Map<String, Object>> autoencoders,
            SeedStatistics.FloorCheck floorCheck,
            SeedStatistics statistics,
            List<SeedStatistics.PairRatio> ratios) {}

    private final Config cfg;

    public GeneratorExperiment(Config cfg) {
        this.cfg = cfg;
    }

    public Config config() {
        return cfg;
    }

    public GeneratorTrainConfig trainConfig(Arm arm, long seed) {
        return trainConfig(arm, seed, cfg.template().steps());
    }

    private GeneratorTrainConfig trainConfig(Arm arm, long seed, long steps) {
        GeneratorTrainConfig t = cfg.template();
        return new GeneratorTrainConfig(
                arm.autoencoder(),
                t.trainImages(),
                t.trainLabels(),
                cfg.work().resolve(arm.label()).resolve("latents.bin"),
                t.limit(),
                t.hidden(),
                t.depth(),
                t.heads(),
                t.patchSize(),
                steps,
                t.batch(),
                t.learningRate(),
                t.warmupSteps(),
                seed,
                t.classDropout(),
                t.emaDecay(),
                t.checkpointEvery(),
                t.snapshotEvery(),
                t.threads(),
                t.provider(),
                t.sampleSteps(),
                t.cfgScale(),
                arm.label() + "-dit-fmnist",
                t.imageSize());
    }

    /**
     * The compute budget before running: runs x steps x the measured time of one step. The time is the median
     * {@code ms} of the runs already trained in {@code work}, or, when there are none, of a short probe run of
     * {@code probeSteps} steps on the first arm ({@code <work>/budget-probe}, kept so its latents are reused).
     */
    public ComputeBudget budget(int probeSteps, ProgressListener progress) throws IOException, InterruptedException {
        List<Path> metrics = new ArrayList<>();
        for (Arm arm : cfg.arms()) {
            for (long seed : cfg.seeds()) {
                metrics.add(cfg.run(arm, seed).resolve(RunFolder.METRICS));
            }
        }
        List<Double> ms = ComputeBudget.stepMillis(metrics);
        String source = "runs in " + cfg.work();
        if (ms.isEmpty()) {
            Path probe = cfg.work().resolve("budget-probe");
            new FlowMatchingTrainer(trainConfig(cfg.arms().get(0), cfg.seeds().get(0), probeSteps), probe)
                    .train(progress);
            ms = ComputeBudget.stepMillis(List.of(probe.resolve(RunFolder.METRICS)));
            source = "a " + probeSteps + "-step probe run (" + probe + ")";
        }
        int evaluations = cfg.template().snapshotEvery() == 0
                ? 0
                : (int) (cfg.template().steps() / cfg.template().snapshotEvery());
        return new ComputeBudget(
                cfg.arms().size(),
                cfg.seeds().size(),
                cfg.template().steps(),
                ComputeBudget.median(ms),
                source,
                evaluations,
                cfg.evalSamples(),
                cfg.finalSamples());
    }

    public Result run(ProgressListener progress) throws IOException, InterruptedException {
        for (Arm arm : cfg.arms()) {
            for (long seed : cfg.seeds()) {
                new FlowMatchingTrainer(trainConfig(arm, seed), cfg.run(arm, seed)).train(progress);
            }
        }
        List<Image8> test = IdxFile.readImages(cfg.testImages());
        if (test.size() < cfg.finalSamples()) {
            throw new IllegalArgumentException("--final-samples " + cfg.finalSamples() + " exceeds the " + test.size()
                    + " test images of " + cfg.testImages());
        }
        float[] testPixels = FashionMnistImages.toClassifier(test, 0, test.size());
        List<RunResult> runs = new ArrayList<>();
        Map<String, Double> floors = new LinkedHashMap<>();
        Map<String, Map<String, Object>> autoencoders = new LinkedHashMap<>();
        try (ClassifierFeatures clf =
                ClassifierFeatures.open(cfg.classifier(), RuntimeOptions.threads(cfg.threads()))) {
            double[][] testFeatures = clf.features(testPixels, test.size());
            FrechetDistance.Gaussian reference = FrechetDistance.Gaussian.fit(testFeatures, "test images");
            for (Arm arm : cfg.arms()) {
                floors.put(
                        arm.label(),
                        evaluateArm(arm, clf, reference, testFeatures, test, runs, autoencoders, progress));
            }
        }
        List<SeedStatistics.Run> statRuns = new ArrayList<>();
        for (RunResult r : runs) {
            statRuns.add(new SeedStatistics.Run(
                    r.arm().label(),
                    r.seed(),
                    r.points().stream()
                            .map(p -> new SeedStatistics.Evaluation(p.step(), p.metrics()))
                            .toList()));
        }
        SeedStatistics stats = new SeedStatistics(statRuns, Bootstrap.DEFAULT_RESAMPLES, 0.95, cfg.sampleSeed());
        List<SeedStatistics.PairRatio> ratios = new ArrayList<>();
        for (String metric : List.of(FD, FD_OWN, KD)) {
            for (int b = 1; b < cfg.arms().size(); b++) {
                for (int a = 0; a < b; a++) {
                    for (IterationRatio.Curve curve : IterationRatio.Curve.values()) {
                        ratios.add(stats.ratio(
                                cfg.arms().get(a).label(), cfg.arms().get(b).label(), metric, curve));
                    }
                }
            }
        }
        Result result =
                new Result(runs, floors, autoencoders, SeedStatistics.floors(floors, FLOOR_TOLERANCE), stats, ratios);
        writeReport(result);
        return result;
    }

    private String settingsKey() {
        return String.format(
                Locale.ROOT,
                "v3-n%d-f%d-%s%d-cfg%s-seed%d",
                cfg.evalSamples(),
                cfg.finalSamples(),
                cfg.solver(),
                cfg.sampleSteps(),
                String.valueOf(cfg.cfgScale()),
                cfg.sampleSeed());
    }

    /**
     * Measures the arm's autoencoder in the generator's domain (into {@code autoencoders}) and scores every seed's
     * snapshots of the arm (into {@code runs}); returns the arm's floor.
     */
    private double evaluateArm(
            Arm arm,
            ClassifierFeatures clf,
            FrechetDistance.Gaussian reference,
            double[][] testFeatures,
            List<Image8> test,
            List<RunResult> runs,
            Map<String, Map<String, Object>> autoencoders,
            ProgressListener progress)
            throws IOException {
        RuntimeOptions opts = RuntimeOptions.threads(cfg.threads());
        Path firstRun = cfg.run(arm, cfg.seeds().get(0));
        ModelBundle bundle = ModelBundle.open(firstRun.resolve(FlowMatchingTrainer.BUNDLE));
        try (Autoencoder ae = Autoencoder.open(bundle, opts)) {
            int own = Math.min(Math.max(OWN_REFERENCE_IMAGES, cfg.finalSamples()), test.size());
            int side = cfg.template().imageSize();
            int channels = bundle.manifest().imageChannels();
            int measured = Math.min(AUTOENCODER_IMAGES, test.size());
            progress.progress(0, 0, arm.label() + ": equivariance and reconstruction on " + measured + " test images");
            List<FloatTensor> images = new ArrayList<>();
            for (int i = 0; i < measured; i++) {
                images.add(FashionMnistImages.toModel(test, i, 1, channels, side));
            }
            autoencoders.put(
                    arm.label(),
                    AutoencoderEvaluation.evaluate(ae, images, ProgressListener.NONE)
                            .asMap());
            progress.progress(0, 0, arm.label() + ": reconstructing " + own + " test images");
            float[] reconPx = FashionMnistImages.toClassifier(decodeAll(ae, encodeAll(ae, test, own, channels, side)));
            double[][] reconFeatures = clf.features(reconPx, own);
            double floor = FrechetDistance.between(
                    FrechetDistance.Gaussian.fit(
                            java.util.Arrays.copyOf(reconFeatures, cfg.finalSamples()), "reconstructions"),
                    reference);
            FrechetDistance.Gaussian ownReference =
                    FrechetDistance.Gaussian.fit(reconFeatures, "reconstructions of test images");
            for (long seed : cfg.seeds()) {
                runs.add(evaluateRun(arm, seed, ae, clf, reference, ownReference, testFeatures, progress));
            }
            return floor;
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("autoencoder of arm " + arm.label() + " failed: " + e.getMessage(), e);
        }
    }

    private RunResult evaluateRun(
            Arm arm,
            long seed,
            Autoencoder ae,
            ClassifierFeatures clf,
            FrechetDistance.Gaussian reference,
            FrechetDistance.Gaussian ownReference,
            double[][] testFeatures,
            ProgressListener progress)
            throws IOException {
        Path run = cfg.run(arm, seed);
        RuntimeOptions opts = RuntimeOptions.threads(cfg.threads());
        ModelBundle bundle = ModelBundle.open(run.resolve(FlowMatchingTrainer.BUNDLE));
        Path scores = run.resolve("scores-" + settingsKey() + ".csv");
        TreeMap<Long, Point> done = readPoints(scores);
        List<Path> snapshots;
        try (Stream<Path> s = Files.list(run.resolve(FlowMatchingTrainer.SNAPSHOTS))) {
            snapshots = s.filter(p -> p.getFileName().toString().matches("step-\\d+\\.onnx"))
                    .sorted()
                    .toList();
        }
        String name = arm.label() + " seed " + seed;
        Path grid = cfg.output().resolve("samples-" + arm.label() + ".png");
        int k = 0;
        for (Path snap : snapshots) {
            k++;
            long step = Long.parseLong(snap.getFileName().toString().replaceAll("\\D", ""));
            // the final score (finalSamples) is the last snapshot's, whether or not steps is a multiple of
            // snapshotEvery
            boolean last = snap.equals(snapshots.get(snapshots.size() - 1));
            boolean needGrid = last && seed == cfg.seeds().get(0) && !Files.isRegularFile(grid);
            if (done.containsKey(step) && !needGrid) {
                continue;
            }
            int n = last ? cfg.finalSamples() : cfg.evalSamples();
            progress.progress(k, snapshots.size(), name + ": scoring step " + step + " (" + n + " samples)");
            FloatTensor images;
            int[] labels;
            try (FlowMatchingSampler sampler = FlowMatchingSampler.open(bundle, snap, opts)) {
                labels = LatentSampler.labels(n, -1, sampler.numClasses());
                images = decodeAll(ae, sampler.sample(labels, settings(cfg), cfg.sampleSeed()));
            } catch (ai.onnxruntime.OrtException e) {
                throw new IOException("sampling " + snap + " failed: " + e.getMessage(), e);
            }
            if (needGrid) {
                writeGrid(images, labels, sampler10(labels), grid);
            }
            if (done.containsKey(step)) {
                continue;
            }
            float[] px = FashionMnistImages.toClassifier(images);
            double[][] features = clf.features(px, n);
            done.put(step, score(step, features, clf.predict(px, n), labels, reference, ownReference, testFeatures));
            writePoints(scores, done);
        }
        return new RunResult(arm, seed, new ArrayList<>(done.values()), readLoss(run.resolve(RunFolder.METRICS)));
    }

    /** All measures of one snapshot's samples; KD and precision/recall against the first n test images. */
    static Point score(
            long step,
            double[][] features,
            int[] predicted,
            int[] labels,
            FrechetDistance.Gaussian reference,
            FrechetDistance.Gaussian ownReference,
            double[][] testFeatures) {
        int n = features.length;
        FrechetDistance.Gaussian g = FrechetDistance.Gaussian.fit(features, "samples of step " + step);
        double[][] real = java.util.Arrays.copyOf(testFeatures, n);
        KernelDistance.Estimate kd = KernelDistance.between(
                real, features, KernelDistance.DEFAULT_SUBSETS, KernelDistance.DEFAULT_SUBSET_SIZE, step);
        PrecisionRecall.Result pr = PrecisionRecall.between(real, features, PrecisionRecall.DEFAULT_K);
        int right = 0;
        for (int i = 0; i < n; i++) {
            right += predicted[i] == labels[i] ? 1 : 0;
        }
        return new Point(
                step,
                n,
                FrechetDistance.between(g, reference),
                FrechetDistance.between(g, ownReference),
                kd.mean(),
                kd.std(),
                pr.precision(),
                pr.recall(),
                (double) right / n);
    }

    /** How the scored samples are drawn: the experiment's steps, guidance and solver (not the bundle's defaults). */
    private static FlowMatchingSampler.Settings settings(Config cfg) {
        return new FlowMatchingSampler.Settings(cfg.sampleSteps(), cfg.cfgScale(), Solver.parse(cfg.solver()));
    }

    private static int sampler10(int[] labels) {
        int max = 0;
        for (int c : labels) {
            max = Math.max(max, c);
        }
        return max + 1;
    }

    private static FloatTensor encodeAll(Autoencoder ae, List<Image8> images, int n, int channels, int side)
            throws ai.onnxruntime.OrtException {
        List<FloatTensor> parts = new ArrayList<>();
        for (int from = 0; from < n; from += 100) {
            parts.add(ae.encode(FashionMnistImages.toModel(images, from, Math.min(100, n - from), channels, side)));
        }
        return FloatTensor.stack(parts);
    }

    private static FloatTensor decodeAll(Autoencoder ae, FloatTensor z) throws ai.onnxruntime.OrtException {
        List<FloatTensor> parts = new ArrayList<>();
        for (int from = 0; from < z.batch(); from += 100) {
            int k = Math.min(100, z.batch() - from);
            int per = z.channels() * z.height() * z.width();
            float[] d = java.util.Arrays.copyOfRange(z.data(), from * per, (from + k) * per);
            parts.add(ae.decode(new FloatTensor(k, z.channels(), z.height(), z.width(), d)));
        }
        return FloatTensor.stack(parts);
    }

    /** Rows = classes, 8 samples each, as 28x28 grey crops scaled up. */
    private static void writeGrid(FloatTensor images, int[] classes, int numClasses, Path png) throws IOException {
        float[] grey = FashionMnistImages.toClassifier(images);
        List<List<FloatTensor>> rows = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            List<FloatTensor> row = new ArrayList<>();
            for (int i = 0; i < classes.length && row.size() < 8; i++) {
                if (classes[i] == c) {
                    float[] px = java.util.Arrays.copyOfRange(grey, i * 28 * 28, (i + 1) * 28 * 28);
                    row.add(new FloatTensor(1, 1, 28, 28, px));
                }
            }
            rows.add(row);
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageFiles.writePng(ImageGrid.of(rows, 56, 2), png);
    }

    private static final String SCORES_HEADER =
            "step,samples,fd_fmnist_cnn,fd_own_reconstructions,kd_fmnist_cnn,kd_std,precision,recall,class_accuracy";

    static TreeMap<Long, Point> readPoints(Path csv) throws IOException {
        TreeMap<Long, Point> m = new TreeMap<>();
        if (Files.isRegularFile(csv)) {
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(SCORES_HEADER)) {
                throw new IOException(csv + " is not a scores file of this version (header "
                        + (lines.isEmpty() ? "missing" : lines.get(0)) + "); delete it to score again");
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                double[] v = new double[f.length];
                for (int i = 2; i < f.length; i++) {
                    v[i] = Double.parseDouble(f[i]);
                }
                long step = Long.parseLong(f[0]);
                m.put(step, new Point(step, Integer.parseInt(f[1]), v[2], v[3], v[4], v[5], v[6], v[7], v[8]));
            }
        }
        return m;
    }

    /**
     * Every value at full precision (Java's shortest round-trip form), so scores read back on a resumed run are the
     * very numbers a run in one go computed, and the report comes out the same either way.
     */
    static void writePoints(Path csv, Map<Long, Point> points) throws IOException {
        StringBuilder sb = new StringBuilder(SCORES_HEADER).append('\n');
        for (Point p : points.values()) {
            sb.append(p.step()).append(',').append(p.samples());
            for (double v :
                    new double[] {p.fd(), p.fdOwn(), p.kd(), p.kdStd(), p.precision(), p.recall(), p.accuracy()}) {
                sb.append(',').append(v);
            }
            sb.append('\n');
        }
        AtomicFiles.write(csv, out -> out.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** step -> loss from metrics.csv. */
    static TreeMap<Long, Double> readLoss(Path metrics) throws IOException {
        TreeMap<Long, Double> m = new TreeMap<>();
        for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8).stream()
                .skip(1)
                .toList()) {
            String[] f = line.split(",");
            m.put(Long.parseLong(f[0]), Double.parseDouble(f[1]));
        }
        return m;
    }

    /** Mean loss over the {@code window} steps ending at {@code step}. */
    static double meanLoss(TreeMap<Long, Double> loss, long step, int window) {
        return loss.subMap(step - window, false, step, true).values().stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElse(Double.NaN);
    }

    private void writeReport(Result result) throws IOException {
        Path out = cfg.output();
        Files.createDirectories(out);
        GeneratorCharts.loss(result.runs(), out.resolve("loss.png"), 100);
        SeedReport.writeFiles(
                out, result.statistics(), result.ratios(), result.floorCheck(), cfg.finalSamples(), CHARTS);
        StringBuilder csv = new StringBuilder("arm,measure,value\n");
        result.autoencoders()
                .forEach((arm, measures) -> measures.forEach((k, v) -> csv.append(arm)
                        .append(',')
                        .append(k)
                        .append(',')
                        .append(v)
                        .append('\n')));
        AtomicFiles.write(
                out.resolve("autoencoders.csv"), o -> o.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.write(
                out.resolve("README.md"),
                o -> o.write(GeneratorReport.markdown(cfg, result).getBytes(StandardCharsets.UTF_8)));
    }

    /** The band charts. */
    static final List<SeedReport.Chart> CHARTS = List.of(
            new SeedReport.Chart(
                    FD, "fd.png", "FD-FMNIST-CNN against the test images (lower is better)", "FD-FMNIST-CNN"),
            new SeedReport.Chart(
                    FD_OWN,
                    "fd-own.png",
                    "FD-FMNIST-CNN against each arm's own reconstructions (lower is better)",
                    "FD-FMNIST-CNN"),
            new SeedReport.Chart(
                    KD,
                    "kd.png",
                    "KD-FMNIST-CNN (KID's estimator in the classifier's features; lower is better)",
                    "KD-FMNIST-CNN"),
            new SeedReport.Chart(
                    PRECISION,
                    "precision.png",
                    "Precision in the FMNIST-classifier feature space (k = 3)",
                    "precision"),
            new SeedReport.Chart(
                    RECALL, "recall.png", "Recall in the FMNIST-classifier feature space (k = 3)", "recall"));
}
