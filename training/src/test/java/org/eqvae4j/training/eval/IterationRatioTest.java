package org.eqvae4j.training.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eqvae4j.runtime.metrics.Bootstrap;
import org.junit.jupiter.api.Test;

class IterationRatioTest {
    private static final long[] STEPS = {250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 2750, 3000};

    /** A linear curve 100 - slope * step (piecewise linear, so interpolation between evaluations is exact). */
    private static double[] line(double slope) {
        double[] y = new double[STEPS.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = 100 - slope * STEPS[i];
        }
        return y;
    }

    @Test
    void aCurveTwiceAsSteepReachesTheFinalScoreInHalfTheSteps() {
        // A ends at 100 - 0.02 * 3000 = 40; B = 100 - 0.04 t reaches 40 at t = 1500: ratio 3000 / 1500 = 2
        var r = IterationRatio.of(STEPS, line(0.02), STEPS, line(0.04));
        assertEquals(2, r.ratio(), 1e-12);
        assertEquals(1500, r.reachStep(), 1e-9);
        assertEquals(40, r.target(), 1e-12);
        assertTrue(r.reachedByB());
        assertFalse(r.atFirstEval());
        // slope 0.03: 40 at t = 2000, between evaluations 1750 and 2000 -> interpolated crossing exact
        assertEquals(
                1.5, IterationRatio.of(STEPS, line(0.02), STEPS, line(0.03)).ratio(), 1e-12);
        // 0.025: crossing at 2400, between 2250 and 2500
        assertEquals(
                1.25, IterationRatio.of(STEPS, line(0.02), STEPS, line(0.025)).ratio(), 1e-12);
    }

    @Test
    void aSlowerArmGetsTheReciprocalRatio() {
        // B = 100 - 0.01 t ends at 70; A reaches 70 at t = 1500: ratio 1500 / 3000 = 0.5
        var r = IterationRatio.of(STEPS, line(0.02), STEPS, line(0.01));
        assertEquals(0.5, r.ratio(), 1e-12);
        assertFalse(r.reachedByB());
        assertEquals(1, IterationRatio.of(STEPS, line(0.02), STEPS, line(0.02)).ratio(), 1e-12, "same curve");
    }

    @Test
    void aCrossingAtTheFirstEvaluationIsFlaggedAsABound() {
        double[] flat = new double[STEPS.length];
        java.util.Arrays.fill(flat, 10);
        var r = IterationRatio.of(STEPS, line(0.02), STEPS, flat);
        assertEquals(3000 / 250.0, r.ratio(), 1e-12);
        assertTrue(r.atFirstEval());
    }

    @Test
    void ratiosPerSeedPairGiveABootstrapIntervalAroundTheirGeometricMean() {
        // three seed pairs with known ratios 1.5, 2, 3 (B's slopes 0.03, 0.04, 0.06 against A's 0.02)
        double[] ratios = {
            IterationRatio.of(STEPS, line(0.02), STEPS, line(0.03)).ratio(),
            IterationRatio.of(STEPS, line(0.02), STEPS, line(0.04)).ratio(),
            IterationRatio.of(STEPS, line(0.02), STEPS, line(0.06)).ratio()
        };
        assertEquals(3, ratios[2], 1e-12);
        var ci = Bootstrap.geometricMean(ratios, Bootstrap.DEFAULT_RESAMPLES, 0.95, 11);
        assertEquals(Math.cbrt(9), ci.estimate(), 1e-12);
        assertTrue(ci.low() >= 1.5 - 1e-12 && ci.low() < ci.estimate(), ci.toString());
        assertTrue(ci.high() <= 3 + 1e-12 && ci.high() > ci.estimate(), ci.toString());
        assertTrue(ci.excludes(1), "all seeds faster: the interval is above 1");
    }

    @Test
    void theMonotoneFitAveragesRisesAndKeepsFallingCurves() {
        assertArrayEquals(new double[] {5, 4, 3}, IterationRatio.monotoneFit(new double[] {5, 4, 3}), 0);
        // 4 then 6 rise: pooled to 5, 5
        assertArrayEquals(new double[] {10, 5, 5, 2}, IterationRatio.monotoneFit(new double[] {10, 4, 6, 2}), 1e-12);
        // a late rise pools back until the fit no longer rises: (3 + 5 + 7) / 3 = 5 < 6
        assertArrayEquals(
                new double[] {9, 6, 5, 5, 5}, IterationRatio.monotoneFit(new double[] {9, 6, 3, 5, 7}), 1e-12);
        double[] noisy = {50, 30, 45, 28, 40};
        double[] fit = IterationRatio.monotoneFit(noisy);
        for (int i = 1; i < fit.length; i++) {
            assertTrue(fit[i] <= fit[i - 1], java.util.Arrays.toString(fit));
        }
        assertEquals(
                java.util.Arrays.stream(noisy).sum(),
                java.util.Arrays.stream(fit).sum(),
                1e-9,
                "least squares keeps the mean");
    }

    @Test
    void oneLuckyEvaluationCrossesEarlyOnlyOnTheMeasuredCurve() {
        long[] steps = {250, 500, 750, 1000};
        double[] a = {80, 60, 50, 40}; // A ends at 40
        double[] b = {80, 38, 70, 41}; // B dips once below 40 at 500, then ends above it
        var measured = IterationRatio.of(IterationRatio.Curve.MEASURED, steps, a, steps, b);
        assertTrue(measured.reachedByB());
        assertTrue(measured.ratio() > 1.9, "the dip reads as B nearly twice as fast: " + measured);
        var fitted = IterationRatio.of(IterationRatio.Curve.MONOTONE, steps, a, steps, b);
        // B's fit: 80, 54, 54, 41 never reaches 40; A reaches 41 at 975 of B's 1000 steps
        assertFalse(fitted.reachedByB());
        assertEquals(41, fitted.target(), 1e-9);
        assertEquals(975, fitted.reachStep(), 1e-9);
        assertEquals(0.975, fitted.ratio(), 1e-12);
    }

    @Test
    void badCurvesAreNamed() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> IterationRatio.of(new long[] {500, 250}, new double[] {2, 1}, STEPS, line(0.02)));
        assertTrue(e.getMessage().contains("arm A") && e.getMessage().contains("ascending"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> IterationRatio.of(STEPS, line(0.02), new long[] {1}, new double[] {Double.NaN}));
        assertTrue(e.getMessage().contains("arm B"), e.getMessage());
    }
}
