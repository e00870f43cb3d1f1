package org.eqvae4j.training.generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eqvae4j.runtime.io.AtomicFiles;
import org.eqvae4j.runtime.metrics.Bootstrap;
import org.eqvae4j.training.eval.IterationRatio;
import org.eqvae4j.training.report.BandChart;

/**
 * The statistics of a generator experiment with several arms (autoencoders) and several seeds per arm: per arm and
 * evaluation step the mean of each metric over seeds with a percentile bootstrap interval, the iteration ratio of
 * one arm against another per seed pair (the same seed in both arms) with a bootstrap interval of their geometric
 * mean, and a check that the arms' reconstruction floors are close. Writes every number as CSV and the curves as
 * band charts. Shared by the flow-matching and MaskGIT experiments; knows nothing of how the numbers were made.
 */
public final class SeedStatistics {
    /** One scored snapshot of one run: metric name -> value (lower is better for the ones ratios are taken of). */
    public record Evaluation(long step, Map<String, Double> metrics) {}

    /** One training run: one arm, one seed, its evaluations in step order. */
    public record Run(String arm, long seed, List<Evaluation> evaluations) {}

    /** A metric's mean over an arm's seeds at one step, and its interval. */
    public record Band(String arm, String metric, long step, int seeds, Bootstrap.Interval interval) {}

    /**
     * The iteration ratio of arm B against arm A on a metric, read from the measured or the monotone-fitted curves:
     * one per seed, and their geometric mean's interval.
     */
    public record PairRatio(
            String armA,
            String armB,
            String metric,
            IterationRatio.Curve curve,
            long[] seeds,
            IterationRatio.Result[] perSeed,
            Bootstrap.Interval interval) {}

    /** The arms' reconstruction floors and whether the largest is within {@code tolerance} of the smallest. */
    public record FloorCheck(Map<String, Double> floors, double spread, double tolerance) {
        public boolean within() {
            return spread <= tolerance;
        }
    }

    private final List<Run> runs;
    private final int resamples;
    private final double level;
    private final long bootstrapSeed;

