package org.eqvae4j.training.eval;

/**
 * How many times fewer training steps arm B needs than arm A for the same score (lower is better, e.g. a Frechet
 * distance): A's final step divided by the step at which B first reaches A's final score, each step linearly
 * interpolated between the two evaluations around the crossing. Above 1: B is faster. When B never reaches A's final
 * score, the ratio is taken the other way (the step at which A reaches B's final score divided by B's final step),
 * so it is below 1 and always defined: the curve with the lower final score reaches the other's final score at its
 * last evaluation at the latest.
 */
public final class IterationRatio {
    private IterationRatio() {}

    /**
     * A ratio and how it was found.
     *
     * @param reachedByB  true when B reached A's final score (ratio = A's final step / reachStep), false when the
     *                    ratio was taken the other way (ratio = reachStep / B's final step)
     * @param atFirstEval true when the crossing was at the first evaluation, so the ratio is only a bound
     */
    public record Result(double ratio, double reachStep, double target, boolean reachedByB, boolean atFirstEval) {}

    /** @param stepsA evaluation steps of A, ascending; {@code scoresA} its scores; likewise B */
    public static Result of(long[] stepsA, double[] scoresA, long[] stepsB, double[] scoresB) {
        check(stepsA, scoresA, "arm A");
        check(stepsB, scoresB, "arm B");
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
