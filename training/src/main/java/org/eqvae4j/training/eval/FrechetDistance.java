package org.eqvae4j.training.eval;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The Frechet distance between two Gaussians fitted to feature sets, as FID computes it (Heusel et al. 2017):
 * {@code |mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2))}. Which features are used decides what the number
 * means; name it after the feature network (e.g. "FD-FMNIST-CNN"), never "FID" unless they are Inception's.
 *
 * <p>{@code tr((S_a S_b)^(1/2))} is computed as the sum of square roots of the eigenvalues of the symmetric
 * {@code S_a^(1/2) S_b S_a^(1/2)} (same spectrum as {@code S_a S_b}), which avoids the non-symmetric matrix
 * square root scipy needs and is exact for positive semi-definite covariances.
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    /** Rows are samples, columns features; both sets need the same feature count and at least two samples. */
    public static double between(double[][] featuresA, double[][] featuresB) {
        Gaussian a = Gaussian.fit(featuresA, "featuresA");
        Gaussian b = Gaussian.fit(featuresB, "featuresB");
        if (a.mean.length != b.mean.length) {
            throw new IllegalArgumentException(
                    "feature sets differ in size: " + a.mean.length + " vs " + b.mean.length + " features");
        }
        return between(a, b);
    }

    /** The distance between two fitted Gaussians (fit a reference set once and reuse it). */
    public static double between(Gaussian a, Gaussian b) {
        int d = a.mean.length;
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double diff = a.mean[i] - b.mean[i];
            meanTerm += diff * diff;
        }
        RealMatrix sa = new Array2DRowRealMatrix(a.covariance, false);
        RealMatrix sb = new Array2DRowRealMatrix(b.covariance, false);
        RealMatrix rootA = symmetricSqrt(sa);
        RealMatrix m = rootA.multiply(sb).multiply(rootA);
        double traceRoot = 0;
        for (double ev : new EigenDecomposition(symmetrised(m)).getRealEigenvalues()) {
            traceRoot += Math.sqrt(Math.max(ev, 0));
        }
        double value = meanTerm + sa.getTrace() + sb.getTrace() - 2 * traceRoot;
        // rounding can leave a tiny negative number for identical sets
        return Math.max(value, 0);
    }

    private static RealMatrix symmetricSqrt(RealMatrix s) {
        EigenDecomposition e = new EigenDecomposition(symmetrised(s));
        double[] ev = e.getRealEigenvalues();
        RealMatrix v = e.getV();
        int n = ev.length;
        double[][] out = new double[n][n];
        for (int k = 0; k < n; k++) {
            double r = Math.sqrt(Math.max(ev[k], 0));
            if (r == 0) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                double vik = v.getEntry(i, k) * r;
                for (int j = 0; j < n; j++) {
                    out[i][j] += vik * v.getEntry(j, k);
                }
            }
        }
        return new Array2DRowRealMatrix(out, false);
    }

    private static RealMatrix symmetrised(RealMatrix m) {
        return m.add(m.transpose()).scalarMultiply(0.5);
    }

    /** Mean and (unbiased, n - 1) covariance of a feature set, as numpy's {@code np.cov(rowvar=False)}. */
    public record Gaussian(double[] mean, double[][] covariance) {

        public static Gaussian fit(double[][] features, String what) {
            if (features.length < 2) {
                throw new IllegalArgumentException(
                        what + ": a Frechet distance needs at least 2 samples, got " + features.length);
            }
            int d = features[0].length;
            if (d == 0) {
                throw new IllegalArgumentException(what + ": samples have no features");
            }
            double[] mean = new double[d];
            for (double[] row : features) {
                if (row.length != d) {
                    throw new IllegalArgumentException(
                            what + ": samples differ in size (" + row.length + " vs " + d + " features)");
                }
                for (int i = 0; i < d; i++) {
                    if (!Double.isFinite(row[i])) {
                        throw new IllegalArgumentException(what + ": a feature is " + row[i]);
                    }
                    mean[i] += row[i];
                }
            }
            for (int i = 0; i < d; i++) {
                mean[i] /= features.length;
            }
            double[][] cov = new double[d][d];
            double[] c = new double[d];
            for (double[] row : features) {
                for (int i = 0; i < d; i++) {
                    c[i] = row[i] - mean[i];
                }
                for (int i = 0; i < d; i++) {
                    double ci = c[i];
                    double[] ri = cov[i];
                    for (int j = i; j < d; j++) {
                        ri[j] += ci * c[j];
                    }
                }
            }
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    cov[i][j] /= features.length - 1;
                    cov[j][i] = cov[i][j];
                }
            }
            return new Gaussian(mean, cov);
        }
    }
}
