package org.eqvae4j.training.generator;

import java.util.List;
import org.eqvae4j.training.eval.PrecisionRecall;

/** The checks both generator experiments make of their design: arm labels, seeds and sample counts. */
public final class ExperimentDesign {
    private ExperimentDesign() {}

    /** An arm label names files and table rows: letters, digits, '.', '_' and '-' only. */
    public static void requireLabel(String label) {
        if (label == null || !label.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("arm label must be a [A-Za-z0-9._-] string, got " + label);
        }
    }

    /**
     * At least one arm, each label once; at least one seed, each once; enough evaluation samples for
     * precision/recall and no fewer at the end than on the way.
     */
    public static void require(List<String> labels, List<Long> seeds, int evalSamples, int finalSamples) {
        if (labels.isEmpty() || labels.stream().distinct().count() != labels.size()) {
            throw new IllegalArgumentException("--arms must name at least one arm, each label once, got " + labels);
        }
        if (seeds.isEmpty() || seeds.stream().distinct().count() != seeds.size()) {
            throw new IllegalArgumentException("--seeds must name at least one seed, each once, got " + seeds);
        }
        int least = 2 * (PrecisionRecall.DEFAULT_K + 1);
        if (evalSamples < least || finalSamples < evalSamples) {
            throw new IllegalArgumentException("--eval-samples must be at least " + least
                    + " and --final-samples at least --eval-samples, got " + evalSamples + " and " + finalSamples);
        }
    }
}
