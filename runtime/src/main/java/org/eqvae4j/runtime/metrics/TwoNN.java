package org.eqvae4j.runtime.metrics;

/**
 * TwoNN intrinsic-dimension estimator (Facco et al. 2017): with r1, r2 the distances of each point to
 * its first and second nearest neighbours and mu = r2 / r1, the maximum-likelihood estimate is
 * d = n / sum(log mu). Points with a duplicate (r1 = 0) are left out. Brute force, O(n^2 d).
 */
public final class TwoNN {
    private TwoNN() {}

    /** @param points n points of equal dimension (n >= 3) */
    public static double estimate(float[][] points) {
        int n = points.length;
        if (n < 3) {
            throw new IllegalArgumentException("TwoNN needs at least 3 points, got " + n);
        }
        double sumLog = 0;
        int used = 0;
        for (int i = 0; i < n; i++) {
            double r1 = Double.POSITIVE_INFINITY;
            double r2 = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (i == j) {
                    continue;
                }
                double d = distance2(points[i], points[j]);
                if (d < r1) {
                    r2 = r1;
                    r1 = d;
                } else if (d < r2) {
                    r2 = d;
                }
            }
            if (r1 > 0 && Double.isFinite(r2)) {
                sumLog += 0.5 * Math.log(r2 / r1); // squared distances: log(r2/r1) = 0.5 log(r2^2/r1^2)
                used++;
            }
        }
        if (used < 3 || sumLog == 0) {
            throw new IllegalArgumentException("TwoNN: too few distinct points (" + used + ")");
        }
        return used / sumLog;
    }

    private static double distance2(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("points of different dimension: " + a.length + " and " + b.length);
        }
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            double d = a[k] - b[k];
            s += d * d;
        }
        return s;
    }
}
