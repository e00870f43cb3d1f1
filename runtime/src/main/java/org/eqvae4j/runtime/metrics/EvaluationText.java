package org.eqvae4j.runtime.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An {@link AutoencoderEvaluation.Report} as the console table {@code metrics}, {@code report} and {@code train} print. */
public final class EvaluationText {
    private static final String ROW = "%-12s %12.4f %14.4f %25.2f dB%n";

    private EvaluationText() {}

    /** The relative reductions of {@code r}'s mean errors against {@code baseline}'s, one line per transform group. */
    public static String reductions(
            String baselineId, AutoencoderEvaluation.Report baseline, AutoencoderEvaluation.Report r) {
        StringBuilder b = new StringBuilder(String.format(
                Locale.ROOT, "reduction against %s   %12s %14s%n", baselineId, "eq. error", "centred error"));
        for (String group : List.of("rotation", "scale")) {
            Map<String, Object> m = r.reductionsAgainst(baselineId, baseline);
            b.append(String.format(
                    Locale.ROOT,
                    "%-" + (14 + baselineId.length()) + "s   %11.1f%% %13.1f%%%n",
                    group.equals("rotation") ? "rotations" : "scales",
                    100 * (double) m.get("reduction_equivariance_error_" + group),
                    100 * (double) m.get("reduction_centred_equivariance_error_" + group)));
        }
        return b.toString();
    }

    /** The report of model {@code id}: reconstruction, each transform's plain and centred error and PSNR, the group means, the intrinsic dimension. */
    public static String of(String id, AutoencoderEvaluation.Report r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "model %s, %d images at %dx%d; E(x) = deterministic latent (posterior mean for KL)%n",
                id,
                r.images(),
                r.size(),
                r.size()));
        b.append(String.format(Locale.ROOT, "reconstruction   PSNR %.2f dB   SSIM %.4f%n", r.psnr(), r.ssim()));
        b.append(String.format(
                Locale.ROOT,
                "%-12s %12s %14s %28s%n",
                "transform",
                "eq. error",
                "centred error",
                "PSNR D(tau E(x)) vs tau(x)"));
        for (List<AutoencoderEvaluation.TransformResult> group : List.of(r.rotations(), r.scales())) {
            for (AutoencoderEvaluation.TransformResult t : group) {
                b.append(String.format(
                        Locale.ROOT, ROW, t.name(), t.equivarianceError(), t.centredEquivarianceError(), t.psnr()));
            }
        }
        b.append(String.format(
                Locale.ROOT,
                ROW,
                "rotations",
                r.meanError(r.rotations()),
                r.meanCentredError(r.rotations()),
                r.meanPsnr(r.rotations())));
        b.append(String.format(
                Locale.ROOT,
                ROW,
                "scales",
                r.meanError(r.scales()),
                r.meanCentredError(r.scales()),
                r.meanPsnr(r.scales())));
        b.append(String.format(
                Locale.ROOT,
                "intrinsic dimension (TwoNN, %dx%d latent patches): %.1f%n",
                AutoencoderEvaluation.PATCH,
                AutoencoderEvaluation.PATCH,
                r.intrinsicDimension()));
        b.append(String.format(
                Locale.ROOT,
                "latent high-frequency share (power above %.2f cycles per latent pixel): %s%n",
                LatentSpectrum.CUTOFF,
                AutoencoderMeasure.LATENT_HIGH_FREQUENCY.format(r.latentHighFrequency())));
        return b.toString();
    }
}
