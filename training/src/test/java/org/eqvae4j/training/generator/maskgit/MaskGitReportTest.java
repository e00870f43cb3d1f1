package org.eqvae4j.training.generator.maskgit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VQ autoencoders' table: a column per measure, each value under its header, a missing one left empty. */
class MaskGitReportTest {

    private static MaskGitExperiment.Arm arm(String name, Map<String, Object> metrics, double floor) {
        return new MaskGitExperiment.Arm(
                name,
                name + "-vq",
                metrics,
                floor,
                new long[0],
                new double[0],
                new double[0][],
                Path.of(name),
                List.of());
    }

    @Test
    void eachArmsMeasuresStandUnderTheirHeaders() {
        String md = MaskGitReport.vqTable(List.of(
                arm(
                        "base",
                        Map.of(
                                "psnr", 21.567,
                                "codebook_perplexity", 80.04,
                                "codebook_used", 0.5,
                                "equivariance_error_rotation", 0.25,
                                "equivariance_error_scale", 0.5,
                                "psnr_transformed_latent_rotation", 17.0,
                                "psnr_transformed_latent_scale", 16.5,
                                "latent_high_frequency_share", 0.6),
                        16.7),
                arm("eq", Map.of("psnr", 18.8, "codebook_perplexity", 50.0, "codebook_used", 0.25), 22.9)));
        List<String> lines = md.lines().toList();
        assertEquals(4, lines.size(), md);
        assertEquals(
                "| arm | bundle | PSNR (dB) | codebook perplexity | codebook used | eq. error rot | eq. error scale "
                        + "| PSNR tau rot (dB) | PSNR tau scale (dB) | latent HF share | FD-FMNIST-CNN of reconstructions |",
                lines.get(0));
        assertEquals(
                lines.get(0).chars().filter(c -> c == '|').count(),
                lines.get(1).chars().filter(c -> c == '|').count());
        assertEquals(
                "| base | `base-vq` | 21.57 | 80.0 | 50.0 % | 0.250 | 0.500 | 17.00 | 16.50 | 0.600 | 16.70 |",
                lines.get(2));
        assertEquals("| eq | `eq-vq` | 18.80 | 50.0 | 25.0 % | | | | | | 22.90 |", lines.get(3));
        assertTrue(lines.stream().allMatch(l -> l.chars().filter(c -> c == '|').count() == 12), md);
    }
}
