package org.eqvae4j.training.eqvae;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.arch.PatchGanDiscriminator;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.eqvae.EqVaeObjective;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.training.Checkpoint;
import org.eqvae4j.export.training.CheckpointFile;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.metrics.CodebookUsage;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.training.RunFolder;
import org.eqvae4j.training.RunSchedule;
import org.eqvae4j.training.TrainingLoop;
import org.eqvae4j.training.TrainingSession;
import org.eqvae4j.training.WeightEma;
import org.eqvae4j.training.data.ImageSet;
import org.eqvae4j.training.data.Prefetcher;
import org.eqvae4j.training.data.RandomCrops;

/**
 * Fine-tunes an autoencoder bundle with the EQ-VAE objective on ONNX Runtime's training API.
 *
 * <p>Run folder: {@code config.json}, {@code artifacts/} (training, eval and optimizer models),
 * a checkpoint every {@code checkpointEvery} steps (committed atomically with its step, see {@link RunFolder}), {@code metrics.csv} (one row per optimizer step) and, at the
 * end, {@code bundle/}. Running again on the same folder resumes from the checkpoint; batches,
 * transforms and noise are functions of (seed, step), so a resumed run continues exactly as an
 * uninterrupted one would. A non-finite loss stops the run with the last good checkpoint kept.
 *
 * <p>With an adversarial term ({@link EqVaeTrainConfig#adversarial()}) the PatchGAN discriminator is part
 * of the same training graph, session, optimizer (Adam, betas 0.5 / 0.9, the same learning rate, as
 * taming uses for both) and checkpoint; see {@link EqVaeObjective}. Before {@code discStart} the graph's
 * {@code disc_factor} input is 0: the discriminator's gradient is exactly zero (so Adam leaves it as it
 * is, as taming's zero-weighted discriminator loss does) and the decoder sees no adversarial term.
 * metrics.csv then also records the loss terms, the adaptive weight and the mean logits, and the final
 * bundle holds {@code discriminator.onnx}.
 */
