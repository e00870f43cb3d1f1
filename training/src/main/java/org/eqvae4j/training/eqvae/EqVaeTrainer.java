package org.eqvae4j.training.eqvae;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.eqvae.EqVaeObjective;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.batch.ProgressListener;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.training.TrainingOptions;
import org.eqvae4j.training.TrainingSession;
import org.eqvae4j.training.data.ImageSet;
import org.eqvae4j.training.data.Prefetcher;
import org.eqvae4j.training.data.RandomCrops;

/**
 * Fine-tunes an autoencoder bundle with the EQ-VAE objective on ONNX Runtime's training API.
 *
 * <p>Run folder: {@code config.json}, {@code artifacts/} (training, eval and optimizer models),
 * {@code checkpoint} + {@code checkpoint.json} (the last good state and its step, written atomically
 * every {@code checkpointEvery} steps), {@code metrics.csv} (one row per optimizer step) and, at the
 * end, {@code bundle/}. Running again on the same folder resumes from the checkpoint; batches,
 * transforms and noise are functions of (seed, step), so a resumed run continues exactly as an
 * uninterrupted one would. A non-finite loss stops the run with the last good checkpoint kept.
 */
public final class EqVaeTrainer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String METRICS = "metrics.csv";
    public static final String CHECKPOINT = "checkpoint";
    public static final String CHECKPOINT_STATE = "checkpoint.json";
    public static final String BUNDLE = "bundle";

    /**
     * One optimizer step's record; for VQ models also the codebook usage of the step's tokens (perplexity
     * and fraction of entries used; NaN for other kinds).
     */
    public record StepRecord(long step, double loss, int equivarianceSteps, double millis, double codebookPerplexity,
                             double codebookUsed) {
        public StepRecord(long step, double loss, int equivarianceSteps, double millis) {
            this(step, loss, equivarianceSteps, millis, Double.NaN, Double.NaN);
        }
    }

    private final EqVaeTrainConfig cfg;
    private final Path runDir;

    public EqVaeTrainer(EqVaeTrainConfig cfg, Path runDir) {
        this.cfg = cfg;
        this.runDir = runDir;
    }

    /** Trains to {@code cfg.steps()} (resuming if the run folder has a checkpoint) and returns the step records of this call. */
    public List<StepRecord> train(ProgressListener progress) throws IOException, InterruptedException {
        ModelBundle base = ModelBundle.open(cfg.baseModel());
        ModelManifest m = base.manifest();
        AutoencoderArchitecture arch = Architectures.standard().get(m.architecture());
        int f = m.downsamplingFactor();
        if (cfg.cropSize() % f != 0) {
            throw new IllegalArgumentException("crop size " + cfg.cropSize() + " is not a multiple of the downsampling factor " + f);
        }
        Files.createDirectories(runDir);
        Path artifacts = runDir.resolve("artifacts");
        if (!Files.isRegularFile(artifacts.resolve(TrainingArtifacts.CHECKPOINT))) {
            writeArtifacts(base, arch, artifacts);
            AtomicFiles.write(runDir.resolve("config.json"), out -> JSON.writeValue(out, cfg));
        }
        long startStep = resumedStep();
        Path checkpoint = startStep > 0 ? runDir.resolve(CHECKPOINT) : artifacts.resolve(TrainingArtifacts.CHECKPOINT);

        ImageSet images = ImageSet.load(cfg.trainImages(), m.imageChannels());
        if (cfg.padTo() > 0) {
            images = images.padded(cfg.padTo());
        }
        images.skipped().forEach(s -> progress.progress(0, 0, "skipped " + s));
        RandomCrops crops = new RandomCrops(images, cfg.cropSize(), cfg.seed());
        int noiseChannels = m.kind() == org.eqvae4j.runtime.bundle.LatentKind.KL ? m.latentChannels() : 0;
        int micro = cfg.accumulate();
        List<StepRecord> records = new ArrayList<>();
        boolean vq = m.kind() == org.eqvae4j.runtime.bundle.LatentKind.VQ;
        MetricsLog log = new MetricsLog(runDir.resolve(METRICS), startStep, vq);
        TrainingOptions options = TrainingOptions.defaults().withThreads(cfg.threads()).withExecutionProvider(cfg.provider());
        try (TrainingSession session = TrainingSession.open(artifacts, checkpoint, options);
             Prefetcher<StepInputs> batches = new Prefetcher<>(i -> {
                 // micro-batch i: a pure function of (seed, i)
                 SplittableRandom rnd = new SplittableRandom(cfg.seed() ^ (0xD1B54A32D192ED03L * (i + 1)));
                 return StepInputs.make(crops.batch(cfg.batch(), i), f, cfg.recipe(), noiseChannels, m.valueRange(), rnd);
             }, startStep * micro, 4)) {
            if (startStep == 0) {
                session.setLearningRate(cfg.learningRateAt(0));
            }
            long lastGood = startStep;
            for (long step = startStep; step < cfg.steps(); step++) {
                long t0 = System.nanoTime();
                if (cfg.warmupSteps() > 0 && step <= cfg.warmupSteps()) {
                    session.setLearningRate(cfg.learningRateAt(step));
                }
                double loss = 0;
                int eqCount = 0;
                List<long[]> stepIndices = new ArrayList<>();
                for (int k = 0; k < micro; k++) {
                    StepInputs in = batches.next();
                    org.eqvae4j.export.graph.Tensor[] feed = EqVaeObjective.inputs(in.image(), in.target(), in.tau(), in.noise());
                    float l;
                    if (vq) {
                        Map<String, org.eqvae4j.export.graph.Tensor> outs = session.trainStepOutputs(feed);
                        l = outs.get(EqVaeObjective.LOSS).toFloats()[0];
                        stepIndices.add(outs.get(EqVaeObjective.INDICES).toLongs());
                    } else {
                        l = session.trainStep(feed);
                    }
                    if (!Float.isFinite(l)) {
                        throw new TrainingDivergedException("loss became " + l + " at step " + (step + 1)
                                + (lastGood > 0 ? "; the last good checkpoint (step " + lastGood + ") is kept in " + runDir.resolve(CHECKPOINT)
                                : "; no checkpoint was written yet") + ". Lower the learning rate and run again to resume.");
                    }
                    loss += l / micro;
                    eqCount += in.equivariance() ? 1 : 0;
                }
                session.optimizerStep();
                double ms = (System.nanoTime() - t0) / 1e6;
                StepRecord r = new StepRecord(step + 1, loss, eqCount, ms);
                if (vq) {
                    org.eqvae4j.runtime.metrics.CodebookUsage u = org.eqvae4j.runtime.metrics.CodebookUsage.of(
                            stepIndices.stream().flatMapToLong(java.util.Arrays::stream).toArray(), m.codebookSize());
                    r = new StepRecord(step + 1, loss, eqCount, ms, u.perplexity(), u.fractionUsed());
                }
                records.add(r);
                log.append(r);
                progress.progress((int) (step + 1), (int) cfg.steps(), String.format(Locale.ROOT, "loss %.5f  %.0f ms/step", loss, ms));
                if ((step + 1) % cfg.checkpointEvery() == 0 || step + 1 == cfg.steps()) {
                    saveCheckpoint(session, step + 1);
                    lastGood = step + 1;
                }
            }
            exportBundle(session, arch, base);
        }
        return records;
    }

    private void writeArtifacts(ModelBundle base, AutoencoderArchitecture arch, Path folder) throws IOException {
        Graph enc = OnnxReader.read(base.file("encoder"));
        Graph dec = OnnxReader.read(base.file("decoder"));
        Map<String, Tensor> weights = arch.stateDict(enc, dec);
        Weights w = Weights.loaded(weights, base.root().toString());
        Graph featureNet = cfg.perceptualNet() == null ? null : OnnxReader.read(cfg.perceptualNet());
        Graph objective = EqVaeObjective.build(arch, w, cfg.loss(), featureNet);
        w.finish();
        List<String> params = new ArrayList<>(objective.parameterNames());
        params.sort(null);
        Graph withGrads = Autodiff.forOnnxRuntimeTraining().gradients(objective, EqVaeObjective.LOSS, params);
        new TrainingArtifacts(withGrads, objective, params, OptimizerConfig.eqVaeAdam()).writeTo(folder);
    }

    private long resumedStep() throws IOException {
        Path state = runDir.resolve(CHECKPOINT_STATE);
        if (!Files.isRegularFile(state) || !Files.isRegularFile(runDir.resolve(CHECKPOINT))) {
            return 0;
        }
        return JSON.readTree(state.toFile()).get("step").asLong();
    }

    private void saveCheckpoint(TrainingSession session, long step) throws IOException {
        // checkpoint first, then the step that names it: a crash between the two resumes one interval early
        session.saveCheckpoint(runDir.resolve(CHECKPOINT));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("step", step);
        state.put("learningRate", session.learningRate());
        AtomicFiles.write(runDir.resolve(CHECKPOINT_STATE), out -> JSON.writeValue(out, state));
    }

    private void exportBundle(TrainingSession session, AutoencoderArchitecture arch, ModelBundle base) throws IOException {
        Map<String, Tensor> trained = new LinkedHashMap<>();
        Graph enc = OnnxReader.read(base.file("encoder"));
        Graph dec = OnnxReader.read(base.file("decoder"));
        for (String name : arch.stateDict(enc, dec).keySet()) {
            trained.put(name, session.parameter(name));
        }
        ModelManifest bm = base.manifest();
        String what = cfg.pEquivariance() > 0 ? "EQ-VAE fine-tune" : "plain autoencoder training (no equivariance branch)";
        String source = String.format(Locale.ROOT, "%s of %s: %d steps, %dx%d crops, batch %d x %d, lr %s (warm-up %d), "
                        + "p_eq %s, p_lowres %s, loss %s, seed %d, data %s", what, bm.id(), cfg.steps(), cfg.cropSize(), cfg.cropSize(),
                cfg.batch(), cfg.accumulate(), cfg.learningRate(), cfg.warmupSteps(), cfg.pEquivariance(), cfg.pLowResolution(),
                cfg.loss(), cfg.seed(), cfg.trainImages().getFileName()) + (cfg.padTo() > 0 ? " (zero-padded to " + cfg.padTo() + ")" : "");
        String name = cfg.pEquivariance() > 0 ? bm.name() + ", EQ-VAE fine-tuned" : bm.name() + ", trained";
        BundleExporter.export(new BundleExporter.Request(arch, trained, 0, source,
                cfg.outputId(), name, bm.license(),
                Files.isRegularFile(base.root().resolve("LICENSE")) ? base.root().resolve("LICENSE") : null,
                bm.tileSize(), bm.tileHalo()), runDir.resolve(BUNDLE), true);
    }

    /** Appends step rows; on resume, rows past the checkpoint's step are dropped first. */
    private static final class MetricsLog {
        private final Path file;

        private final boolean vq;

        MetricsLog(Path file, long keepUpTo, boolean vq) throws IOException {
            this.file = file;
            this.vq = vq;
            List<String> keep = new ArrayList<>();
            keep.add("step,loss,equivariance_microbatches,ms" + (vq ? ",codebook_perplexity,codebook_used" : ""));
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isEmpty() && Character.isDigit(line.charAt(0)) && Long.parseLong(line.substring(0, line.indexOf(','))) <= keepUpTo) {
                        keep.add(line);
                    }
                }
            }
            String text = String.join("\n", keep) + "\n";
            AtomicFiles.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        }

        void append(StepRecord r) throws IOException {
            String row = String.format(Locale.ROOT, "%d,%.6f,%d,%.1f", r.step(), r.loss(), r.equivarianceSteps(), r.millis())
                    + (vq ? String.format(Locale.ROOT, ",%.2f,%.4f", r.codebookPerplexity(), r.codebookUsed()) : "") + "\n";
            Files.writeString(file, row,
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        }
    }
}