    /**
     * @param resamples     bootstrap resamples (10,000 in the reports)
     * @param level         interval coverage (0.95)
     * @param bootstrapSeed seeds every bootstrap, so a report regenerates the same intervals
     */
    public SeedStatistics(List<Run> runs, int resamples, double level, long bootstrapSeed) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("seed statistics: no runs");
        }
        this.runs = List.copyOf(runs);
        this.resamples = resamples;
        this.level = level;
        this.bootstrapSeed = bootstrapSeed;
    }

    /** Arm labels in the order their first run was given. */
    public List<String> arms() {
        LinkedHashSet<String> arms = new LinkedHashSet<>();
        runs.forEach(r -> arms.add(r.arm()));
        return List.copyOf(arms);
    }

    /** Metric names in the order of the first evaluation that has them. */
    public List<String> metrics() {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        runs.forEach(r -> r.evaluations().forEach(e -> names.addAll(e.metrics().keySet())));
        return List.copyOf(names);
    }

    private List<Run> runsOf(String arm) {
        return runs.stream().filter(r -> r.arm().equals(arm)).toList();
    }

    /** The arm's mean and interval of {@code metric} at each step that every seed of the arm has scored. */
    public List<Band> bands(String arm, String metric) {
        List<Run> armRuns = runsOf(arm);
        TreeMap<Long, List<Double>> byStep = new TreeMap<>();
        for (Run r : armRuns) {
            for (Evaluation e : r.evaluations()) {
                Double v = e.metrics().get(metric);
                if (v != null) {
                    byStep.computeIfAbsent(e.step(), k -> new ArrayList<>()).add(v);
                }
            }
        }
        List<Band> out = new ArrayList<>();
        for (var e : byStep.entrySet()) {
            if (e.getValue().size() == armRuns.size()) {
                double[] v =
                        e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
                out.add(new Band(
                        arm, metric, e.getKey(), v.length, Bootstrap.mean(v, resamples, level, bootstrapSeed)));
            }
        }
        return out;
    }

    /**
     * Arm B's iteration ratio against arm A on {@code metric} (lower is better), over the seeds both arms have, read
     * from the {@code curve} of each run.
     */
    public PairRatio ratio(String armA, String armB, String metric, IterationRatio.Curve curve) {
        Map<Long, Run> a = bySeed(armA);
        Map<Long, Run> b = bySeed(armB);
        List<Long> seeds = a.keySet().stream().filter(b::containsKey).sorted().toList();
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("iteration ratio " + armB + " vs " + armA + ": the arms share no seed ("
                    + a.keySet() + " vs " + b.keySet() + ")");
        }
        IterationRatio.Result[] per = new IterationRatio.Result[seeds.size()];
        double[] ratios = new double[seeds.size()];
        for (int i = 0; i < per.length; i++) {
            Run ra = a.get(seeds.get(i));
            Run rb = b.get(seeds.get(i));
            per[i] = IterationRatio.of(
                    curve, steps(ra, metric), values(ra, metric), steps(rb, metric), values(rb, metric));
            ratios[i] = per[i].ratio();
        }
        return new PairRatio(
                armA,
                armB,
                metric,
                curve,
                seeds.stream().mapToLong(Long::longValue).toArray(),
                per,
                Bootstrap.geometricMean(ratios, resamples, level, bootstrapSeed));
    }

    private Map<Long, Run> bySeed(String arm) {
        Map<Long, Run> m = new TreeMap<>();
        for (Run r : runsOf(arm)) {
            if (m.put(r.seed(), r) != null) {
                throw new IllegalArgumentException("arm " + arm + " has two runs of seed " + r.seed());
            }
        }
        if (m.isEmpty()) {
            throw new IllegalArgumentException("no runs of arm " + arm + " (arms: " + arms() + ")");
        }
        return m;
    }

    private static long[] steps(Run r, String metric) {
        return r.evaluations().stream()
                .filter(e -> e.metrics().containsKey(metric))
                .mapToLong(Evaluation::step)
                .toArray();
    }

    private static double[] values(Run r, String metric) {
        return r.evaluations().stream()
                .filter(e -> e.metrics().containsKey(metric))
                .mapToDouble(e -> e.metrics().get(metric))
                .toArray();
    }

    /** Spread = largest / smallest floor - 1; reported, never fatal. */
    public static FloorCheck floors(Map<String, Double> floors, double tolerance) {
        double min =
                floors.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max =
                floors.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return new FloorCheck(
                new LinkedHashMap<>(floors), min > 0 ? max / min - 1 : Double.POSITIVE_INFINITY, tolerance);
    }

    /** {@code runs.csv}: every evaluation of every run, one metric per column. */
    public void writeRunsCsv(Path csv) throws IOException {
        List<String> metrics = metrics();
        StringBuilder sb = new StringBuilder("arm,seed,step," + String.join(",", metrics) + "\n");
        for (Run r : runs) {
            for (Evaluation e : r.evaluations()) {
                sb.append(r.arm()).append(',').append(r.seed()).append(',').append(e.step());
                for (String m : metrics) {
                    Double v = e.metrics().get(m);
                    sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.6g", v));
                }
                sb.append('\n');
            }
        }
        write(csv, sb);
    }

    /** {@code bands.csv}: arm, metric, step, seeds, mean, interval bounds. */
    public void writeBandsCsv(Path csv) throws IOException {
        StringBuilder sb = new StringBuilder("arm,metric,step,seeds,mean,ci_low,ci_high,level\n");
        for (String arm : arms()) {
            for (String m : metrics()) {
                for (Band b : bands(arm, m)) {
                    sb.append(String.format(
                            Locale.ROOT,
                            "%s,%s,%d,%d,%.6g,%.6g,%.6g,%s%n",
                            arm,
                            m,
                            b.step(),
                            b.seeds(),
                            b.interval().estimate(),
                            b.interval().low(),
                            b.interval().high(),
                            level));
                }
            }
        }
        write(csv, sb);
    }

    /** {@code ratios.csv}: per seed pair, then the geometric mean and its interval (seed column "all"). */
    public static void writeRatiosCsv(List<PairRatio> ratios, Path csv) throws IOException {
        StringBuilder sb = new StringBuilder(
                "arm_a,arm_b,metric,curve,seed,ratio,ci_low,ci_high,target,reach_step,reached_by_b,at_first_eval\n");
        for (PairRatio p : ratios) {
            for (int i = 0; i < p.seeds().length; i++) {
                IterationRatio.Result r = p.perSeed()[i];
                sb.append(String.format(
                        Locale.ROOT,
                        "%s,%s,%s,%s,%d,%.6g,,,%.6g,%.6g,%s,%s%n",
                        p.armA(),
                        p.armB(),
                        p.metric(),
                        p.curve().name().toLowerCase(Locale.ROOT),
                        p.seeds()[i],
                        r.ratio(),
                        r.target(),
                        r.reachStep(),
                        r.reachedByB(),
                        r.atFirstEval()));
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%s,%s,all,%.6g,%.6g,%.6g,,,,%n",
                    p.armA(),
                    p.armB(),
                    p.metric(),
                    p.curve().name().toLowerCase(Locale.ROOT),
                    p.interval().estimate(),
                    p.interval().low(),
                    p.interval().high()));
        }
        write(csv, sb);
    }

    /** One band chart of {@code metric}: each arm's mean over seeds with its interval shaded. */
    public void writeBandChart(String metric, String title, String yLabel, Path png) throws IOException {
        List<BandChart.Curve> curves = new ArrayList<>();
        for (String arm : arms()) {
            List<Band> bands = bands(arm, metric);
            if (bands.isEmpty()) {
                continue;
            }
            int n = bands.size();
            double[] x = new double[n], y = new double[n], lo = new double[n], hi = new double[n];
            for (int i = 0; i < n; i++) {
                Band b = bands.get(i);
                x[i] = b.step();
                y[i] = b.interval().estimate();
                lo[i] = b.interval().low();
                hi[i] = b.interval().high();
            }
            curves.add(new BandChart.Curve(
                    arm + " (mean of " + bands.get(0).seeds() + " seeds, " + Math.round(100 * level) + " % interval)",
                    x,
                    y,
                    lo,
                    hi));
        }
        BandChart.write(title, "optimizer step", yLabel, curves, png);
    }

    /** Steps every run has scored (the evaluation grid). */
    public TreeSet<Long> commonSteps() {
        TreeSet<Long> common = null;
        for (Run r : runs) {
            TreeSet<Long> s = new TreeSet<>();
            r.evaluations().forEach(e -> s.add(e.step()));
            if (common == null) {
                common = s;
            } else {
                common.retainAll(s);
            }
        }
        return common;
    }

    private static void write(Path csv, StringBuilder sb) throws IOException {
        Files.createDirectories(csv.toAbsolutePath().getParent());
        AtomicFiles.write(csv, out -> out.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
