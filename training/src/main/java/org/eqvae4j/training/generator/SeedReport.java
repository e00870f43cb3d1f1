package org.eqvae4j.training.generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.metrics.Bootstrap;

/**
 * The parts of a generator experiment's report that come from {@link SeedStatistics}, shared by the flow-matching
 * and MaskGIT reports: the CSV files and band charts, the floors paragraph, the final-score table and the
 * iteration-ratio table (Markdown).
 */
public final class SeedReport {
    private SeedReport() {}

    /** A band chart: the metric, its file name, title and axis label. */
    public record Chart(String metric, String file, String title, String axis) {}

    /**
     * Writes {@code runs.csv}, {@code bands.csv}, {@code ratios.csv}, {@code floors.csv} and the band charts into
     * {@code out}.
     *
     * @param floorImages how many test images each floor was measured on (a column of floors.csv)
     */
    public static void writeFiles(
            Path out,
            SeedStatistics stats,
            List<SeedStatistics.PairRatio> ratios,
            SeedStatistics.FloorCheck floors,
            int floorImages,
            List<Chart> charts)
            throws IOException {
        for (Chart c : charts) {
            stats.writeBandChart(c.metric(), c.title(), c.axis(), out.resolve(c.file()));
        }
        stats.writeRunsCsv(out.resolve("runs.csv"));
        stats.writeBandsCsv(out.resolve("bands.csv"));
        SeedStatistics.writeRatiosCsv(ratios, out.resolve("ratios.csv"));
        StringBuilder csv = new StringBuilder("arm,reconstruction_fd_fmnist_cnn,test_images,spread,tolerance,within\n");
        for (Map.Entry<String, Double> e : floors.floors().entrySet()) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%.6f,%d,%.6f,%s,%s%n",
                    e.getKey(),
                    e.getValue(),
                    floorImages,
                    floors.spread(),
                    floors.tolerance(),
                    floors.within()));
        }
        AtomicFiles.write(out.resolve("floors.csv"), o -> o.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Where each arm's autoencoder comes from: its bundle, id and the {@code weights} line of its model.json (the
     * trainer writes the whole recipe there: base model, steps, rate, p_eq, data), so a reader can train the arms
     * again with {@code eqvae train}.
     */
    public static String armSources(Map<String, Path> bundles) throws IOException {
        StringBuilder md =
                new StringBuilder("| arm | bundle | id | weights (model.json provenance) |\n|---|---|---|---|\n");
        for (Map.Entry<String, Path> e : bundles.entrySet()) {
            ModelManifest m = ModelBundle.open(e.getValue()).manifest();
            Object weights = m.provenance().get("weights");
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | `%s` | %s | %s |%n",
                    e.getKey(),
                    e.getValue(),
                    m.id(),
                    weights == null ? "(not recorded)" : weights.toString().replace("|", "\\|")));
        }
        return md.append('\n').toString();
    }

    /** The floors table and whether they are within the tolerance. */
    public static String floors(SeedStatistics.FloorCheck fc) {
        StringBuilder md = new StringBuilder("| arm | FD-FMNIST-CNN of its reconstructions |\n|---|---:|\n");
        fc.floors().forEach((arm, fd) -> md.append(String.format(Locale.ROOT, "| %s | %.2f |%n", arm, fd)));
        md.append(String.format(
                Locale.ROOT,
                "%nThe largest floor is %.0f %% above the smallest: %s (aim: within %.0f %%, so that scores against the "
                        + "test set compare generators, not decoders).%n%n",
                100 * fc.spread(),
                fc.within()
                        ? "**within** the aim"
                        : "**outside** the aim; scores against the test set then mostly rank the decoders",
                100 * fc.tolerance()));
        List<String> arms = List.copyOf(fc.floors().keySet());
        if (arms.size() > 2) {
            // with a base arm the pair that matters is usually control vs EQ: give every pair its own spread
            md.append("Pairwise (larger / smaller - 1):");
            for (int b = 1; b < arms.size(); b++) {
                for (int a = 0; a < b; a++) {
                    SeedStatistics.FloorCheck pair = SeedStatistics.floors(
                            Map.of(
                                    arms.get(a),
                                    fc.floors().get(arms.get(a)),
                                    arms.get(b),
                                    fc.floors().get(arms.get(b))),
                            fc.tolerance());
                    md.append(String.format(
                            Locale.ROOT,
                            "%s %s vs %s %.0f %% (%s)",
                            a == 0 && b == 1 ? "" : ";",
                            arms.get(b),
                            arms.get(a),
                            100 * pair.spread(),
                            pair.within() ? "within" : "outside"));
                }
            }
            md.append(".\n\n");
        }
        return md.toString();
    }

    /** Each arm's mean [interval] of {@code metrics} at its last step every seed scored. */
    public static String finalScores(SeedStatistics stats, List<String> metrics, String samplesMetric) {
        StringBuilder md = new StringBuilder("| arm | step | samples |");
        metrics.forEach(m -> md.append(' ').append(m).append(" |"));
        md.append("\n|---|---:|---:|").append("---:|".repeat(metrics.size())).append('\n');
        for (String arm : stats.arms()) {
            List<SeedStatistics.Band> first = stats.bands(arm, metrics.get(0));
            if (first.isEmpty()) {
                continue;
            }
            long last = first.get(first.size() - 1).step();
            md.append("| ").append(arm).append(" | ").append(last).append(" | ");
            md.append(stats.bands(arm, samplesMetric).stream()
                            .filter(b -> b.step() == last)
                            .findFirst()
                            .map(b -> String.valueOf(Math.round(b.interval().estimate())))
                            .orElse(""))
                    .append(" |");
            for (String m : metrics) {
                md.append(stats.bands(arm, m).stream()
                        .filter(b -> b.step() == last)
                        .findFirst()
                        .map(b -> " " + format(b.interval()) + " |")
                        .orElse(" |"));
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** The iteration ratios: per seed, geometric mean [interval] and what the interval shows. */
    public static String ratios(List<SeedStatistics.PairRatio> ratios) {
        StringBuilder md = new StringBuilder(
                "| A | B | score | curve | per seed | geometric mean [95 % interval] | verdict |\n|---|---|---|---|---|---:|---|\n");
        for (SeedStatistics.PairRatio r : ratios) {
            StringBuilder per = new StringBuilder();
            for (int i = 0; i < r.seeds().length; i++) {
                per.append(i == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%.2f", r.perSeed()[i].ratio()))
                        .append(r.perSeed()[i].atFirstEval() ? " (bound)" : "");
            }
            Bootstrap.Interval ci = r.interval();
            String verdict = ci.low() > 1
                    ? (ci.estimate() >= 2 ? "B faster, >= 2x" : "B faster")
                    : ci.high() < 1 ? "A faster" : "no difference shown";
            if (Arrays.stream(r.perSeed()).anyMatch(x -> x.atFirstEval())) {
                verdict += " (some crossings at the first evaluation: bounds only; evaluate earlier)";
            }
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s |%n",
                    r.armA(),
                    r.armB(),
                    r.metric(),
                    r.curve().label(),
                    per,
                    format(ci),
                    verdict));
        }
        return md.toString();
    }

    /** The explanation under the ratio table. */
    public static final String RATIO_DEFINITION =
            "Steps arm A needs for its final score divided by the steps arm B needs to reach it (linear interpolation "
                    + "between evaluations), per seed pair (the same seed in both arms); below 1 when B never reaches it "
                    + "(then A's steps to B's final score over B's). Interval: 95 % percentile bootstrap of the geometric "
                    + "mean over seeds (10,000 resamples, seeded); with 3 seeds it is about the range of the seeds. "
                    + "Curve: *as measured* reads the first crossing of the scores; *monotone fit* reads it from each "
                    + "run's least-squares non-increasing fit (neighbouring evaluations that rise are averaged), which "
                    + "does not let one lucky evaluation of a noisy arm cross early; trust the two when they agree. "
                    + "Paper: x7 (DiT), x2 (MaskGIT) for EQ-VAE. Every per-seed number: `ratios.csv`.\n\n";

    static String format(Bootstrap.Interval i) {
        return String.format(Locale.ROOT, "%s [%s, %s]", num(i.estimate()), num(i.low()), num(i.high()));
    }

    private static String num(double v) {
        return Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
