package org.eqvae4j.training.eval;

import java.util.Arrays;

/**
 * How many times fewer training steps arm B needs than arm A for the same score (lower is better, e.g. a Frechet
 * distance): A's final step divided by the step at which B first reaches A's final score, each step linearly
 * interpolated between the two evaluations around the crossing. Above 1: B is faster. When B never reaches A's final
 * score, the ratio is taken the other way (the step at which A reaches B's final score divided by B's final step),
 * so it is below 1 and always defined: the curve with the lower final score reaches the other's final score at its
 * last evaluation at the latest.
 *
 * <p>Scores measured on a few thousand samples are noisy and training curves are not always monotone (a score can
 * rise again late in training). A first crossing of a noisy curve favours the noisier arm: one lucky evaluation
 * crosses early. {@link Curve#MONOTONE} therefore first replaces each curve by its least-squares non-increasing fit
 * (pool-adjacent-violators: neighbouring evaluations that go the wrong way are averaged), which keeps the measured
 * values where the curve falls and averages the noise where it does not; the target is then the fit's final value.
 */
public final class IterationRatio {
    private IterationRatio() {}

    /** Which curve the crossing is read from. */
    public enum Curve {
        /** The scores as measured. */
        MEASURED("as measured"),
        /** The least-squares non-increasing fit of the scores ({@link #monotoneFit}). */
        MONOTONE("monotone fit");

        private final String label;

        Curve(String label) {
            this.label = label;
        }

        /** How reports name it. */
        public String label() {
            return label;
        }
    }

    /**
     * A ratio and how it was found.
     *
     * @param reachedByB  true when B reached A's final score (ratio = A's final step / reachStep), false when the
     *                    ratio was taken the other way (ratio = reachStep / B's final step)
     * @param atFirstEval true when the crossing was at the first evaluation, so the ratio is only a bound
     */
    public record Result(double ratio, double reachStep, double target, boolean reachedByB, boolean atFirstEval) {}

    /** The ratio read from the measured curves: {@code of(Curve.MEASURED, ...)}. */
    public static Result of(long[] stepsA, double[] scoresA, long[] stepsB, double[] scoresB) {
        return of(Curve.MEASURED, stepsA, scoresA, stepsB, scoresB);
    }

    /** @param stepsA evaluation steps of A, ascending; {@code scoresA} its scores; likewise B */
    public static Result of(Curve curve, long[] stepsA, double[] scoresA, long[] stepsB, double[] scoresB) {
        check(stepsA, scoresA, "arm A");
        check(stepsB, scoresB, "arm B");
        if (curve == Curve.MONOTONE) {
            scoresA = monotoneFit(scoresA);
            scoresB = monotoneFit(scoresB);
        }
        double targetA = scoresA[scoresA.length - 1];
        double reachB = stepReaching(stepsB, scoresB, targetA);
        if (!Double.isNaN(reachB)) {
            return new Result(stepsA[stepsA.length - 1] / reachB, reachB, targetA, true, reachB == stepsB[0]);
        }
        double targetB = scoresB[scoresB.length - 1];
        double reachA = stepReaching(stepsA, scoresA, targetB);
        return new Result(reachA / stepsB[stepsB.length - 1], reachA, targetB, false, reachA == stepsA[0]);
    }

    /**
     * The least-squares non-increasing fit of {@code scores} (each evaluation weighted equally), by
     * pool-adjacent-violators: a run of evaluations that rises is replaced by its mean, repeatedly, until nothing
     * rises. A curve that never rises is returned unchanged.
     */
    public static double[] monotoneFit(double[] scores) {
        int n = scores.length;
        double[] sum = new double[n];
        int[] count = new int[n];
        int blocks = 0;
        for (double s : scores) {
            sum[blocks] = s;
            count[blocks] = 1;
            blocks++;
            // merge while the new block's mean is above the previous one's (the fit must not rise)
            while (blocks > 1 && sum[blocks - 1] * count[blocks - 2] > sum[blocks - 2] * count[blocks - 1]) {
                sum[blocks - 2] += sum[blocks - 1];
                count[blocks - 2] += count[blocks - 1];
                blocks--;
            }
        }
        double[] fit = new double[n];
        int at = 0;
        for (int b = 0; b < blocks; b++) {
            Arrays.fill(fit, at, at + count[b], sum[b] / count[b]);
            at += count[b];
        }
        return fit;
    }

    /**
     * The first step, linearly interpolated between evaluations, at which the scores reach {@code target} or lower;
     * NaN when they never do.
     */
    public static double stepReaching(long[] steps, double[] scores, double target) {
        for (int i = 0; i < steps.length; i++) {
            if (scores[i] <= target) {
                if (i == 0) {
                    return steps[0];
                }
                double f = (scores[i - 1] - target) / (scores[i - 1] - scores[i]);
                return steps[i - 1] + f * (steps[i] - steps[i - 1]);
            }
        }
        return Double.NaN;
    }

    private static void check(long[] steps, double[] scores, String what) {
        if (steps.length == 0 || steps.length != scores.length) {
            throw new IllegalArgumentException("iteration ratio: " + what + " has " + steps.length + " steps and "
                    + scores.length + " scores (needs at least one of each, as many of both)");
        }
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] <= 0 || (i > 0 && steps[i] <= steps[i - 1])) {
                throw new IllegalArgumentException(
                        "iteration ratio: " + what + "'s steps must be positive and ascending, got " + steps[i]
                                + (i > 0 ? " after " + steps[i - 1] : ""));
            }
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException(
                        "iteration ratio: " + what + "'s score at step " + steps[i] + " is " + scores[i]);
            }
        }
    }
}