public final class EqVaeTrainer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String METRICS = RunFolder.METRICS;
    public static final String CHECKPOINT = RunFolder.CHECKPOINT;
    public static final String CHECKPOINT_STATE = RunFolder.CHECKPOINT_STATE;
    public static final String BUNDLE = "bundle";

    /**
     * One optimizer step's record.
     *
     * @param terms the adversarial run's extra columns (means over the micro-batches) and, for VQ models, the codebook usage; empty otherwise
     */
    public record StepRecord(long step, double loss, int equivarianceSteps, double millis, Map<String, Double> terms) {}

    /** Graph outputs logged per step when the adversarial term is on: metrics.csv column -> output. */
    private static final Map<String, String> ADVERSARIAL_COLUMNS = adversarialColumns();

    private static Map<String, String> adversarialColumns() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("rec_loss", EqVaeObjective.REC_LOSS);
        m.put("generator_loss", EqVaeObjective.GENERATOR_LOSS);
        m.put("g_adv", EqVaeObjective.G_ADV);
        m.put("d_loss", EqVaeObjective.D_LOSS);
        m.put("lambda", EqVaeObjective.ADAPTIVE_WEIGHT);
        m.put("logits_real", EqVaeObjective.LOGITS_REAL);
        m.put("logits_fake", EqVaeObjective.LOGITS_FAKE);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The weight average saved with each checkpoint when {@code ema} is on (safetensors, by state-dict name). */
    public static final String EMA = "ema.safetensors";

    /** Milliseconds of the step spent updating the weight average, a metrics.csv column when it is on. */
    public static final String EMA_MS_COLUMN = "ema_ms";

    /** The step's crop side, a metrics.csv column when it follows a schedule. */
    public static final String CROP_COLUMN = "crop";

    /** A graph without weights: {@code stateDict(encoder, NO_GRAPH)} names the encoder's weights alone. */
    private static final Graph NO_GRAPH = new Graph("none", List.of(), List.of(), Map.of(), List.of(), Map.of());

    /** The step's learning rate, a metrics.csv column when it decays. */
    public static final String LR_COLUMN = "lr";

    /** VQ models: codebook usage of each step's tokens (perplexity, fraction of entries used), metrics.csv columns. */
    public static final List<String> VQ_COLUMNS = List.of("codebook_perplexity", "codebook_used");

    private final EqVaeTrainConfig cfg;
    private final Path runDir;
    private final long keepEvery;

    public EqVaeTrainer(EqVaeTrainConfig cfg, Path runDir) {
        this(cfg, runDir, 0);
    }

    /**
     * @param keepEvery keep the checkpoints of steps that are multiples of it in the run folder's
     *                  {@value RunFolder#KEPT}/ for evaluation on the way ({@link CheckpointBundles}); 0: none
     */
    public EqVaeTrainer(EqVaeTrainConfig cfg, Path runDir, long keepEvery) {
        this.cfg = cfg;
        this.runDir = runDir;
        this.keepEvery = keepEvery;
    }

    /** Trains to {@code cfg.steps()} (resuming if the run folder has a checkpoint) and returns the step records of this call. */
    public List<StepRecord> train(ProgressListener progress) throws IOException, InterruptedException {
        try (RunFolder run = RunFolder.open(runDir, notice -> progress.progress(0, 0, notice))) {
            return train(run.keepEvery(keepEvery), progress);
        }
    }

    private List<StepRecord> train(RunFolder run, ProgressListener progress) throws IOException, InterruptedException {
        ModelBundle base = ModelBundle.open(cfg.baseModel());
        ModelManifest m = base.manifest();
        AutoencoderArchitecture arch = Architectures.standard().get(m.architecture());
        int f = m.downsamplingFactor();
        for (int side : cfg.cropSizes()) {
            if (side % f != 0) {
                throw new IllegalArgumentException(
                        "crop size " + side + " is not a multiple of the downsampling factor " + f);
            }
        }
        cfg.requireDiscriminatorFits(f, m.imageChannels());
        run.requireSameConfig(cfg);
        long startStep = run.resumedStep();
        Graph encoderGraph = OnnxReader.read(base.file("encoder"));
        Graph decoderGraph = OnnxReader.read(base.file("decoder"));
        Map<String, Tensor> baseWeights = arch.stateDict(encoderGraph, decoderGraph);
        Map<TrainablePart, Set<String>> partNames = Map.of(
                TrainablePart.ENCODER, arch.stateDict(encoderGraph, NO_GRAPH).keySet(),
                TrainablePart.DECODER, arch.stateDict(NO_GRAPH, decoderGraph).keySet(),
                TrainablePart.ALL, baseWeights.keySet());
        double emaDecay = cfg.recipeOptions().ema();
        WeightEma ema = emaDecay == 0
                ? null
                : startStep > 0 ? WeightEma.read(run.stateFile(EMA), baseWeights) : new WeightEma(baseWeights);

        ImageSet images = ImageSet.load(cfg.trainImages(), m.imageChannels());
        if (cfg.padTo() > 0) {
            images = images.padded(cfg.padTo());
        }
        if (cfg.resizeTo() > 0) {
            images = images.resized(cfg.resizeTo());
        }
        images.skipped().forEach(s -> progress.progress(0, 0, "skipped " + s));
        Map<Integer, RandomCrops> crops = new LinkedHashMap<>();
        for (int side : cfg.cropSizes()) {
            crops.put(side, new RandomCrops(images, side, cfg.seed()));
        }
        int noiseChannels = m.kind() == org.eqvae4j.runtime.bundle.LatentKind.KL ? m.latentChannels() : 0;
        int micro = cfg.accumulate();
        List<StepRecord> records = new ArrayList<>();
        boolean gan = cfg.adversarial() != null;
        boolean vq = m.kind() == org.eqvae4j.runtime.bundle.LatentKind.VQ;
        List<String> extraColumns = new ArrayList<>(gan ? ADVERSARIAL_COLUMNS.keySet() : List.of());
        if (vq) {
            extraColumns.addAll(VQ_COLUMNS);
        }
        RunSchedule schedule = cfg.run();
        boolean logRate = schedule.decay() != RunSchedule.Decay.NONE;
        if (logRate) {
            extraColumns.add(LR_COLUMN);
        }
        if (ema != null) {
            extraColumns.add(EMA_MS_COLUMN);
        }
        boolean logCrop = !cfg.recipeOptions().crops().isEmpty();
        if (logCrop) {
            extraColumns.add(CROP_COLUMN);
        }
        MetricsLog log = new MetricsLog(run, startStep, extraColumns);
        RuntimeOptions options =
                RuntimeOptions.DEFAULT.withThreads(cfg.threads()).withProvider(cfg.provider());
        try (Prefetcher<StepInputs> batches = new Prefetcher<>(
                i -> {
                    // micro-batch i: a pure function of (seed, i)
                    SplittableRandom rnd = new SplittableRandom(cfg.seed() ^ (0xD1B54A32D192ED03L * (i + 1)));
                    RandomCrops c = crops.get(cfg.cropAt(i / micro));
                    return StepInputs.make(
                            c.batch(cfg.batch(), i), f, cfg.recipe(), noiseChannels, m.valueRange(), rnd);
                },
                startStep * micro,
                4)) {
            TrainingLoop.Hooks hooks = new TrainingLoop.Hooks() {
                private final Map<String, Double> terms = new LinkedHashMap<>();
                private final List<long[]> stepIndices = new ArrayList<>();
                private int eqCount;

                @Override
                public double step(TrainingSession s, long step) throws InterruptedException {
                    double loss = 0;
                    eqCount = 0;
                    terms.clear();
                    stepIndices.clear();
                    if (logRate) {
                        terms.put(LR_COLUMN, (double) schedule.learningRateAt(step));
                    }
                    if (logCrop) {
                        terms.put(CROP_COLUMN, (double) cfg.cropAt(step));
                    }
                    Float discFactor = gan ? (cfg.discriminatorActiveAt(step) ? 1f : 0f) : null;
                    for (int k = 0; k < micro; k++) {
                        StepInputs in = batches.next();
                        Map<String, Tensor> out = s.trainStepOutputs(
                                EqVaeObjective.inputs(in.image(), in.target(), in.tau(), in.noise(), discFactor));
                        float l = out.get(EqVaeObjective.LOSS).toFloats()[0];
                        if (vq) {
                            stepIndices.add(out.get(EqVaeObjective.INDICES).toLongs());
                        }
                        for (Map.Entry<String, String> c : gan
                                ? ADVERSARIAL_COLUMNS.entrySet()
                                : Map.<String, String>of().entrySet()) {
                            terms.merge(
                                    c.getKey(), (double) out.get(c.getValue()).toFloats()[0] / micro, Double::sum);
                        }
                        if (!Float.isFinite(l)) {
                            return l; // the loop stops the run before the optimizer step
                        }
                        loss += l / micro;
                        eqCount += in.equivariance() ? 1 : 0;
                    }
                    return loss;
                }

                @Override
                public void afterStep(TrainingSession s, long step) {
                    if (ema != null) {
                        long t0 = System.nanoTime();
                        ema.update(p -> s.parameter(p).toFloats(), emaDecay);
                        terms.put(EMA_MS_COLUMN, (System.nanoTime() - t0) / 1e6);
                    }
                    if (vq) {
                        CodebookUsage u = CodebookUsage.of(
                                stepIndices.stream()
                                        .flatMapToLong(java.util.Arrays::stream)
                                        .toArray(),
                                m.codebookSize());
                        terms.put(VQ_COLUMNS.get(0), u.perplexity());
                        terms.put(VQ_COLUMNS.get(1), u.fractionUsed());
                    }
                }

                @Override
                public String log(long step, double loss, double ms) throws IOException {
                    StepRecord r = new StepRecord(step, loss, eqCount, ms, new LinkedHashMap<>(terms));
                    records.add(r);
                    log.append(r);
                    return gan
                            ? String.format(
                                    Locale.ROOT,
                                    "loss %.5f  rec %.5f  d %.4f  g_adv %.4f  lambda %.3g  %.0f ms/step",
                                    loss,
                                    terms.get("rec_loss"),
                                    terms.get("d_loss"),
                                    terms.get("g_adv"),
                                    terms.get("lambda"),
                                    ms)
                            : String.format(Locale.ROOT, "loss %.5f  %.0f ms/step", loss, ms);
                }

                @Override
                public Map<String, RunFolder.StateWriter> checkpointState() {
                    return ema == null ? Map.of() : Map.of(EMA, ema::write);
                }
            };
            runPhases(run, startStep, schedule, hooks, progress, base, arch, partNames, ema, options);
        }
        return records;
    }

    /**
     * Runs the optimizer steps from {@code startStep} to the end, one training session per phase
     * ({@link EqVaeTrainConfig.RecipeOptions#phases}; without phases one session trains everything, as before).
     * Each trainable part has its own artifacts, with gradients for that part (and the discriminator) only, so a
     * frozen part gets no update and costs no weight gradient. At a phase boundary the weights (trained and frozen)
     * of the session that ends are written into the next part's initial checkpoint; the optimizer starts afresh
     * (Adam's moments and step at zero), as a new optimizer over other parameters would. A run resumed at a boundary
     * carries its checkpoint's weights over the same way, so it continues as an uninterrupted one. Exports the
     * bundle after the last step.
     */
    private void runPhases(
            RunFolder run,
            long startStep,
            RunSchedule schedule,
            TrainingLoop.Hooks hooks,
            ProgressListener progress,
            ModelBundle base,
            AutoencoderArchitecture arch,
            Map<TrainablePart, Set<String>> partNames,
            WeightEma ema,
            RuntimeOptions options)
            throws IOException, InterruptedException {
        boolean gan = cfg.adversarial() != null;
        Map<TrainablePart, Path> artifactFolders = new java.util.EnumMap<>(TrainablePart.class);
        Map<String, Tensor> carried = null;
        if (startStep > 0 && cfg.phaseAt(startStep - 1) != cfg.phaseAt(startStep)) {
            // the checkpoint was saved by the previous phase's session, over other trainable parameters
            Checkpoint saved = CheckpointFile.read(run.checkpointToOpen(startStep, null));
            carried = new LinkedHashMap<>(saved.trainable());
            carried.putAll(saved.frozen());
        }
        long step = startStep;
        while (true) {
            TrainablePart part = cfg.phaseAt(step);
            long end = cfg.recipeOptions().phases().isEmpty()
                    ? schedule.steps()
                    : Math.min(schedule.steps(), cfg.recipeOptions().phases().nextChangeAfter(step));
            Path artifacts = artifactFolders.get(part);
            if (artifacts == null) {
                artifacts = part == TrainablePart.ALL ? run.artifacts() : run.artifacts(partName(part));
                if (!Files.isRegularFile(artifacts.resolve(TrainingArtifacts.CHECKPOINT))) {
                    writeArtifacts(base, arch, artifacts, partNames.get(part));
                }
                artifactFolders.put(part, artifacts);
            }
            Path initial = artifacts.resolve(TrainingArtifacts.CHECKPOINT);
            Path carriedFile = carried == null ? null : run.resolve(".phase-" + partName(part) + ".tmp");
            if (carried != null) {
                writeCarried(initial, carried, carriedFile);
            }
            Path checkpoint = carried != null ? carriedFile : run.checkpointToOpen(step, initial);
            try (TrainingSession session = TrainingSession.open(artifacts, checkpoint, options)) {
                if (session.trainInputNames().contains(EqVaeObjective.DISC_FACTOR) != gan) {
                    throw new IllegalArgumentException("run folder " + runDir + " was started "
                            + (gan ? "without" : "with")
                            + " the adversarial term (its artifacts are kept for resuming); use a new run folder to "
                            + (gan ? "add" : "drop") + " it");
                }
                TrainingLoop.run(session, schedule, run, step, end, hooks, progress);
                if (end == schedule.steps()) {
                    Set<String> autoencoder = partNames.get(TrainablePart.ALL);
                    exportBundle(ema != null ? ema.tensors() : parameters(session, autoencoder), session, arch, base);
                    return;
                }
                Checkpoint names = CheckpointFile.read(initial);
                Set<String> all =
                        new java.util.LinkedHashSet<>(names.trainable().keySet());
                all.addAll(names.frozen().keySet());
                carried = parameters(session, all);
            } finally {
                if (carriedFile != null) {
                    Files.deleteIfExists(carriedFile);
                }
            }
            step = end;
        }
    }

    private static String partName(TrainablePart part) {
        return part.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Writes {@code initial} (a part's initial checkpoint) with every parameter's value taken from {@code values}:
     * the weights of the session or checkpoint before a phase boundary; no optimizer state.
     */
    private static void writeCarried(Path initial, Map<String, Tensor> values, Path file) throws IOException {
        Checkpoint start = CheckpointFile.read(initial);
        CheckpointFile.write(
                Checkpoint.ofParameters(carry(start.trainable(), values, file), carry(start.frozen(), values, file)),
                file);
    }

    private static Map<String, Tensor> carry(Map<String, Tensor> like, Map<String, Tensor> values, Path file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : like.keySet()) {
            Tensor v = values.get(name);
            if (v == null || !java.util.Arrays.equals(v.dims(), like.get(name).dims())) {
                throw new IllegalStateException("cannot carry weight " + name + " into " + file
                        + (v == null ? ": the previous phase has no such weight" : ": its shape differs"));
            }
            out.put(name, v.renamed(name));
        }
        return out;
    }

    /**
     * Writes training artifacts whose trainable parameters are {@code trainable} (a part of the autoencoder) and the
     * discriminator's, if any; the other weights are frozen.
     */
    private void writeArtifacts(ModelBundle base, AutoencoderArchitecture arch, Path folder, Set<String> trainable)
            throws IOException {
        Graph enc = OnnxReader.read(base.file("encoder"));
        Graph dec = OnnxReader.read(base.file("decoder"));
        Map<String, Tensor> weights = arch.stateDict(enc, dec);
        Weights w = Weights.loaded(weights, base.root().toString());
        Graph featureNet = cfg.perceptualNet() == null ? null : OnnxReader.read(cfg.perceptualNet());
        Weights disc = cfg.adversarial() == null ? null : Weights.initialized(discriminatorSeed());
        Graph objective = EqVaeObjective.build(arch, w, cfg.loss(), featureNet, cfg.adversarial(), disc);
        w.finish();
        if (disc != null) {
            disc.finish();
        }
        List<String> params = new ArrayList<>();
        for (String p : objective.parameterNames()) {
            if (trainable.contains(p) || p.startsWith(EqVaeObjective.DISCRIMINATOR_PREFIX)) {
                params.add(p);
            }
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no weights of " + base.root() + " to train in " + folder);
        }
        params.sort(null);
        Graph withGrads = Autodiff.forOnnxRuntimeTraining().gradients(objective, EqVaeObjective.LOSS, params);
        new TrainingArtifacts(withGrads, objective, params, OptimizerConfig.eqVaeAdam()).writeTo(folder);
    }

    /** Fresh discriminator weights (taming's init) from the run's seed. */
    private long discriminatorSeed() {
        return cfg.seed() ^ 0x44697363L;
    }

    /** The named weights as the session holds them. */
    private static Map<String, Tensor> parameters(TrainingSession session, Set<String> names) {
        Map<String, Tensor> trained = new LinkedHashMap<>();
        for (String name : names) {
            trained.put(name, session.parameter(name));
        }
        return trained;
    }

    /**
     * Writes the bundle with the given autoencoder weights (the EMA when on, else the trained ones) and, with the
     * adversarial term, the session's trained discriminator (never averaged).
     */
    private void exportBundle(
            Map<String, Tensor> trained, TrainingSession session, AutoencoderArchitecture arch, ModelBundle base)
            throws IOException {
        Map<String, Graph> extra = new LinkedHashMap<>();
        if (cfg.adversarial() != null) {
            // the trained discriminator by its state-dict names, as a model of its own
            Graph fresh = PatchGanDiscriminator.discriminator(
                    cfg.adversarial().discriminator(), Weights.initialized(discriminatorSeed()));
            Map<String, Tensor> d = new LinkedHashMap<>();
            for (String p : fresh.parameterNames()) {
                d.put(p, session.parameter(EqVaeObjective.DISCRIMINATOR_PREFIX + p));
            }
            Weights loaded = Weights.loaded(d, "the trained discriminator");
            extra.put(
                    ModelManifest.DISCRIMINATOR,
                    PatchGanDiscriminator.discriminator(cfg.adversarial().discriminator(), loaded));
            loaded.finish();
        }
        ModelManifest bm = base.manifest();
        String what =
                cfg.pEquivariance() > 0 ? "EQ-VAE fine-tune" : "plain autoencoder training (no equivariance branch)";
        String source = String.format(
                        Locale.ROOT,
                        "%s of %s: %d steps, %dx%d crops, batch %d x %d, lr %s (warm-up %d), "
                                + "p_eq %s, p_lowres %s, loss %s, seed %d, data %s",
                        what,
                        bm.id(),
                        cfg.steps(),
                        cfg.cropSize(),
                        cfg.cropSize(),
                        cfg.batch(),
                        cfg.accumulate(),
                        cfg.learningRate(),
                        cfg.warmupSteps(),
                        cfg.pEquivariance(),
                        cfg.pLowResolution(),
                        cfg.loss(),
                        cfg.seed(),
                        cfg.trainImages().getFileName())
                + (cfg.padTo() > 0 ? " (zero-padded to " + cfg.padTo() + ")" : "")
                + (cfg.resizeTo() > 0 ? " (resized bicubically to " + cfg.resizeTo() + ")" : "")
                + (cfg.adversarial() == null
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                ", hinge PatchGAN (%d layers, ndf %d, %s) with adaptive weight x %s from step %d",
                                cfg.adversarial().discriminator().nLayers(),
                                cfg.adversarial().discriminator().ndf(),
                                cfg.adversarial().discriminator().norm().name().toLowerCase(Locale.ROOT),
                                cfg.adversarial().discWeight(),
                                cfg.discStart()))
                + cfg.recipeDescription();
        String name = cfg.pEquivariance() > 0
                ? bm.name() + ", EQ-VAE fine-tuned"
                : bm.name() + ", trained without the equivariance branch (p_eq 0)";
        writeBundle(base, arch, trained, extra, source, cfg.outputId(), name, runDir.resolve(BUNDLE));
    }

    /**
     * Writes a bundle of {@code base}'s architecture with the given autoencoder weights; licence, tiling and the
     * like are the base bundle's.
     */
    static ModelBundle writeBundle(
            ModelBundle base,
            AutoencoderArchitecture arch,
            Map<String, Tensor> weights,
            Map<String, Graph> extra,
            String source,
            String id,
            String name,
            Path output)
            throws IOException {
        ModelManifest bm = base.manifest();
        Path license = base.root().resolve("LICENSE");
        return BundleExporter.export(
                new BundleExporter.Request(
                        arch,
                        weights,
                        0,
                        source,
                        id,
                        name,
                        bm.license(),
                        Files.isRegularFile(license) ? license : null,
                        bm.tileSize(),
                        bm.tileHalo()),
                extra,
                output,
                true);
    }

    /** metrics.csv rows of this trainer: step, loss, equivariance micro-batches, ms, then the extra loss terms. */
    private static final class MetricsLog {
        private final RunFolder.MetricsLog file;
        private final List<String> extraColumns;

        MetricsLog(RunFolder run, long keepUpTo, List<String> extraColumns) throws IOException {
            List<String> header = new ArrayList<>(List.of("step", "loss", "equivariance_microbatches", "ms"));
            header.addAll(extraColumns);
            this.file = run.metrics(String.join(",", header), keepUpTo);
            this.extraColumns = extraColumns;
        }

        void append(StepRecord r) throws IOException {
            StringBuilder line = new StringBuilder(String.format(
                    Locale.ROOT, "%d,%.6f,%d,%.1f", r.step(), r.loss(), r.equivarianceSteps(), r.millis()));
            for (String c : extraColumns) {
                double v = r.terms().get(c);
                line.append(
                        c.equals(CROP_COLUMN)
                                ? String.format(Locale.ROOT, ",%d", (long) v)
                                : String.format(Locale.ROOT, ",%.6g", v));
            }
            file.append(line.toString());
        }
    }
}
