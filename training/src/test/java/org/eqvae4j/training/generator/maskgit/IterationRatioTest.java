package org.eqvae4j.training.generator.maskgit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The experiment's iteration ratio: where one FD curve reaches the other's final value. */
class IterationRatioTest {
    private static final long[] STEPS = {250, 500, 750, 1000};

    @Test
    void eqReachingTheBaselineFinalEarlierGivesARatioAboveOne() {
        MaskGitReport.Ratio r =
                MaskGitReport.ratio(STEPS, new double[] {90, 70, 60, 50}, STEPS, new double[] {80, 55, 45, 40});
        assertEquals(750, r.eqReach(), "45 at step 750 is the first EQ value <= the baseline's final 50");
        assertEquals(1000 / 750.0, r.ratio(), 1e-12);
        assertEquals(-1, r.baseReach(), "the baseline never gets down to 40");
    }

    @Test
    void notReachedHasNoRatio() {
        MaskGitReport.Ratio r =
                MaskGitReport.ratio(STEPS, new double[] {90, 70, 60, 50}, STEPS, new double[] {95, 80, 70, 60});
        assertEquals(-1, r.eqReach());
        assertNull(r.ratio());
        assertEquals(750, r.baseReach());
    }

    @Test
    void trailingMeanAveragesUpToKPreviousValues() {
        assertArrayEquals(new double[] {3, 4, 5, 7}, MaskGitReport.trailingMean(new double[] {3, 5, 7, 9}, 3), 1e-12);
    }
}
