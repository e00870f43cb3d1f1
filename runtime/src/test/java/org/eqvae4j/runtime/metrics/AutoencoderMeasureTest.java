package org.eqvae4j.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one list of summary measures: its keys are asMap()'s, its values the report's, its cells formatted. */
class AutoencoderMeasureTest {
    private static final AutoencoderEvaluation.Report REPORT = new AutoencoderEvaluation.Report(
            3,
            64,
            30.5,
            0.875,
            List.of(
                    new AutoencoderEvaluation.TransformResult("rot90", 0.5, 0.25, 20.0),
                    new AutoencoderEvaluation.TransformResult("rot180", 0.7, 0.35, 22.0)),
            List.of(new AutoencoderEvaluation.TransformResult("scale0.5", 0.4, 0.2, 18.0)),
            12.25,
            0.375,
            Map.of());

    @Test
    void everyMeasureIsInAsMapUnderItsKeyWithTheReportsValue() {
        Map<String, Object> map = REPORT.asMap();
        double[] expected = {30.5, 0.875, 0.6, 0.4, 0.3, 0.2, 21.0, 18.0, 12.25, 0.375};
        AutoencoderMeasure[] measures = AutoencoderMeasure.values();
        assertEquals(expected.length, measures.length);
        for (int i = 0; i < measures.length; i++) {
            assertEquals(expected[i], measures[i].of(REPORT), 1e-12, measures[i].name());
            assertEquals(expected[i], (double) map.get(measures[i].key()), 1e-12, measures[i].key());
        }
        assertEquals(
                measures.length,
                Arrays.stream(measures).map(AutoencoderMeasure::key).distinct().count(),
                "keys are unique");
    }

    @Test
    void cellsUseTheMeasuresDecimalsAndAreEmptyWhenTheKeyIsMissing() {
        Map<String, Object> map = REPORT.asMap();
        assertEquals("30.50", AutoencoderMeasure.PSNR.cell(map));
        assertEquals("0.600", AutoencoderMeasure.EQUIVARIANCE_ERROR_ROTATION.cell(map));
        assertEquals("12.3", AutoencoderMeasure.INTRINSIC_DIMENSION.cell(map));
        assertEquals("", AutoencoderMeasure.SSIM.cell(Map.of("psnr", 1.0)));
        assertEquals("", AutoencoderMeasure.PSNR.cell(Map.of("psnr", "n/a")), "a value that is not a number");
        assertEquals(" 30.50 |", AutoencoderMeasure.PSNR.markdownCell(map));
        assertEquals(" |", AutoencoderMeasure.SSIM.markdownCell(Map.of()));
    }

    @Test
    void thePerImageMeasuresAreEveryMeasureButSsimAndTheLatentSetsOwn() {
        assertEquals(
                List.of(
                        "psnr",
                        "equivariance_error_rotation",
                        "equivariance_error_scale",
                        "centred_equivariance_error_rotation",
                        "centred_equivariance_error_scale",
                        "psnr_transformed_latent_rotation",
                        "psnr_transformed_latent_scale"),
                AutoencoderEvaluation.Report.PER_IMAGE);
        assertTrue(AutoencoderMeasure.perImageMeasures().stream().allMatch(AutoencoderMeasure::perImage));
    }
}
