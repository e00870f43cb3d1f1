package org.eqvae4j.runtime.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap intervals over a handful of values (e.g. one per seed): resample the values with replacement
 * {@code resamples} times, compute the statistic of each resample, and take the {@code (1-level)/2} and
 * {@code (1+level)/2} quantiles (linear interpolation between order statistics, numpy's default). Seeded, so a report
 * regenerates the same interval. With 3 values there are only 10 distinct resamples: the interval is then close to
 * the range of the values, which is the honest width of so few seeds.
 */
public final class Bootstrap {
    /** Resamples when the caller has no reason to choose. */
    public static final int DEFAULT_RESAMPLES = 10_000;

    private Bootstrap() {}

    /** A statistic and its interval. */
    public record Interval(double estimate, double low, double high, double level, int resamples) {
        public boolean excludes(double value) {
            return value < low || value > high;
        }
    }

    /** The arithmetic mean and its interval. */
    public static Interval mean(double[] values, int resamples, double level, long seed) {
        return interval(values, resamples, level, seed, false);
    }

    /**
     * The geometric mean (the mean of logarithms, exponentiated) and its interval: the fitting average for ratios,
     * where x2 and x0.5 should cancel. Values must be positive.
     */
    public static Interval geometricMean(double[] values, int resamples, double level, long seed) {
        for (double v : values) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(
                        "bootstrap: a geometric mean needs positive finite values, got " + Arrays.toString(values));
            }
        }
        return interval(values, resamples, level, seed, true);
    }

    private static Interval interval(double[] values, int resamples, double level, long seed, boolean logs) {
        if (values.length == 0) {
            throw new IllegalArgumentException("bootstrap: no values");
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("bootstrap: resamples must be at least 1, got " + resamples);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("bootstrap: level must be in (0, 1), got " + level);
        }
        double[] x = new double[values.length];
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("bootstrap: value " + i + " is " + values[i]);
            }
            x[i] = logs ? Math.log(values[i]) : values[i];
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                sum += x[random.nextInt(x.length)];
            }
            stats[r] = sum / x.length;
        }
        Arrays.sort(stats);
        double estimate = Arrays.stream(x).average().orElseThrow();
        double low = quantile(stats, (1 - level) / 2);
        double high = quantile(stats, (1 + level) / 2);
        return logs
                ? new Interval(Math.exp(estimate), Math.exp(low), Math.exp(high), level, resamples)
                : new Interval(estimate, low, high, level, resamples);
    }

    /** numpy's {@code quantile(sorted, q)} with linear interpolation. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
