package org.eqvae4j.training.generator.maskgit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.generator.MaskGitConfig;
import org.eqvae4j.export.generator.MaskGitTransformer;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.bundle.BundleWriter;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.generator.MaskGitSampler;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.training.RunFolder;
import org.eqvae4j.training.TrainingLoop;
import org.eqvae4j.training.TrainingLoop.StepRecord;
import org.eqvae4j.training.TrainingSession;
import org.eqvae4j.training.data.Prefetcher;

/**
 * Trains a MaskGIT token generator on a {@link TokenCache} with ONNX Runtime's training API. Each step
 * draws a batch of grids, per grid a progress r ~ U(0, 1) and masks {@link org.eqvae4j.runtime.generator.MaskSchedule#maskedForTraining}
 * random positions with the mask token; labels become the null class with probability
 * {@code classDropout}; the loss is the cross-entropy of the true tokens at the masked positions. Every
 * draw is a function of (seed, step), so a resumed run (run folder as {@link RunFolder}) continues exactly.
 *
 * <p>Every {@code evalEvery} steps (and after the last) the current weights are exported as a generator
 * bundle ({@code <run>/eval-bundle}, the VQ bundle plus {@code generator.onnx}) and handed to the
 * {@link Evaluator}, whose numbers go to {@code eval.csv}. The final bundle is {@code <run>/bundle}.
 */
public final class MaskGitTrainer {
    public static final String BUNDLE = "bundle";
    public static final String EVAL_BUNDLE = "eval-bundle";
    public static final String EVAL_CSV = "eval.csv";
    public static final String GENERATOR_FILE = "generator.onnx";

    /** Scores a generator bundle during training (e.g. a Frechet distance of its samples). */
    public interface Evaluator {
        /** CSV column names after "step". */
        List<String> columns();

        /** One value per column. */
        double[] evaluate(ModelBundle generator, long step) throws Exception;
    }

    private final MaskGitTrainConfig cfg;
    private final Path runDir;
    private final Evaluator evaluator;

    public MaskGitTrainer(MaskGitTrainConfig cfg, Path runDir, Evaluator evaluator) {
        this.cfg = cfg;
        this.runDir = runDir;
        this.evaluator = evaluator;
    }

    private record StepData(Tensor[] inputs) {}

    public List<StepRecord> train(ProgressListener progress) throws IOException, InterruptedException {
        try (RunFolder run = RunFolder.open(runDir, notice -> progress.progress(0, 0, notice))) {
            return train(run, progress);
        }
    }

