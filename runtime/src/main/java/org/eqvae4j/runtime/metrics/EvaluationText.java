package org.eqvae4j.runtime.metrics;

import java.util.List;
import java.util.Locale;

/** An {@link AutoencoderEvaluation.Report} as the console table {@code metrics}, {@code report} and {@code train} print. */
public final class EvaluationText {
    private EvaluationText() {}

    /** The report of model {@code id}: reconstruction, each transform's error and PSNR, the group means, the intrinsic dimension. */
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
                Locale.ROOT, "%-12s %12s %28s%n", "transform", "eq. error", "PSNR D(tau E(x)) vs tau(x)"));
        for (List<AutoencoderEvaluation.TransformResult> group : List.of(r.rotations(), r.scales())) {
            for (AutoencoderEvaluation.TransformResult t : group) {
                b.append(String.format(
                        Locale.ROOT, "%-12s %12.4f %25.2f dB%n", t.name(), t.equivarianceError(), t.psnr()));
            }
        }
        b.append(String.format(
                Locale.ROOT,
                "%-12s %12.4f %25.2f dB%n",
                "rotations",
                r.meanError(r.rotations()),
                r.meanPsnr(r.rotations())));
        b.append(String.format(
                Locale.ROOT, "%-12s %12.4f %25.2f dB%n", "scales", r.meanError(r.scales()), r.meanPsnr(r.scales())));
        b.append(String.format(
                Locale.ROOT,
                "intrinsic dimension (TwoNN, %dx%d latent patches): %.1f%n",
                AutoencoderEvaluation.PATCH,
                AutoencoderEvaluation.PATCH,
                r.intrinsicDimension()));
        return b.toString();
    }
}
