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
