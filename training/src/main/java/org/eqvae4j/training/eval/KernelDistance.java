package org.eqvae4j.training.eval;

import java.util.SplittableRandom;

/**
 * The kernel distance of KID (Binkowski et al. 2018, "Demystifying MMD GANs"): the unbiased estimate of the squared
 * maximum mean discrepancy with the cubic polynomial kernel {@code k(x, y) = (x.y / d + 1)^3}, averaged over random
 * subsets of both feature sets, reported as mean and standard deviation over the subsets (as their code and
 * torch-fidelity do; the standard deviation divides by the subset count). Which features are used decides what the
 * number means: in the Fashion-MNIST classifier's feature space this is "KD-FMNIST-CNN", never KID, which names
 * Inception features.
 *
 * <p>Per subset of m samples from each set:
 * {@code (sum_{i!=j} k(a_i,a_j) + sum_{i!=j} k(b_i,b_j)) / (m (m-1)) - 2 sum_{i,j} k(a_i,b_j) / m^2}. It can be
 * slightly negative when the sets come from the same distribution. The three kernel matrices are computed once
 * (float, 4 n^2 bytes each: 100 MB each at 5000 samples) and the subsets index into them, which is far cheaper than
 * recomputing 100 subsets of 1000.
 */
public final class KernelDistance {
    /** Subsets and their largest size, as torch-fidelity's defaults. */
    public static final int DEFAULT_SUBSETS = 100;

    public static final int DEFAULT_SUBSET_SIZE = 1000;

    private KernelDistance() {}

    /** Mean and standard deviation of the subset estimates. */
    public record Estimate(double mean, double std, int subsets, int subsetSize) {}

    /**
     * @param subsets    how many subset estimates to average (torch-fidelity: 100)
     * @param subsetSize samples drawn without replacement from each set per subset (torch-fidelity: 1000); capped at
     *                   the smaller set's size, and with one subset of the whole sets (equal sizes) the estimate is
     *                   the plain unbiased MMD^2 of the two sets
     * @param seed       seeds the subset draws, so a score is reproducible
     */
    public static Estimate between(double[][] a, double[][] b, int subsets, int subsetSize, long seed) {
        int d = FeatureSets.checkPair(a, b, 2, "kernel distance");
        if (subsets < 1) {
            throw new IllegalArgumentException("kernel distance: subsets must be at least 1, got " + subsets);
        }
        if (subsetSize < 2) {
            throw new IllegalArgumentException("kernel distance: subset size must be at least 2, got " + subsetSize);
        }
        int m = Math.min(subsetSize, Math.min(a.length, b.length));
        if (m == a.length && m == b.length) {
            subsets = 1; // every subset would be both whole sets: one estimate, no spread
        }
        float[] kaa = kernel(a, a, d);
        float[] kbb = kernel(b, b, d);
        float[] kab = kernel(a, b, d);
        SplittableRandom random = new SplittableRandom(seed);
        int[] poolA = identity(a.length);
        int[] poolB = identity(b.length);
        double[] values = new double[subsets];
        for (int s = 0; s < subsets; s++) {
            int[] ia = draw(poolA, m, random);
            int[] ib = draw(poolB, m, random);
            double within = offDiagonalSum(kaa, a.length, ia) + offDiagonalSum(kbb, b.length, ib);
            double cross = 0;
            for (int i : ia) {
                int row = i * b.length;
                for (int j : ib) {
                    cross += kab[row + j];
                }
            }
            values[s] = within / ((double) m * (m - 1)) - 2 * cross / ((double) m * m);
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= subsets;
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean);
        }
        return new Estimate(mean, Math.sqrt(var / subsets), subsets, m);
    }

    private static float[] kernel(double[][] x, double[][] y, int d) {
        float[] k = new float[x.length * y.length];
        for (int i = 0; i < x.length; i++) {
            double[] xi = x[i];
            int row = i * y.length;
            for (int j = 0; j < y.length; j++) {
                double[] yj = y[j];
                double dot = 0;
                for (int c = 0; c < d; c++) {
                    dot += xi[c] * yj[c];
                }
                double base = dot / d + 1;
                k[row + j] = (float) (base * base * base);
            }
        }
        return k;
    }

    private static double offDiagonalSum(float[] k, int n, int[] idx) {
        double sum = 0;
        for (int i : idx) {
            int row = i * n;
            for (int j : idx) {
                if (i != j) {
                    sum += k[row + j];
                }
            }
        }
        return sum;
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    /** {@code m} distinct indices: the first m of a partial Fisher-Yates shuffle of {@code pool} (shuffled in place). */
    private static int[] draw(int[] pool, int m, SplittableRandom random) {
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(pool.length - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        return java.util.Arrays.copyOf(pool, m);
    }
}
