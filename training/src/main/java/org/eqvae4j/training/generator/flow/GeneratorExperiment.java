package org.eqvae4j.training.generator.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * The paper's generator experiment at small scale: the same DiT, data, steps and seed trained by flow
 * matching on the latents of several autoencoders (baseline vs EQ-VAE), each EMA snapshot scored by
 * FD-FMNIST-CNN (Frechet distance in the features of the project's Fashion-MNIST classifier, against the
 * test set) and by the classifier's accuracy on the conditioning class; writes a Markdown report, a CSV,
 * loss and FD charts and sample grids, and the iteration ratio at which the second arm reaches the first
 * arm's final score.
 *
 * <p>Training resumes (or is skipped when complete) in each arm's run folder; scores of snapshots already
 * evaluated with the same evaluation settings are read back from {@code <run>/fd-<settings>.csv}.
 */
public final class GeneratorExperiment {

    /** One autoencoder whose latents a generator learns. */
    public record Arm(String label, Path autoencoder, Path run) {}

    /**
     * @param arms        the baseline first, then the arm(s) compared with it
     * @param template    generator training settings shared by the arms (autoencoder, cache and id are set per arm)
     * @param testImages  IDX test images (the FD reference)
     * @param testLabels  IDX test labels
     * @param classifier  the FD-FMNIST-CNN feature network (models/fmnist-classifier/classifier.onnx)
     * @param samples     generated images per score
     * @param sampleSteps ODE steps of the scored samples
     * @param solver      euler or heun
     * @param cfgScale    guidance scale of the scored samples
     * @param sampleSeed  noise seed (the same noise for every snapshot and arm)
     * @param threads     ONNX Runtime threads for evaluation
     * @param output      report folder
     */
    public record Config(
            List<Arm> arms,
            GeneratorTrainConfig template,
            Path testImages,
            Path testLabels,
            Path classifier,
            int samples,
            int sampleSteps,
            String solver,
            double cfgScale,
            long sampleSeed,
            int threads,
            Path output) {}

    /**
     * A scored snapshot.
     *
     * @param fd       FD-FMNIST-CNN of the samples against the real test images (the paper's protocol)
     * @param fdOwn    FD-FMNIST-CNN against the arm's own autoencoder reconstructions of test images: how well
     *                 the generator learned its latent distribution, without the decoder's own error
     * @param accuracy the classifier's accuracy on the samples' conditioning classes
     */
    public record Point(long step, double fd, double fdOwn, double accuracy) {}

    /** Test images whose reconstructions form each arm's own reference. */
    public static final int OWN_REFERENCE_IMAGES = 2000;

    /** Scores and curves of one arm. */
    public record ArmResult(Arm arm, List<Point> points, double reconstructionFd, TreeMap<Long, Double> loss) {}

    private final Config cfg;

    public GeneratorExperiment(Config cfg) {
        this.cfg = cfg;
    }

    public GeneratorTrainConfig trainConfig(Arm arm) {
        GeneratorTrainConfig t = cfg.template();
        return new GeneratorTrainConfig(
                arm.autoencoder(),
                t.trainImages(),
                t.trainLabels(),
                arm.run().resolve("latents.bin"),
                t.limit(),
                t.hidden(),
                t.depth(),
                t.heads(),
                t.patchSize(),
                t.steps(),
                t.batch(),
                t.learningRate(),
                t.warmupSteps(),
                t.seed(),
                t.classDropout(),
                t.emaDecay(),
                t.checkpointEvery(),
                t.snapshotEvery(),
                t.threads(),
                t.provider(),
                t.sampleSteps(),
                t.cfgScale(),
                arm.label() + "-dit-fmnist");
    }

    public List<ArmResult> run(ProgressListener progress) throws IOException, InterruptedException {
        for (Arm arm : cfg.arms()) {
            new FlowMatchingTrainer(trainConfig(arm), arm.run()).train(progress);
        }
        List<Image8> test = IdxFile.readImages(cfg.testImages());
        float[] testPixels = FashionMnistImages.toClassifier(test, 0, test.size());
        List<ArmResult> results = new ArrayList<>();
        try (ClassifierFeatures clf =
                ClassifierFeatures.open(cfg.classifier(), RuntimeOptions.threads(cfg.threads()))) {
            FrechetDistance.Gaussian reference =
                    FrechetDistance.Gaussian.fit(clf.features(testPixels, test.size()), "test images");
            for (Arm arm : cfg.arms()) {
                results.add(evaluate(arm, clf, reference, test, progress));
            }
        }
        writeReport(results);
        return results;
    }

