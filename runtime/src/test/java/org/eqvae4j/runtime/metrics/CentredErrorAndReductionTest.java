package org.eqvae4j.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

/** The centred equivariance error and the relative reduction, against values worked out by hand. */
class CentredErrorAndReductionTest {
    /** [1,2,1,2]: channel 0 = (1, 3), mean 2; channel 1 = (-2, 2), mean 0. ||b||^2 = 18, centred ||b'||^2 = 10. */
    private static final FloatTensor B = new FloatTensor(1, 2, 1, 2, new float[] {1, 3, -2, 2});

    @Test
    void latentsThatDifferOnlyByAPerChannelConstantHaveZeroCentredError() {
        // channel 0 shifted by +5, channel 1 by -1: plain error (2*25 + 2*1) / 18, centred error 0
        FloatTensor a = new FloatTensor(1, 2, 1, 2, new float[] {6, 8, -3, 1});
        assertEquals(52.0 / 18.0, AutoencoderEvaluation.relativeError(a, B), 1e-12);
        assertEquals(0.0, AutoencoderEvaluation.centredRelativeError(a, B), 1e-12);
    }

    @Test
    void centredErrorMeasuresTheStructureLeftAfterEachLatentsOwnMean() {
        // channel 0 = (10, 14): mean 12, centred (-2, 2) against b's (-1, 1): centred error (1 + 1) / 10
        FloatTensor a = new FloatTensor(1, 2, 1, 2, new float[] {10, 14, -2, 2});
        assertEquals(0.2, AutoencoderEvaluation.centredRelativeError(a, B), 1e-12);
        assertEquals((81.0 + 121.0) / 18.0, AutoencoderEvaluation.relativeError(a, B), 1e-12);
        // channel 1 mirrored: same mean, opposite structure: centred error (16 + 16) / 10
        FloatTensor c = new FloatTensor(1, 2, 1, 2, new float[] {1, 3, 2, -2});
        assertEquals((16.0 + 16.0) / 10.0, AutoencoderEvaluation.centredRelativeError(c, B), 1e-12);
    }

    @Test
    void centredErrorRefusesLatentsOfDifferentShape() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> AutoencoderEvaluation.centredRelativeError(FloatTensor.zeros(1, 2, 2, 1), B));
        assertTrue(e.getMessage().startsWith("latents of different shape"), e.getMessage());
    }

    @Test
    void relativeReductionIsTheShareOfTheBaselinesErrorRemoved() {
        assertEquals(0.33, AutoencoderEvaluation.relativeReduction(1.0, 0.67), 1e-12);
        assertEquals(-0.2, AutoencoderEvaluation.relativeReduction(0.5, 0.6), 1e-12);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AutoencoderEvaluation.relativeReduction(0.0, 0.1));
        assertTrue(e.getMessage().contains("baseline error must be positive"), e.getMessage());
    }

    @Test
    void reportsGiveReductionsPerGroupBesideTheirExistingKeys() {
        AutoencoderEvaluation.Report base = report(1.0, 0.5, 0.8, 0.4);
        AutoencoderEvaluation.Report tuned = report(0.6, 0.45, 0.4, 0.3);
        Map<String, Object> m = tuned.reductionsAgainst("taef2", base);
        assertEquals(
                List.of(
                        "baseline",
                        "reduction_equivariance_error_rotation",
                        "reduction_equivariance_error_scale",
                        "reduction_centred_equivariance_error_rotation",
                        "reduction_centred_equivariance_error_scale"),
                List.copyOf(m.keySet()));
        assertEquals("taef2", m.get("baseline"));
        assertEquals(0.4, (double) m.get("reduction_equivariance_error_rotation"), 1e-12);
        assertEquals(0.5, (double) m.get("reduction_equivariance_error_scale"), 1e-12);
        assertEquals(0.1, (double) m.get("reduction_centred_equivariance_error_rotation"), 1e-12);
        assertEquals(0.25, (double) m.get("reduction_centred_equivariance_error_scale"), 1e-12);

        Map<String, Object> keys = tuned.asMap();
        assertEquals(0.6, keys.get("equivariance_error_rotation"), "the existing key keeps the paper's error");
        assertEquals(0.45, keys.get("centred_equivariance_error_rotation"));
        assertEquals(0.3, keys.get("centred_equivariance_error_scale0.5"));
        assertEquals(0.4, keys.get("equivariance_error_scale0.5"));
    }

    /** One rotation and one scale, with the given plain and centred errors. */
    private static AutoencoderEvaluation.Report report(
            double rot, double rotCentred, double scale, double scaleCentred) {
        return new AutoencoderEvaluation.Report(
                1,
                32,
                30.0,
                0.9,
                List.of(new AutoencoderEvaluation.TransformResult("rot90", rot, rotCentred, 20.0)),
                List.of(new AutoencoderEvaluation.TransformResult("scale0.5", scale, scaleCentred, 20.0)),
                10.0,
                0.5,
                java.util.Map.of());
    }
}
