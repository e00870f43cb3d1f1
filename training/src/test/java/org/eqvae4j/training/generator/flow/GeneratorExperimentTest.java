package org.eqvae4j.training.generator.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GeneratorExperimentTest {
    private static final List<GeneratorExperiment.Point> POINTS = List.of(
            new GeneratorExperiment.Point(250, 100, 50, 0.1),
            new GeneratorExperiment.Point(500, 40, 30, 0.3),
            new GeneratorExperiment.Point(750, 20, 10, 0.5));

    @Test
    void stepReachingInterpolatesBetweenSnapshots() {
        assertEquals(250, GeneratorExperiment.stepReaching(POINTS, 120, GeneratorExperiment.Point::fd), 1e-9);
        assertEquals(
                250 + 250 * (100 - 70) / 60.0,
                GeneratorExperiment.stepReaching(POINTS, 70, GeneratorExperiment.Point::fd),
                1e-9);
        assertEquals(625, GeneratorExperiment.stepReaching(POINTS, 20, GeneratorExperiment.Point::fdOwn), 1e-9);
        assertTrue(
                Double.isNaN(GeneratorExperiment.stepReaching(POINTS, 5, GeneratorExperiment.Point::fd)),
                "never reached");
    }

    @Test
    void meanLossAveragesTheWindowEndingAtTheStep() {
        TreeMap<Long, Double> loss = new TreeMap<>();
        for (long s = 1; s <= 10; s++) {
            loss.put(s, (double) s);
        }
        assertEquals((8 + 9 + 10) / 3.0, GeneratorExperiment.meanLoss(loss, 10, 3), 1e-12);
        assertEquals(1.5, GeneratorExperiment.meanLoss(loss, 2, 100), 1e-12);
    }
}
