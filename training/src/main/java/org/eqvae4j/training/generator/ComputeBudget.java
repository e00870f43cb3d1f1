package org.eqvae4j.training.generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The compute plan of a generator experiment, stated before it runs: {@code arms x seeds} runs of {@code steps}
 * steps at the measured time of one step, and the evaluations per run (only training is timed; each evaluation
 * also samples, decodes and scores its images).
 *
 * @param measuredOn where the step time comes from (runs already trained, or a probe run)
 */
public record ComputeBudget(
        int arms,
        int seeds,
        long steps,
        double msPerStep,
        String measuredOn,
        int evaluationsPerRun,
        int evalSamples,
        int finalSamples) {

    /** Rows of a metrics.csv left out as session start-up when there are more than 10. */
    static final int WARM_UP_ROWS = 5;

    public double trainingHours() {
        return arms * (double) seeds * steps * msPerStep / 3.6e6;
    }

    public String describe() {
        return String.format(
                Locale.ROOT,
                "compute budget: %d arms x %d seeds x %d steps x %.1f ms/step (median of %s) = %.2f h of training%n"
                        + "  plus %d evaluations per run (%d runs): %d samples each, %d at the last",
                arms,
                seeds,
                steps,
                msPerStep,
                measuredOn,
                trainingHours(),
                evaluationsPerRun,
                arms * seeds,
                evalSamples,
                finalSamples);
    }

    /** The ms column of the metrics.csv files that exist, each without its first rows when it has more than 10. */
    public static List<Double> stepMillis(List<Path> metricsFiles) throws IOException {
        List<Double> ms = new ArrayList<>();
        for (Path metrics : metricsFiles) {
            if (!Files.isRegularFile(metrics)) {
                continue;
            }
            List<String> lines = Files.readAllLines(metrics, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                continue;
            }
            int col = List.of(lines.get(0).split(",")).indexOf("ms");
            if (col < 0) {
                throw new IOException(metrics + " has no ms column: " + lines.get(0));
            }
            for (String line : lines.subList(1, lines.size()).stream()
                    .skip(lines.size() > 10 ? WARM_UP_ROWS : 0)
                    .toList()) {
                ms.add(Double.parseDouble(line.split(",")[col]));
            }
        }
        return ms;
    }

    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no step times to take the median of");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
