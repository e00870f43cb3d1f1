package org.eqvae4j.runtime.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MaskScheduleTest {

    @Test
    void arccosValuesAndEndpoints() {
        assertEquals(1.0, MaskSchedule.ARCCOS.maskedFraction(0), 1e-12);
        assertEquals(0.0, MaskSchedule.ARCCOS.maskedFraction(1), 1e-12);
        // arccos(0.5) = pi/3 -> 2/3; arccos(sqrt(2)/2) = pi/4 -> 1/2
        assertEquals(2.0 / 3, MaskSchedule.ARCCOS.maskedFraction(0.5), 1e-12);
        assertEquals(0.5, MaskSchedule.ARCCOS.maskedFraction(Math.sqrt(0.5)), 1e-12);
        assertEquals(Math.cos(Math.PI / 8), MaskSchedule.COSINE.maskedFraction(0.25), 1e-12);
        assertEquals(0.75, MaskSchedule.LINEAR.maskedFraction(0.25), 1e-12);
    }

    @Test
    void everyScheduleDecreases() {
        for (MaskSchedule s : MaskSchedule.values()) {
            double prev = 2;
            for (int i = 0; i <= 100; i++) {
                double g = s.maskedFraction(i / 100.0);
                assertTrue(g <= prev && g >= 0 && g <= 1, s + " at " + i);
                prev = g;
            }
        }
    }

    @Test
    void trainingMasksAtLeastOneAndAtMostAll() {
        assertEquals(64, MaskSchedule.ARCCOS.maskedForTraining(0, 64));
        assertEquals(1, MaskSchedule.ARCCOS.maskedForTraining(1, 64));
        assertEquals(43, MaskSchedule.ARCCOS.maskedForTraining(0.5, 64)); // ceil(64 * 2/3)
    }

    @Test
    void decodingUnmasksEverythingByTheLastStep() {
        int[] expected = {58, 53, 48, 42, 36, 29, 20, 0}; // floor(64 * arccos((t+1)/8) / (pi/2)), last step 0
        for (int t = 0; t < 8; t++) {
            assertEquals(expected[t], MaskSchedule.ARCCOS.maskedAfterStep(t, 8, 64), "step " + t);
        }
        assertThrows(IllegalArgumentException.class, () -> MaskSchedule.ARCCOS.maskedAfterStep(8, 8, 64));
        assertEquals(MaskSchedule.COSINE, MaskSchedule.parse(" Cosine "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MaskSchedule.parse("cubic"));
        assertTrue(e.getMessage().contains("cubic"));
    }
}