    private List<StepRecord> train(RunFolder run, ProgressListener progress) throws IOException, InterruptedException {
        ModelBundle vq = ModelBundle.open(cfg.vqBundle());
        ModelManifest vm = vq.manifest();
        if (vm.codebookSize() == null) {
            throw new IllegalArgumentException(
                    "bundle " + cfg.vqBundle() + " (" + vm.id() + ") is " + vm.kind() + ", not a VQ model");
        }
        TokenCache cache = TokenCache.read(cfg.tokens()).requireBundle(vm.id(), cfg.tokens());
        TokenCache.Header h = cache.header();
        MaskGitConfig mc = new MaskGitConfig(
                h.codebookSize(), h.height(), h.width(), h.numClasses(), cfg.dim(), cfg.depth(), cfg.heads(), 4);
        run.requireSameConfig(cfg);
        long start = run.resumedStep();
        Path artifacts = run.artifacts();
        if (!Files.isRegularFile(artifacts.resolve(TrainingArtifacts.CHECKPOINT))) {
            Weights w = Weights.initialized(cfg.seed());
            Graph objective = MaskGitTransformer.objective(mc, w);
            w.finish();
            List<String> params = new ArrayList<>(objective.parameterNames());
            params.sort(null);
            Graph withGrads = Autodiff.forOnnxRuntimeTraining().gradients(objective, MaskGitTransformer.LOSS, params);
            new TrainingArtifacts(withGrads, objective, params, OptimizerConfig.adamW(0.9f, 0.95f, 1e-8f, 0.01f))
                    .writeTo(artifacts);
        }
        RunFolder.MetricsLog log = run.metrics(StepRecord.CSV_HEADER, start);
        EvalLog evalLog = evaluator == null ? null : new EvalLog(run, evaluator.columns(), start);
        List<String> paramNames = parameterNames(mc);
        List<StepRecord> records = new ArrayList<>();
        try (TrainingSession session = TrainingSession.open(
                        artifacts,
                        run.checkpointToOpen(start, artifacts.resolve(TrainingArtifacts.CHECKPOINT)),
                        RuntimeOptions.DEFAULT.withThreads(cfg.threads()).withProvider(cfg.provider()));
                Prefetcher<StepData> batches = new Prefetcher<>(s -> stepData(s, cache, mc), start, 3)) {
            TrainingLoop.run(
                    session,
                    cfg.run(),
                    run,
                    start,
                    new TrainingLoop.Hooks() {
                        @Override
                        public double step(TrainingSession s, long step) throws InterruptedException {
                            return s.trainStep(batches.next().inputs());
                        }

                        @Override
                        public String log(long step, double loss, double millis) throws IOException {
                            StepRecord r = new StepRecord(step, loss, millis);
                            records.add(r);
                            log.append(r.csvRow());
                            return String.format(Locale.ROOT, "loss %.4f  %.0f ms/step", loss, millis);
                        }

                        @Override
                        public void evaluate(TrainingSession s, long step, boolean last) throws IOException {
                            if (evalLog == null || !(cfg.evalEvery() > 0 && step % cfg.evalEvery() == 0 || last)) {
                                return;
                            }
                            ModelBundle b = export(s, paramNames, mc, vq, run.resolve(EVAL_BUNDLE), step);
                            try {
                                double[] values = evaluator.evaluate(b, step);
                                evalLog.append(step, values);
                                progress.progress(
                                        (int) step,
                                        (int) cfg.steps(),
                                        "eval " + evaluator.columns() + " = " + Arrays.toString(values));
                            } catch (Exception e) {
                                throw new IOException("evaluation at step " + step + " failed: " + e.getMessage(), e);
                            }
                        }
                    },
                    progress);
            export(session, paramNames, mc, vq, run.resolve(BUNDLE), cfg.steps());
        }
        return records;
    }

    private static List<String> parameterNames(MaskGitConfig mc) {
        List<String> names = new ArrayList<>(
                MaskGitTransformer.generator(mc, Weights.initialized(0)).parameterNames());
        names.sort(null);
        return names;
    }

