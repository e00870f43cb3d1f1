package org.eqvae4j.training.generator.flow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.generator.DiT;
import org.eqvae4j.export.generator.DiTConfig;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.loss.LossKind;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.eqvae4j.export.training.ModelTrainingSetup;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.bundle.BundleWriter;
import org.eqvae4j.runtime.bundle.GeneratorSpec;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.training.RunFolder;
import org.eqvae4j.training.TrainingLoop;
import org.eqvae4j.training.TrainingLoop.StepRecord;
import org.eqvae4j.training.TrainingSession;
import org.eqvae4j.training.WeightEma;
import org.eqvae4j.training.data.Prefetcher;

/**
 * Trains a {@link DiT} velocity model by flow matching (SiT's linear path) on cached latents of a frozen
 * encoder, through ONNX Runtime's training API.
 *
 * <p>Each step draws a batch of latents x1 (normalised per channel by the training set's statistics),
 * noise eps ~ N(0, 1) and t ~ U(0, 1) in Java, feeds {@code x_t = t x1 + (1 - t) eps} and the target
 * {@code x1 - eps}; the loss is their mean squared error. Labels are replaced by the null class with
 * probability {@code classDropout}. All draws are functions of (seed, step), so a resumed run continues
 * exactly as an uninterrupted one would. After each optimizer step the parameters are read back and
 * folded into an exponential moving average kept in Java; the exported generator carries the EMA
 * weights.
 *
 * <p>Run folder: as {@link RunFolder}, plus {@code artifacts/}, the EMA generator saved with each checkpoint
 * ({@code checkpoint-NNNNNN-ema.onnx}, see {@link RunFolder#stateFile}), {@code snapshots/step-NNNNNN.onnx} (EMA generator every {@code snapshotEvery} steps, for
 * evaluation over training) and, at the end, {@code bundle/}: the autoencoder's files, {@code generator.onnx}
 * and a manifest with the {@code generator} section.
 */
public final class FlowMatchingTrainer {
    public static final String BUNDLE = "bundle";
    public static final String EMA = "ema.onnx";
    public static final String SNAPSHOTS = "snapshots";
    public static final String GENERATOR_FILE = "generator.onnx";

    /** The inputs of one step. */
    private record StepData(Tensor xt, Tensor t, Tensor cls, Tensor target) {}

    private final GeneratorTrainConfig cfg;
    private final Path runDir;

    public FlowMatchingTrainer(GeneratorTrainConfig cfg, Path runDir) {
        this.cfg = cfg;
        this.runDir = runDir;
    }

    /** Snapshot file name for a step. */
    public static String snapshotName(long step) {
        return String.format(Locale.ROOT, "step-%06d.onnx", step);
    }

    /** Trains to {@code cfg.steps()} (resuming when the folder has a checkpoint) and exports the bundle. */
    public List<StepRecord> train(ProgressListener progress) throws IOException, InterruptedException {
        try (RunFolder run = RunFolder.open(runDir, notice -> progress.progress(0, 0, notice))) {
            return train(run, progress);
        }
    }

