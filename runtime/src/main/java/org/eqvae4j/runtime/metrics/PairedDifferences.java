package org.eqvae4j.runtime.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two models evaluated on the same images, compared image by image: for each per-image measure
 * ({@link AutoencoderEvaluation.Report#PER_IMAGE}) the mean of the differences (model - reference) with a percentile
 * bootstrap interval over the images. Pairing removes what the images share (a hard photo is hard for both models), so
 * the interval says whether a difference between two rows of the results table is larger than the spread of the
 * images would make it by chance; it does not cover the training seed's variation.
 */
public final class PairedDifferences {
    /** Interval level and resamples of the tables. */
    public static final double LEVEL = 0.95;

    public static final long SEED = 0;

    private PairedDifferences() {}

    /** One comparison: each measure's mean difference and interval. */
    public record Row(String model, String reference, int images, Map<String, Bootstrap.Interval> differences) {
        public Row {
            differences = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(differences));
        }
    }

    /**
     * @throws IllegalArgumentException when a report has no per-image values or the two were not made on as many
     *                                  images
     */
    public static Row of(
            String model, AutoencoderEvaluation.Report a, String reference, AutoencoderEvaluation.Report b) {
        if (a.perImage().isEmpty() || b.perImage().isEmpty()) {
            throw new IllegalArgumentException("comparing " + model + " with " + reference
                    + " needs per-image values, which "
                    + (a.perImage().isEmpty() ? model : reference) + "'s report does not have");
        }
        if (a.images() != b.images()) {
            throw new IllegalArgumentException(model + " was evaluated on " + a.images() + " images and " + reference
                    + " on " + b.images() + ": not a paired comparison");
        }
        Map<String, Bootstrap.Interval> d = new LinkedHashMap<>();
        for (String key : AutoencoderEvaluation.Report.PER_IMAGE) {
            double[] x = a.perImage().get(key);
            double[] y = b.perImage().get(key);
            double[] diff = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                diff[i] = x[i] - y[i];
            }
            d.put(key, Bootstrap.mean(diff, Bootstrap.DEFAULT_RESAMPLES, LEVEL, SEED));
        }
        return new Row(model, reference, a.images(), d);
    }

    /** The rows as a Markdown table with its legend; intervals that exclude 0 are bold. */
    public static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "Paired differences over the images (model - reference: mean of the per-image differences and its"
                        + " %.0f%% percentile-bootstrap interval over images, %d resamples; **bold**: the interval"
                        + " excludes 0). Errors: lower is better; PSNR: higher is better. The interval covers the"
                        + " images' spread, not the training seed's.%n%n",
                100 * LEVEL,
                Bootstrap.DEFAULT_RESAMPLES));
        List<AutoencoderMeasure> measures = AutoencoderMeasure.perImageMeasures();
        md.append("| model - reference |").append(AutoencoderMeasure.headerCells(measures));
        md.append("\n|---|").append("---|".repeat(measures.size())).append('\n');
        for (Row r : rows) {
            md.append("| ").append(r.model()).append(" - ").append(r.reference());
            for (AutoencoderMeasure m : measures) {
                String d = "%+." + m.decimals() + "f";
                Bootstrap.Interval i = r.differences().get(m.key());
                String cell =
                        String.format(Locale.ROOT, d + " [" + d + ", " + d + "]", i.estimate(), i.low(), i.high());
                md.append(" | ").append(i.excludes(0) ? "**" + cell + "**" : cell);
            }
            md.append(" |\n");
        }
        return md.toString();
    }
}
