package org.eqvae4j.runtime.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary measures of an {@link AutoencoderEvaluation.Report}: each one's key (in {@link
 * AutoencoderEvaluation.Report#asMap()}, a bundle's model.json metrics and the reports' CSVs), its column header and
 * the decimals tables print it with. Every table of these measures (RESULTS.md, paired differences, the generator
 * experiments' autoencoder tables) takes its columns from here, so a key read back from a map is never retyped.
 */
public enum AutoencoderMeasure {
    PSNR("psnr", "PSNR (dB)", 2, true),
    SSIM("ssim", "SSIM", 4, false),
    EQUIVARIANCE_ERROR_ROTATION("equivariance_error_rotation", "eq. error rot", 3, true),
    EQUIVARIANCE_ERROR_SCALE("equivariance_error_scale", "eq. error scale", 3, true),
    CENTRED_ERROR_ROTATION("centred_equivariance_error_rotation", "centred rot", 3, true),
    CENTRED_ERROR_SCALE("centred_equivariance_error_scale", "centred scale", 3, true),
    /** PSNR of D(tau(E(x))) against tau(x), the paper's Figure 3 measure. */
    PSNR_TAU_ROTATION("psnr_transformed_latent_rotation", "PSNR tau rot (dB)", 2, true),
    PSNR_TAU_SCALE("psnr_transformed_latent_scale", "PSNR tau scale (dB)", 2, true),
    INTRINSIC_DIMENSION("intrinsic_dimension_twonn", "TwoNN ID", 1, false),
    /** {@link LatentSpectrum#highFrequencyShare}, mean over images. */
    LATENT_HIGH_FREQUENCY("latent_high_frequency_share", "latent HF share", 3, false);

    private final String key;
    private final String header;
    private final int decimals;
    private final boolean perImage;

    AutoencoderMeasure(String key, String header, int decimals, boolean perImage) {
        this.key = key;
        this.header = header;
        this.decimals = decimals;
        this.perImage = perImage;
    }

    public String key() {
        return key;
    }

    public String header() {
        return header;
    }

    public int decimals() {
        return decimals;
    }

    /** Whether the report keeps this measure for each image (for paired comparisons, {@link PairedDifferences}). */
    public boolean perImage() {
        return perImage;
    }

    /** Whether this measure describes the latents as a set rather than the model's output or its equivariance. */
    public boolean ofLatents() {
        return this == INTRINSIC_DIMENSION || this == LATENT_HIGH_FREQUENCY;
    }

    /** The measures a report keeps per image, in table order. */
    public static List<AutoencoderMeasure> perImageMeasures() {
        return Arrays.stream(values()).filter(AutoencoderMeasure::perImage).toList();
    }

    /** This measure's value in {@code report}. */
    public double of(AutoencoderEvaluation.Report report) {
        return switch (this) {
            case PSNR -> report.psnr();
            case SSIM -> report.ssim();
            case EQUIVARIANCE_ERROR_ROTATION -> report.meanError(report.rotations());
            case EQUIVARIANCE_ERROR_SCALE -> report.meanError(report.scales());
            case CENTRED_ERROR_ROTATION -> report.meanCentredError(report.rotations());
            case CENTRED_ERROR_SCALE -> report.meanCentredError(report.scales());
            case PSNR_TAU_ROTATION -> report.meanPsnr(report.rotations());
            case PSNR_TAU_SCALE -> report.meanPsnr(report.scales());
            case INTRINSIC_DIMENSION -> report.intrinsicDimension();
            case LATENT_HIGH_FREQUENCY -> report.latentHighFrequency();
        };
    }

    /** The headers of {@code measures} as Markdown cells: " h1 | h2 |", to follow a row's opening cells. */
    public static String headerCells(List<AutoencoderMeasure> measures) {
        StringBuilder sb = new StringBuilder();
        measures.forEach(m -> sb.append(' ').append(m.header()).append(" |"));
        return sb.toString();
    }

    /** {@code value} with this measure's decimals. */
    public String format(double value) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** This measure's value in {@code metrics} (an {@code asMap()} or model.json map) formatted, or "" if absent. */
    public String cell(Map<String, Object> metrics) {
        return metrics.get(key) instanceof Number n ? format(n.doubleValue()) : "";
    }

    /** {@link #cell} as the rest of a Markdown table row after a "|": " value |", or " |" when absent. */
    public String markdownCell(Map<String, Object> metrics) {
        String cell = cell(metrics);
        return cell.isEmpty() ? " |" : " " + cell + " |";
    }
}
