package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RunScheduleTest {

    @Test
    void warmUpIsLinearThenConstantBitForBitAsTheTrainersHadIt() {
        RunSchedule s = new RunSchedule(100, 8, 3e-4f, 7, RunSchedule.Decay.NONE, 1, 10);
        for (long step = 0; step < 100; step++) {
            // the flow-matching trainer's former rule in float arithmetic, the others' in double: both must hold
            float floatRule = 3e-4f * Math.min(1f, (step + 1f) / 7);
            float doubleRule = 3e-4f * (float) Math.min(1.0, (step + 1.0) / 7);
            assertEquals(
                    Float.floatToIntBits(doubleRule), Float.floatToIntBits(s.learningRateAt(step)), "step " + step);
            assertEquals(Float.floatToIntBits(floatRule), Float.floatToIntBits(s.learningRateAt(step)), "step " + step);
        }
        assertEquals(3e-4f * (float) (1.0 / 7), s.learningRateAt(0));
        assertEquals(3e-4f, s.learningRateAt(6));
        assertTrue(s.rateChangesAt(7));
        assertFalse(s.rateChangesAt(8), "constant after warm-up: the loop leaves the session's rate alone");
        assertEquals(2e-3f, new RunSchedule(5, 1, 2e-3f, 0, RunSchedule.Decay.NONE, 0, 1).learningRateAt(0));
    }

    @Test
    void cosineDecayIsTheClassifiersRule() {
        RunSchedule s = new RunSchedule(3000, 64, 2e-3f, 0, RunSchedule.Decay.COSINE, 1, 3000);
        for (long step : new long[] {0, 1, 750, 1500, 2999}) {
            float former = (float) (2e-3f * 0.5 * (1 + Math.cos(Math.PI * (step / 3000.0))));
            assertEquals(Float.floatToIntBits(former), Float.floatToIntBits(s.learningRateAt(step)), "step " + step);
        }
        assertEquals(1e-3f, s.learningRateAt(1500), 1e-9f);
        assertTrue(s.rateChangesAt(2000), "a decaying rate is set every step");
    }

    @Test
    void warmUpThenCosineDecayReachesTheFloor() {
        // 10 steps of warm-up, then 100 of cosine from 1e-3 down to 1e-4
        RunSchedule s = new RunSchedule(110, 4, 1e-3f, 10, RunSchedule.Decay.WARMUP_COSINE, 1, 50, 1e-4f);
        assertEquals(1e-4f, s.learningRateAt(0), 1e-10f); // 1/10 of the rate
        assertEquals(5e-4f, s.learningRateAt(4), 1e-10f);
        assertEquals(1e-3f, s.learningRateAt(9), 1e-10f); // warm-up done
        assertEquals(1e-3f, s.learningRateAt(10), 1e-10f); // the cosine starts at the full rate
        assertEquals(5.5e-4f, s.learningRateAt(60), 1e-9f); // half way: (max + min) / 2
        assertEquals(1e-4f + 9e-4f * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.learningRateAt(35), 1e-9f);
        assertEquals(1e-4f + 9e-4f * 0.5 * (1 + Math.cos(Math.PI * 0.99)), s.learningRateAt(109), 1e-9f);
        for (long k = 11; k < 110; k++) {
            assertTrue(s.learningRateAt(k) < s.learningRateAt(k - 1), "falls after warm-up, step " + k);
            assertTrue(s.learningRateAt(k) > 1e-4f, "stays above the floor, step " + k);
        }
        // a pure function of the step: the same value whenever asked (what an exact resume needs)
        assertEquals(
                Float.floatToIntBits(s.learningRateAt(77)),
                Float.floatToIntBits(new RunSchedule(110, 4, 1e-3f, 10, RunSchedule.Decay.WARMUP_COSINE, 9, 7, 1e-4f)
                        .learningRateAt(77)));
        // without warm-up and floor: the cosine from step 0 to 0, as the classifier's rule
        RunSchedule plain = new RunSchedule(3000, 64, 2e-3f, 0, RunSchedule.Decay.WARMUP_COSINE, 1, 3000, 0f);
        RunSchedule classifier = new RunSchedule(3000, 64, 2e-3f, 0, RunSchedule.Decay.COSINE, 1, 3000);
        for (long step : new long[] {0, 1, 750, 1500, 2999}) {
            assertEquals(classifier.learningRateAt(step), plain.learningRateAt(step), 1e-10f, "step " + step);
        }
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new RunSchedule(10, 1, 1e-3f, 0, RunSchedule.Decay.NONE, 0, 1, 1e-4f))
                .getMessage()
                .contains("minimum learning rate"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new RunSchedule(10, 1, 1e-3f, 0, RunSchedule.Decay.WARMUP_COSINE, 0, 1, 2e-3f));
    }

    @Test
    void checkpointsEveryIntervalAndAfterTheLastStep() {
        RunSchedule s = new RunSchedule(7, 1, 1e-3f, 0, RunSchedule.Decay.NONE, 0, 3);
        StringBuilder after = new StringBuilder();
        for (long step = 1; step <= 7; step++) {
            if (s.checkpointAfter(step)) {
                after.append(step);
            }
        }
        assertEquals("367", after.toString());
    }

    @Test
    void badSettingsAreNamed() {
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new RunSchedule(0, 1, 1e-3f, 0, RunSchedule.Decay.NONE, 0, 1))
                .getMessage()
                .contains("steps"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new RunSchedule(1, 1, Float.NaN, 0, RunSchedule.Decay.NONE, 0, 1))
                .getMessage()
                .contains("learningRate"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new RunSchedule(1, 1, 1e-3f, 0, RunSchedule.Decay.NONE, 0, 0))
                .getMessage()
                .contains("checkpointEvery"));
    }
}
