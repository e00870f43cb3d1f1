package org.eqvae4j.training.generator.maskgit;

import java.nio.file.Path;
import org.eqvae4j.runtime.generator.MaskSchedule;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.training.RunSchedule;
import org.eqvae4j.training.TrainingLoop;

/**
 * One MaskGIT training run; stored as the run folder's config.json.
 *
 * @param vqBundle        the VQ bundle whose tokens are modelled (copied into the exported bundle)
 * @param tokens          token cache encoded by that bundle ({@link TokenCache})
 * @param steps           optimizer steps
 * @param batch           token grids per step
 * @param learningRate    AdamW learning rate (betas 0.9, 0.95, weight decay 0.01) after warm-up
 * @param warmupSteps     linear warm-up steps
 * @param seed            initialisation, batch, masking and class-dropout seed
 * @param classDropout    probability of replacing a label by the null class (for unconditional sampling and guidance)
 * @param schedule        masking schedule
 * @param dim             transformer width
 * @param depth           transformer blocks
 * @param heads           attention heads
 * @param checkpointEvery steps between checkpoints
 * @param evalEvery       steps between evaluations by the trainer's evaluator (0: none)
 * @param threads         ONNX Runtime threads (0 = default)
 * @param provider        where the training session runs (CPU, or CUDA with a fall-back to the CPU)
 * @param outputId        id of the exported generator bundle
 */
public record MaskGitTrainConfig(
        Path vqBundle,
        Path tokens,
        long steps,
        int batch,
        float learningRate,
        int warmupSteps,
        long seed,
        double classDropout,
        MaskSchedule schedule,
        int dim,
        int depth,
        int heads,
        int checkpointEvery,
        int evalEvery,
        int threads,
        String outputId,
        ExecutionProvider provider) {

    public MaskGitTrainConfig {
        require(steps >= 1, "steps must be >= 1, got " + steps);
        require(batch >= 1, "batch must be >= 1, got " + batch);
        require(learningRate > 0 && Float.isFinite(learningRate), "learningRate must be positive, got " + learningRate);
        require(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
        require(classDropout >= 0 && classDropout < 1, "classDropout must be in [0, 1), got " + classDropout);
        require(schedule != null, "schedule is required");
        require(checkpointEvery >= 1, "checkpointEvery must be >= 1, got " + checkpointEvery);
        require(evalEvery >= 0, "evalEvery must be >= 0, got " + evalEvery);
        require(provider != null, "provider is required");
        require(
                outputId != null && outputId.matches("[A-Za-z0-9._-]+"),
                "outputId must be a [A-Za-z0-9._-] string, got " + outputId);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Steps, batch, learning rate and warm-up (constant after it), seed and checkpoint cadence, as {@link TrainingLoop} reads them. */
    public RunSchedule run() {
        return new RunSchedule(steps, batch, learningRate, warmupSteps, RunSchedule.Decay.NONE, seed, checkpointEvery);
    }
}