    /** Batch {@code step}: a pure function of (seed, step). */
    private StepData stepData(long step, TokenCache cache, MaskGitConfig mc) {
        SplittableRandom rnd = new SplittableRandom(cfg.seed() * 0x9E3779B97F4A7C15L + step * 0xD1B54A32D192ED03L + 17);
        int n = cfg.batch();
        int l = mc.tokens();
        long[] in = new long[n * l];
        long[] target = new long[n * l];
        float[] mask = new float[n * l];
        long[] labels = new long[n];
        int[] order = new int[l];
        for (int b = 0; b < n; b++) {
            int item = rnd.nextInt(cache.size());
            labels[b] = rnd.nextDouble() < cfg.classDropout() ? mc.classes() : cache.label(item);
            int masked = cfg.schedule().maskedForTraining(rnd.nextDouble(), l);
            for (int i = 0; i < l; i++) {
                order[i] = i;
                target[b * l + i] = cache.token(item, i);
                in[b * l + i] = target[b * l + i];
            }
            for (int i = 0; i < masked; i++) {
                int j = i + rnd.nextInt(l - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
                in[b * l + order[i]] = mc.maskToken();
                mask[b * l + order[i]] = 1f;
            }
        }
        long[] grid = {n, mc.height(), mc.width()};
        return new StepData(new Tensor[] {
            Tensor.ofLongs(MaskGitTransformer.TOKENS, grid, in),
            Tensor.ofLongs(MaskGitTransformer.CLASS_LABEL, new long[] {n}, labels),
            Tensor.ofLongs(MaskGitTransformer.TARGETS, grid, target),
            Tensor.ofFloats(MaskGitTransformer.MASK, grid, mask)
        });
    }

    /** The VQ bundle plus the generator with the session's current weights, written atomically to {@code target}. */
    private ModelBundle export(
            TrainingSession session, List<String> paramNames, MaskGitConfig mc, ModelBundle vq, Path target, long step)
            throws IOException {
        Map<String, Tensor> trained = new LinkedHashMap<>();
        for (String name : paramNames) {
            trained.put(name, session.parameter(name));
        }
        Weights w = Weights.loaded(trained, "training session");
        Graph generator = MaskGitTransformer.generator(mc, w);
        w.finish();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(MaskGitSampler.KIND_KEY, MaskGitSampler.KIND);
        meta.put(MaskGitSampler.CLASSES_KEY, Integer.toString(mc.classes()));
        meta.put(MaskGitSampler.SCHEDULE_KEY, cfg.schedule().name().toLowerCase(Locale.ROOT));
        ModelManifest vm = vq.manifest();
        BundleWriter writer = new BundleWriter().add(GENERATOR_FILE, f -> OnnxWriter.write(generator, meta, f));
        for (Map.Entry<String, String> e : vm.files().entrySet()) {
            writer.addCopy(e.getValue(), vq.file(e.getKey()));
        }
        if (Files.isRegularFile(vq.root().resolve("LICENSE"))) {
            writer.addCopy("LICENSE", vq.root().resolve("LICENSE"));
        }
        Map<String, Object> provenance = new LinkedHashMap<>(vm.provenance());
        Map<String, Object> gen = new LinkedHashMap<>();
        gen.put(
                "kind",
                "MaskGIT bidirectional transformer over " + mc.height() + "x" + mc.width() + " tokens of " + vm.id());
        gen.put("width", mc.dim());
        gen.put("depth", mc.depth());
        gen.put("heads", mc.heads());
        gen.put("classes", mc.classes());
        gen.put("parameters", generator.parameterCount());
        gen.put(
                "training",
                String.format(
                        Locale.ROOT,
                        "%d of %d steps, batch %d, lr %s (warm-up %d), AdamW (0.9, 0.95, wd 0.01), %s masking, "
                                + "class dropout %s, seed %d, tokens %s (%d grids)",
                        step,
                        cfg.steps(),
                        cfg.batch(),
                        cfg.learningRate(),
                        cfg.warmupSteps(),
                        cfg.schedule().name().toLowerCase(Locale.ROOT),
                        cfg.classDropout(),
                        cfg.seed(),
                        cfg.tokens().getFileName(),
                        TokenCache.read(cfg.tokens()).size()));
        gen.put("exportedAt", Instant.now().toString());
        provenance.put("generator", gen);
        // a MaskGIT generator describes itself in its ONNX metadata: a generator file without a generator section
        ModelManifest m = vm.withIdentity(cfg.outputId(), vm.name() + " + MaskGIT generator", provenance)
                .withGenerator(GENERATOR_FILE, null);
        return writer.write(m, target, true);
    }

    /** eval.csv rows: the step, then the evaluator's columns. */
    private static final class EvalLog {
        private final RunFolder.MetricsLog file;

        EvalLog(RunFolder run, List<String> columns, long keepUpTo) throws IOException {
            this.file = run.log(EVAL_CSV, "step," + String.join(",", columns), keepUpTo);
        }

        void append(long step, double[] values) throws IOException {
            StringBuilder sb = new StringBuilder().append(step);
            for (double v : values) {
                sb.append(',').append(String.format(Locale.ROOT, "%.5f", v));
            }
            file.append(sb.toString());
        }
    }
}
