package org.eqvae4j.training.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.eqvae.EqVaeLoss;
import org.eqvae4j.export.eqvae.EqVaeObjective;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.SeparableForm;
import org.eqvae4j.training.TrainingSession;

/**
 * Times one autoencoder training step on ONNX Runtime (forward, L1 reconstruction loss, backward,
 * AdamW), the work a fine-tuning step does on its plain branch, for a square size and batch.
 */
public final class TrainStepBenchmark {

    /** @param gradients "fused" (ORT training kernels, what training uses) or "portable" (standard ops only) */
    public record Result(String gradients, int size, int batch, double msPerStep, double imagesPerSecond) {}

    private TrainStepBenchmark() {}

    /**
     * Times {@code steps} training steps after {@code warmup} untimed ones. With a {@code profilePrefix} (else
     * null) ONNX Runtime's profiler is on: the training, eval and optimizer sessions write
     * {@code <profilePrefix>_<time>.json} (warm-up and timed steps) when the session closes, before this
     * returns; the profiler's own cost is then in the timed steps.
     */
    public static Result run(
            AutoencoderArchitecture arch,
            java.util.Map<String, Tensor> weights,
            int size,
            int batch,
            int warmup,
            int steps,
            boolean fused,
            int threads,
            Path work,
            Path profilePrefix)
            throws IOException {
        SplittableRandom r = new SplittableRandom(0);
        float[] x = new float[batch * arch.imageChannels() * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        FloatTensor images = new FloatTensor(batch, arch.imageChannels(), size, size, x);
        double[] ms = new double[steps];
        Path folder = artifacts(arch, weights, fused, work, size + "-" + batch);
        RuntimeOptions options = RuntimeOptions.DEFAULT.withThreads(threads);
        try (TrainingSession s = profilePrefix == null
                ? TrainingSession.open(folder, options)
                : TrainingSession.openProfiled(folder, options, profilePrefix)) {
            s.setLearningRate(1e-5f);
            Tensor[] feed = plainStep(arch, images);
            for (int i = 0; i < warmup + steps; i++) {
                long t0 = System.nanoTime();
                s.trainStep(feed);
                s.optimizerStep();
                if (i >= warmup) {
                    ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        Arrays.sort(ms);
        double median = ms[ms.length / 2];
        return new Result(fused ? "fused" : "portable", size, batch, median, batch * 1000 / median);
    }

    /** Losses of {@code steps} plain reconstruction steps on one fixed batch (fused gradients; null weights: fresh initialisation). */
    public static float[] losses(
            AutoencoderArchitecture arch,
            java.util.Map<String, Tensor> weights,
            FloatTensor images,
            int steps,
            float learningRate,
            int threads,
            Path work)
            throws IOException {
        float[] losses = new float[steps];
        try (TrainingSession s = TrainingSession.open(
                artifacts(arch, weights, true, work, "fixed"), RuntimeOptions.DEFAULT.withThreads(threads))) {
            s.setLearningRate(learningRate);
            Tensor[] feed = plainStep(arch, images);
            for (int i = 0; i < steps; i++) {
                losses[i] = s.trainStep(feed);
                s.optimizerStep();
            }
        }
        return losses;
    }

    private static Path artifacts(
            AutoencoderArchitecture arch, java.util.Map<String, Tensor> weights, boolean fused, Path work, String tag)
            throws IOException {
        Path folder = work.resolve((fused ? "fused-" : "portable-") + tag);
        if (!Files.isRegularFile(folder.resolve(TrainingArtifacts.CHECKPOINT))) {
            Weights w = weights == null ? Weights.initialized(0) : Weights.loaded(weights, "benchmark weights");
            Graph objective = EqVaeObjective.build(arch, w, new EqVaeLoss(1f, 0f, 0f));
            w.finish();
            List<String> params = new ArrayList<>(objective.parameterNames());
            params.sort(null);
            Autodiff ad = fused ? Autodiff.forOnnxRuntimeTraining() : Autodiff.standard();
            new TrainingArtifacts(
                            ad.gradients(objective, EqVaeObjective.LOSS, params),
                            objective,
                            params,
                            OptimizerConfig.eqVaeAdam())
                    .writeTo(folder);
        }
        return folder;
    }

    /** Inputs of a plain-branch step (identity tau, target = input) for images already in the model's range. */
    private static Tensor[] plainStep(AutoencoderArchitecture arch, FloatTensor images) {
        int f = arch.downsamplingFactor();
        SeparableForm id = SeparableForm.of(LatentTransform.rotate90(0), images.height() / f, images.width() / f);
        return EqVaeObjective.inputs(images, images, id, null);
    }
}