    private List<StepRecord> train(RunFolder run, ProgressListener progress) throws IOException, InterruptedException {
        ModelBundle ae = ModelBundle.open(cfg.autoencoder());
        if (ae.manifest().generator() != null) {
            throw new IllegalArgumentException(
                    "bundle " + cfg.autoencoder() + " already has a generator; give a plain autoencoder bundle");
        }
        LatentCache cache = LatentCache.openOrEncode(
                cfg.latentCache(),
                ae,
                cfg.trainImages(),
                cfg.trainLabels(),
                cfg.limit(),
                cfg.imageSize(),
                cfg.threads(),
                progress);
        if (cache.height() != cache.width()) {
            throw new IllegalArgumentException("latent cache " + cfg.latentCache() + " holds non-square latents "
                    + cache.height() + "x" + cache.width());
        }
        int classes = cache.numClasses();
        DiTConfig dit = cfg.dit(cache.channels(), cache.height(), classes);
        double[][] stats = cache.channelStats();

        Graph fresh = DiT.build(dit, Weights.initialized(cfg.seed()));
        List<String> params = fresh.parameterNames().stream().sorted().toList();
        run.requireSameConfig(cfg);
        long startStep = run.resumedStep();
        Path artifacts = run.artifacts();
        if (!Files.isRegularFile(artifacts.resolve(TrainingArtifacts.CHECKPOINT))) {
            new ModelTrainingSetup(
                            DiT.VELOCITY,
                            LossKind.MSE,
                            List.of(),
                            List.of(),
                            new OptimizerConfig.AdamW(0.9f, 0.999f, 1e-8f, 0f, true, OptimizerConfig.AdamMode.TORCH))
                    .build(fresh)
                    .writeTo(artifacts);
        }
        Path emaFile = startStep > 0 ? run.stateFile(EMA) : null;
        Graph emaSource = startStep > 0 ? OnnxReader.read(emaFile) : fresh;
        Map<String, Tensor> emaStart = new LinkedHashMap<>();
        for (String p : params) {
            Tensor t = emaSource.initializers().get(p);
            if (t == null) {
                throw new IOException(emaFile + " lacks parameter " + p + "; the run folder is inconsistent");
            }
            emaStart.put(p, t);
        }
        WeightEma ema = new WeightEma(emaStart);

        int per = cache.channels() * cache.height() * cache.width();
        int plane = cache.height() * cache.width();
        float[] z = cache.data();
        List<StepRecord> records = new ArrayList<>();
        RunFolder.MetricsLog log = run.metrics(StepRecord.CSV_HEADER, startStep);
        RuntimeOptions options =
                RuntimeOptions.DEFAULT.withThreads(cfg.threads()).withProvider(cfg.provider());
        Path checkpoint = run.checkpointToOpen(startStep, artifacts.resolve(TrainingArtifacts.CHECKPOINT));
        try (TrainingSession session = TrainingSession.open(artifacts, checkpoint, options);
                Prefetcher<StepData> batches =
                        new Prefetcher<>(step -> stepData(step, cache, z, per, plane, stats, classes), startStep, 3)) {
            TrainingLoop.run(
                    session,
                    cfg.run(),
                    run,
                    startStep,
                    new TrainingLoop.Hooks() {
                        @Override
                        public double step(TrainingSession s, long step) throws InterruptedException {
                            StepData d = batches.next();
                            return s.trainStep(d.xt(), d.t(), d.cls(), d.target());
                        }

                        @Override
                        public void afterStep(TrainingSession s, long step) {
                            double decay = Math.min(cfg.emaDecay(), (1.0 + step) / (10.0 + step));
                            ema.update(p -> s.parameter(p).toFloats(), decay);
                        }

                        @Override
                        public String log(long step, double loss, double millis) throws IOException {
                            StepRecord r = new StepRecord(step, loss, millis);
                            records.add(r);
                            log.append(r.csvRow());
                            return String.format(Locale.ROOT, "loss %.5f  %.0f ms/step", loss, millis);
                        }

                        @Override
                        public void evaluate(TrainingSession s, long step, boolean last) throws IOException {
                            if (cfg.snapshotEvery() > 0 && step % cfg.snapshotEvery() == 0) {
                                writeGenerator(
                                        dit,
                                        ema.values(),
                                        ema.shapes(),
                                        runDir.resolve(SNAPSHOTS).resolve(snapshotName(step)));
                            }
                        }

                        @Override
                        public Map<String, RunFolder.StateWriter> checkpointState() {
                            return Map.of(EMA, file -> writeGenerator(dit, ema.values(), ema.shapes(), file));
                        }
                    },
                    progress);
        }
        exportBundle(ae, cache, stats, classes, run.stateFile(EMA));
        return records;
    }

