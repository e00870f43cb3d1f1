package org.eqvae4j.training;

/**
 * How long and how fast a run trains, the part of every trainer's configuration that {@link TrainingLoop} reads:
 * optimizer steps, examples per step, the learning rate with its linear warm-up and decay, the seed of
 * initialisation and batches, and how often the run folder's checkpoint is written. One definition of the
 * learning-rate schedule for every trainer ({@link #learningRateAt}).
 *
 * @param steps           optimizer steps in total
 * @param batch           examples per step (per micro-batch where a trainer accumulates)
 * @param learningRate    the learning rate after warm-up (and before decay)
 * @param warmupSteps     linear warm-up: step k (0-based) uses {@code (k + 1) / warmupSteps} of the rate until it is 1 (0: none)
 * @param decay           what happens to the rate over the run after warm-up
 * @param seed            initialisation and data seed
 * @param checkpointEvery optimizer steps between checkpoints (the last step always writes one)
 * @param minLearningRate where {@link Decay#WARMUP_COSINE} ends (0 for the other decays)
 */
public record RunSchedule(
        long steps,
        int batch,
        float learningRate,
        int warmupSteps,
        Decay decay,
        long seed,
        int checkpointEvery,
        float minLearningRate) {

    /** The learning rate's shape over the run. */
    public enum Decay {
        /** Constant after warm-up. */
        NONE,
        /** Cosine from the full rate at step 0 to zero at the end: {@code lr * (1 + cos(pi * step / steps)) / 2}. */
        COSINE,
        /**
         * Linear warm-up to the full rate, then a cosine from it down to {@code minLearningRate} over the remaining
         * steps: step k >= warmupSteps uses {@code min + (lr - min) * (1 + cos(pi * (k - warmup) / (steps - warmup))) / 2}.
         */
        WARMUP_COSINE
    }

    /** A schedule whose rate does not decay below zero, i.e. any but {@link Decay#WARMUP_COSINE} with a floor. */
    public RunSchedule(
            long steps, int batch, float learningRate, int warmupSteps, Decay decay, long seed, int checkpointEvery) {
        this(steps, batch, learningRate, warmupSteps, decay, seed, checkpointEvery, 0f);
    }

    public RunSchedule {
        require(steps >= 1, "steps must be >= 1, got " + steps);
        require(batch >= 1, "batch must be >= 1, got " + batch);
        require(learningRate > 0 && Float.isFinite(learningRate), "learningRate must be positive, got " + learningRate);
        require(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
        require(decay != null, "decay is required (none or cosine)");
        require(checkpointEvery >= 1, "checkpointEvery must be >= 1, got " + checkpointEvery);
        require(
                minLearningRate >= 0 && minLearningRate <= learningRate,
                "the minimum learning rate must be in [0, learningRate " + learningRate + "], got " + minLearningRate);
        require(
                minLearningRate == 0 || decay == Decay.WARMUP_COSINE,
                "a minimum learning rate needs the warm-up + cosine decay, not " + decay);
    }

    /** The learning rate of optimizer step {@code step} (0-based). */
    public float learningRateAt(long step) {
        if (decay == Decay.WARMUP_COSINE) {
            if (step < warmupSteps) {
                return learningRate * (float) ((step + 1.0) / warmupSteps);
            }
            double t = (step - warmupSteps) / (double) Math.max(1, steps - warmupSteps);
            return (float) (minLearningRate + (learningRate - minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * t)));
        }
        if (decay == Decay.COSINE) {
            double warm = warmupSteps == 0 ? 1 : Math.min(1.0, (step + 1.0) / warmupSteps);
            return (float) (learningRate * warm * 0.5 * (1 + Math.cos(Math.PI * (step / (double) steps))));
        }
        return warmupSteps == 0 ? learningRate : learningRate * (float) Math.min(1.0, (step + 1.0) / warmupSteps);
    }

    /** Whether step {@code step} (0-based) may need another rate than the step before it (during warm-up, or always with a decay). */
    public boolean rateChangesAt(long step) {
        return decay != Decay.NONE || warmupSteps > 0 && step <= warmupSteps;
    }

    /** Whether a checkpoint is written after step {@code step} (1-based): every {@code checkpointEvery} steps and after the last. */
    public boolean checkpointAfter(long step) {
        return step % checkpointEvery == 0 || step == steps;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