    private String settingsKey() {
        return String.format(
                Locale.ROOT,
                "v2-n%d-%s%d-cfg%s-seed%d",
                cfg.samples(),
                cfg.solver(),
                cfg.sampleSteps(),
                String.valueOf(cfg.cfgScale()),
                cfg.sampleSeed());
    }

    private ArmResult evaluate(
            Arm arm,
            ClassifierFeatures clf,
            FrechetDistance.Gaussian reference,
            List<Image8> test,
            ProgressListener progress)
            throws IOException {
        ModelBundle bundle = ModelBundle.open(arm.run().resolve(FlowMatchingTrainer.BUNDLE));
        Path scores = arm.run().resolve("fd-" + settingsKey() + ".csv");
        TreeMap<Long, Point> done = readPoints(scores);
        List<Path> snapshots;
        try (Stream<Path> s = Files.list(arm.run().resolve(FlowMatchingTrainer.SNAPSHOTS))) {
            snapshots = s.filter(p -> p.getFileName().toString().matches("step-\\d+\\.onnx"))
                    .sorted()
                    .toList();
        }
        RuntimeOptions opts = RuntimeOptions.threads(cfg.threads());
        double reconFd;
        try (Autoencoder ae = Autoencoder.open(bundle, opts)) {
            int n = Math.min(cfg.samples(), test.size());
            int own = Math.min(Math.max(OWN_REFERENCE_IMAGES, n), test.size());
            progress.progress(0, snapshots.size(), arm.label() + ": reconstructing " + own + " test images");
            float[] reconPx = FashionMnistImages.toClassifier(
                    decodeAll(ae, encodeAll(ae, test, own, bundle.manifest().imageChannels())));
            double[][] reconFeatures = clf.features(reconPx, own);
            reconFd = FrechetDistance.between(
                    FrechetDistance.Gaussian.fit(java.util.Arrays.copyOf(reconFeatures, n), "reconstructions"),
                    reference);
            FrechetDistance.Gaussian ownReference =
                    FrechetDistance.Gaussian.fit(reconFeatures, "reconstructions of test images");
            int k = 0;
            for (Path snap : snapshots) {
                k++;
                long step = Long.parseLong(snap.getFileName().toString().replaceAll("\\D", ""));
                if (done.containsKey(step)) {
                    continue;
                }
                progress.progress(k, snapshots.size(), arm.label() + ": scoring step " + step);
                FloatTensor images;
                int[] labels;
                try (FlowMatchingSampler sampler = FlowMatchingSampler.open(bundle, snap, opts)) {
                    labels = LatentSampler.labels(cfg.samples(), -1, sampler.numClasses());
                    images = decodeAll(ae, sampler.sample(labels, settings(cfg), cfg.sampleSeed()));
                } catch (ai.onnxruntime.OrtException e) {
                    throw new IOException("sampling " + snap + " failed: " + e.getMessage(), e);
                }
                float[] px = FashionMnistImages.toClassifier(images);
                FrechetDistance.Gaussian g =
                        FrechetDistance.Gaussian.fit(clf.features(px, cfg.samples()), "samples of " + snap);
                double fd = FrechetDistance.between(g, reference);
                double fdOwn = FrechetDistance.between(g, ownReference);
                int[] pred = clf.predict(px, cfg.samples());
                int right = 0;
                for (int i = 0; i < pred.length; i++) {
                    right += pred[i] == labels[i] ? 1 : 0;
                }
                done.put(step, new Point(step, fd, fdOwn, (double) right / pred.length));
                writePoints(scores, done);
                if (snap.equals(snapshots.get(snapshots.size() - 1))) {
                    writeGrid(
                            images, labels, sampler10(labels), cfg.output().resolve("samples-" + arm.label() + ".png"));
                }
            }
            if (!Files.isRegularFile(cfg.output().resolve("samples-" + arm.label() + ".png")) && !snapshots.isEmpty()) {
                try (FlowMatchingSampler sampler =
                        FlowMatchingSampler.open(bundle, snapshots.get(snapshots.size() - 1), opts)) {
                    int[] labels = LatentSampler.labels(cfg.samples(), -1, sampler.numClasses());
                    writeGrid(
                            decodeAll(ae, sampler.sample(labels, settings(cfg), cfg.sampleSeed())),
                            labels,
                            sampler10(labels),
                            cfg.output().resolve("samples-" + arm.label() + ".png"));
                } catch (ai.onnxruntime.OrtException e) {
                    throw new IOException("sampling failed: " + e.getMessage(), e);
                }
            }
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("autoencoder of " + arm.run() + " failed: " + e.getMessage(), e);
        }
        return new ArmResult(
                arm, new ArrayList<>(done.values()), reconFd, readLoss(arm.run().resolve(RunFolder.METRICS)));
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

    private static FloatTensor encodeAll(Autoencoder ae, List<Image8> images, int n, int channels)
            throws ai.onnxruntime.OrtException {
        List<FloatTensor> parts = new ArrayList<>();
        for (int from = 0; from < n; from += 100) {
            parts.add(ae.encode(FashionMnistImages.toModel(images, from, Math.min(100, n - from), channels)));
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

    private static TreeMap<Long, Point> readPoints(Path csv) throws IOException {
        TreeMap<Long, Point> m = new TreeMap<>();
        if (Files.isRegularFile(csv)) {
            for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8).stream()
                    .skip(1)
                    .toList()) {
                String[] f = line.split(",");
                m.put(
                        Long.parseLong(f[0]),
                        new Point(
                                Long.parseLong(f[0]),
                                Double.parseDouble(f[1]),
                                Double.parseDouble(f[2]),
                                Double.parseDouble(f[3])));
            }
        }
        return m;
    }

    private static void writePoints(Path csv, Map<Long, Point> points) throws IOException {
        StringBuilder sb = new StringBuilder("step,fd_fmnist_cnn,fd_own_reconstructions,class_accuracy\n");
        points.values()
                .forEach(p -> sb.append(
                        String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f%n", p.step(), p.fd(), p.fdOwn(), p.accuracy())));
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

    /**
     * The first step (linearly interpolated between scored snapshots) at which {@code points} reach a
     * score of {@code target} or better (lower), or NaN when they never do.
     */
    public static double stepReaching(
            List<Point> points, double target, java.util.function.ToDoubleFunction<Point> score) {
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            double sp = score.applyAsDouble(p);
            if (sp <= target) {
                if (i == 0) {
                    return p.step();
                }
                Point q = points.get(i - 1);
                double sq = score.applyAsDouble(q);
                double f = (sq - target) / (sq - sp);
                return q.step() + f * (p.step() - q.step());
            }
        }
        return Double.NaN;
    }

    private void writeReport(List<ArmResult> results) throws IOException {
        Files.createDirectories(cfg.output());
        GeneratorCharts.loss(results, cfg.output().resolve("loss.png"), 100);
        GeneratorCharts.fd(results, cfg.output().resolve("fd.png"), Point::fd, "FD-FMNIST-CNN against the test images");
        GeneratorCharts.fd(
                results,
                cfg.output().resolve("fd-own.png"),
                Point::fdOwn,
                "FD-FMNIST-CNN against each autoencoder's reconstructions");
        ArmResult base = results.get(0);
        StringBuilder csv =
                new StringBuilder("arm,step,loss_mean_100,fd_fmnist_cnn,fd_own_reconstructions,class_accuracy\n");
        for (ArmResult r : results) {
            for (Point p : r.points()) {
                csv.append(String.format(
                        Locale.ROOT,
                        "%s,%d,%.5f,%.4f,%.4f,%.4f%n",
                        r.arm().label(),
                        p.step(),
                        meanLoss(r.loss(), p.step(), 100),
                        p.fd(),
                        p.fdOwn(),
                        p.accuracy()));
            }
        }
        AtomicFiles.write(
                cfg.output().resolve("results.csv"),
                out -> out.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.write(
                cfg.output().resolve("README.md"),
                out -> out.write(GeneratorReport.markdown(cfg, this, results).getBytes(StandardCharsets.UTF_8)));
    }
}