    private StepData stepData(
            long step, LatentCache cache, float[] z, int per, int plane, double[][] stats, int classes) {
        SplittableRandom rnd = new SplittableRandom(cfg.seed() ^ (0x9E3779B97F4A7C15L * (step + 1)));
        int n = cfg.batch();
        int c = cache.channels();
        float[] xt = new float[n * per];
        float[] target = new float[n * per];
        float[] t = new float[n];
        long[] cls = new long[n];
        for (int b = 0; b < n; b++) {
            int idx = rnd.nextInt(cache.count());
            float tb = (float) rnd.nextDouble();
            t[b] = tb;
            cls[b] = rnd.nextDouble() < cfg.classDropout() ? classes : cache.label(idx);
            for (int ch = 0; ch < c; ch++) {
                double mean = stats[0][ch];
                double std = stats[1][ch];
                for (int i = 0; i < plane; i++) {
                    int k = ch * plane + i;
                    float x1 = (float) ((z[idx * per + k] - mean) / std);
                    float eps = (float) gaussian(rnd);
                    xt[b * per + k] = tb * x1 + (1 - tb) * eps;
                    target[b * per + k] = x1 - eps;
                }
            }
        }
        long[] shape = {n, c, cache.height(), cache.width()};
        return new StepData(
                Tensor.ofFloats(DiT.X_T, shape, xt),
                Tensor.ofFloats(DiT.T, new long[] {n}, t),
                Tensor.ofLongs(DiT.CLASS, new long[] {n}, cls),
                Tensor.ofFloats("target", shape, target));
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Writes the generator graph with the given (EMA) weights, atomically. */
    static void writeGenerator(DiTConfig dit, Map<String, float[]> weights, Map<String, long[]> shapes, Path file)
            throws IOException {
        Map<String, Tensor> dict = new LinkedHashMap<>();
        weights.forEach((name, v) -> dict.put(name, Tensor.ofFloats(name, shapes.get(name), v)));
        Weights w = Weights.loaded(dict, "EMA weights");
        Graph g = DiT.build(dit, w);
        w.finish();
        Files.createDirectories(file.toAbsolutePath().getParent());
        OnnxWriter.write(g, file);
    }

    private void exportBundle(ModelBundle ae, LatentCache cache, double[][] stats, int classes, Path emaFile)
            throws IOException {
        ModelManifest am = ae.manifest();
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("method", "flow matching (SiT linear path, velocity target x1 - eps), EMA weights");
        training.put(
                "data",
                cache.header().get("source") + ", " + cache.count() + " images, latents of " + cache.bundleId());
        training.put(
                "dit",
                String.format(
                        Locale.ROOT,
                        "hidden %d, depth %d, heads %d, patch %d",
                        cfg.hidden(),
                        cfg.depth(),
                        cfg.heads(),
                        cfg.patchSize()));
        training.put("steps", cfg.steps());
        training.put("batch", cfg.batch());
        training.put("learningRate", cfg.learningRate());
        training.put("classDropout", cfg.classDropout());
        training.put("emaDecay", cfg.emaDecay());
        training.put("seed", cfg.seed());
        GeneratorSpec spec = new GeneratorSpec(
                "dit",
                classes,
                null,
                new int[] {cache.height(), cache.width()},
                stats[0],
                stats[1],
                GeneratorSpec.EULER,
                cfg.sampleSteps(),
                cfg.cfgScale(),
                training);
        Map<String, Object> provenance = new LinkedHashMap<>(am.provenance());
        provenance.put("generator", "trained by eqvae train-generator on latents of " + am.id());
        ModelManifest m = am.withIdentity(cfg.outputId(), am.name() + " + class-conditional DiT generator", provenance)
                .withGenerator(GENERATOR_FILE, spec)
                .validate();
        BundleWriter w = new BundleWriter();
        for (String file : am.files().values()) {
            w.addCopy(file, ae.root().resolve(file));
        }
        if (Files.isRegularFile(ae.root().resolve("LICENSE"))) {
            w.addCopy("LICENSE", ae.root().resolve("LICENSE"));
        }
        w.addCopy(GENERATOR_FILE, emaFile);
        w.write(m, runDir.resolve(BUNDLE), true);
    }
}
