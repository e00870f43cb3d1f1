package org.eqvae4j.training;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.eqvae4j.runtime.progress.ProgressListener;

/**
 * The optimizer-step loop every trainer runs (EQ-VAE, flow matching, MaskGIT, the classifier): the learning rate of
 * the {@link RunSchedule} (set at a fresh start and whenever warm-up or decay changes it), the trainer's step inputs
 * with their forward and backward passes, the divergence check before the optimizer step, then the trainer's
 * after-step work, log row and progress, evaluation, and the run folder's checkpoint every
 * {@link RunSchedule#checkpointEvery} steps and after the last. A trainer supplies only what differs, as
 * {@link Hooks}.
 *
 * <p>A non-finite loss stops the run before the optimizer step, and the {@link TrainingDivergedException} names the last
 * good checkpoint: the run folder commits a checkpoint only once a loss computed from its weights was finite
 * ({@link RunFolder#checkLoss}), and the run's last one when the loop ends ({@link RunFolder#finish}).
 */
public final class TrainingLoop {

    /**
     * One optimizer step's record, as the trainers with a plain loss log it.
     *
     * @param step   the finished step (1-based)
     * @param loss   the step's loss
     * @param millis the step's wall time
     */
    public record StepRecord(long step, double loss, double millis) {
        /** The metrics.csv header of {@link #csvRow()}. */
        public static final String CSV_HEADER = "step,loss,ms";

        /** The step as a metrics.csv row: step, loss to 6 decimals, ms to 1. */
        public String csvRow() {
            return String.format(Locale.ROOT, "%d,%.6f,%.1f", step, loss, millis);
        }
    }

    /** What a trainer does inside the loop. */
    public interface Hooks {
        /**
         * Step inputs: feeds optimizer step {@code step} (0-based), all its micro-batches, through the session's training
         * graph and returns the step's loss (the mean over micro-batches).
         */
        double step(TrainingSession session, long step) throws IOException, InterruptedException;

        /** Work after the optimizer step of {@code step} (0-based) that counts into its time, e.g. an EMA of the weights. */
        default void afterStep(TrainingSession session, long step) throws IOException {}

        /** Log: records finished step {@code step} (1-based) and returns the progress message. */
        String log(long step, double loss, double millis) throws IOException;

        /** Evaluation after finished step {@code step} (1-based), before its checkpoint; the trainer decides its cadence. */
        default void evaluate(TrainingSession session, long step, boolean last) throws IOException {}

        /**
         * Checkpoint: state kept outside ONNX Runtime, written with each checkpoint (e.g. EMA weights): file key ->
         * writer of the step-stamped file the run folder names ({@link RunFolder#saveCheckpoint}).
         */
        default Map<String, RunFolder.StateWriter> checkpointState() {
            return Map.of();
        }
    }

    private TrainingLoop() {}

    /**
     * Trains from {@code startStep} (0 for a fresh start, else the step of the checkpoint the session was opened from) to
     * {@code schedule.steps()}.
     *
     * @param run the run folder whose checkpoint is written, or null for a run that keeps none (the classifier)
     */
    public static void run(
            TrainingSession session,
            RunSchedule schedule,
            RunFolder run,
            long startStep,
            Hooks hooks,
            ProgressListener progress)
            throws IOException, InterruptedException {
        run(session, schedule, run, startStep, schedule.steps(), hooks, progress);
    }

    /**
     * Trains from {@code startStep} to {@code endStep}, one piece of a run that changes sessions on the way (e.g. one
     * per training phase): checkpoints follow the schedule as in a run in one piece, and the run folder's last
     * checkpoint is committed only when {@code endStep} is the schedule's last step; a checkpoint saved at
     * {@code endStep} is committed by the next piece's first finite loss.
     */
    public static void run(
            TrainingSession session,
            RunSchedule schedule,
            RunFolder run,
            long startStep,
            long endStep,
            Hooks hooks,
            ProgressListener progress)
            throws IOException, InterruptedException {
        if (endStep > schedule.steps() || endStep < startStep) {
            throw new IllegalArgumentException(
                    "steps " + startStep + ".." + endStep + " do not lie within the run's " + schedule.steps());
        }
        // the schedule's rate, not the checkpoint's: a resume after a divergence may lower it
        // (RunFolder#requireSameConfig)
        session.setLearningRate(schedule.learningRateAt(startStep));
        for (long step = startStep; step < endStep; step++) {
            long t0 = System.nanoTime();
            if (schedule.rateChangesAt(step)) {
                session.setLearningRate(schedule.learningRateAt(step));
            }
            double loss = hooks.step(session, step);
            if (run != null) {
                run.checkLoss(step + 1, loss);
            } else if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException("loss became " + loss + " at step " + (step + 1)
                        + "; this run keeps no checkpoints. Lower the learning rate and run again.");
            }
            session.optimizerStep();
            hooks.afterStep(session, step);
            double ms = (System.nanoTime() - t0) / 1e6;
            String message = hooks.log(step + 1, loss, ms);
            progress.progress((int) (step + 1), (int) schedule.steps(), message);
            boolean last = step + 1 == schedule.steps();
            hooks.evaluate(session, step + 1, last);
            if (run != null && schedule.checkpointAfter(step + 1)) {
                run.saveCheckpoint(session, step + 1, hooks.checkpointState());
            }
        }
        if (run != null && endStep == schedule.steps()) {
            run.finish();
        }
    }
}
