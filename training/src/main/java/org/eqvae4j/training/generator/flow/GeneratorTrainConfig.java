package org.eqvae4j.training.generator.flow;

import java.nio.file.Path;
import org.eqvae4j.export.generator.DiTConfig;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.training.RunSchedule;
import org.eqvae4j.training.TrainingLoop;

/**
 * One flow-matching generator run, stored as {@code config.json} in the run folder.
 *
 * @param autoencoder     bundle whose frozen encoder makes the latents and whose files the exported bundle carries
 * @param trainImages     IDX images (Fashion-MNIST geometry: 28x28 grey)
 * @param trainLabels     IDX labels (the conditioning classes)
 * @param latentCache     cache file of the encoded training set (made on first use)
 * @param limit           use the first {@code limit} training images (0 = all)
 * @param hidden          DiT width
 * @param depth           DiT blocks
 * @param heads           attention heads
 * @param patchSize       DiT patch side in latent pixels
 * @param steps           optimizer steps
 * @param batch           latents per step
 * @param learningRate    AdamW learning rate (betas 0.9, 0.999, no weight decay, as SiT)
 * @param warmupSteps     linear learning-rate warm-up
 * @param seed            initialisation, batch, time, noise and dropout seed
 * @param classDropout    probability of replacing a label by the null class (classifier-free guidance)
 * @param emaDecay        EMA decay of the exported weights (warmed up as min(decay, (1+k)/(10+k)))
 * @param checkpointEvery optimizer steps between checkpoints
 * @param snapshotEvery   optimizer steps between EMA generator snapshots (snapshots/step-NNNNNN.onnx; 0 = none)
 * @param threads         ONNX Runtime threads (0 = default)
 * @param provider        CPU or CUDA
 * @param sampleSteps     default ODE steps in the exported manifest
 * @param cfgScale        default guidance scale in the exported manifest
 * @param outputId        id of the exported bundle
 * @param imageSize       model side of the Fashion-MNIST images: 32 (padded) or 64 (padded and resized; 8x8
 *                        latents at downsampling 8), see {@link FashionMnistImages}
 */
public record GeneratorTrainConfig(
        Path autoencoder,
        Path trainImages,
        Path trainLabels,
        Path latentCache,
        int limit,
        int hidden,
        int depth,
        int heads,
        int patchSize,
        long steps,
        int batch,
        float learningRate,
        int warmupSteps,
        long seed,
        double classDropout,
        double emaDecay,
        int checkpointEvery,
        int snapshotEvery,
        int threads,
        ExecutionProvider provider,
        int sampleSteps,
        double cfgScale,
        String outputId,
        int imageSize) {

    public GeneratorTrainConfig {
        require(limit >= 0, "limit must be >= 0, got " + limit);
        require(steps >= 1, "steps must be >= 1, got " + steps);
        require(batch >= 1, "batch must be >= 1, got " + batch);
        require(learningRate > 0 && Float.isFinite(learningRate), "learningRate must be positive, got " + learningRate);
        require(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
        require(classDropout >= 0 && classDropout < 1, "classDropout must be in [0, 1), got " + classDropout);
        require(emaDecay >= 0 && emaDecay < 1, "emaDecay must be in [0, 1), got " + emaDecay);
        require(checkpointEvery >= 1, "checkpointEvery must be >= 1, got " + checkpointEvery);
        require(snapshotEvery >= 0, "snapshotEvery must be >= 0, got " + snapshotEvery);
        require(sampleSteps >= 1, "sampleSteps must be >= 1, got " + sampleSteps);
        require(cfgScale >= 0 && Double.isFinite(cfgScale), "cfgScale must be >= 0, got " + cfgScale);
        FashionMnistImages.checkSide(imageSize);
        require(
                outputId != null && outputId.matches("[A-Za-z0-9._-]+"),
                "outputId must be a [A-Za-z0-9._-] string, got " + outputId);
    }

    /** The DiT for latents of this geometry. */
    public DiTConfig dit(int latentChannels, int latentSize, int numClasses) {
        return new DiTConfig(latentChannels, latentSize, patchSize, hidden, depth, heads, 4, numClasses, 256);
    }

    /** Steps, batch, learning rate and warm-up (constant after it), seed and checkpoint cadence, as {@link TrainingLoop} reads them. */
    public RunSchedule run() {
        return new RunSchedule(steps, batch, learningRate, warmupSteps, RunSchedule.Decay.NONE, seed, checkpointEvery);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
