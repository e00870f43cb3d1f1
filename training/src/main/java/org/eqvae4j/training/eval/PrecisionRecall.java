package org.eqvae4j.training.eval;

/**
 * Improved precision and recall (Kynkaanniemi et al. 2019): each set's manifold is the union of balls around its
 * samples, each ball's radius the distance to the sample's k-th nearest neighbour in its own set (itself excluded,
 * as the authors' code takes the (k+1)-th smallest distance including the zero to itself). Precision is the share
 * of generated samples inside the real manifold (how many samples look real); recall the share of real samples
 * inside the generated manifold (how much of the real variety is covered). In the Fashion-MNIST classifier's feature
 * space these are "in the FMNIST-classifier feature space", not the paper's VGG-16 numbers. Exact pairwise distances,
 * O(n^2 d) time and O(n) memory.
 */
public final class PrecisionRecall {
    /** The paper's neighbourhood size. */
    public static final int DEFAULT_K = 3;

    private PrecisionRecall() {}

    public record Result(double precision, double recall, int k) {}

    /** @param real rows are samples, columns features; {@code generated} likewise; each needs more than k samples */
    public static Result between(double[][] real, double[][] generated, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("precision/recall: k must be at least 1, got " + k);
        }
        FeatureSets.checkPair(real, generated, k + 1, "precision/recall (k = " + k + ")");
        double[] realRadii = kthNeighbourSquared(real, k);
        double[] generatedRadii = kthNeighbourSquared(generated, k);
        return new Result(coveredShare(generated, real, realRadii), coveredShare(real, generated, generatedRadii), k);
    }

    /** Squared distance of each sample to its k-th nearest other sample of the same set. */
    static double[] kthNeighbourSquared(double[][] x, int k) {
        double[] radii = new double[x.length];
        double[] nearest = new double[k]; // the k smallest so far, ascending
        for (int i = 0; i < x.length; i++) {
            java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
            for (int j = 0; j < x.length; j++) {
                if (j == i) {
                    continue;
                }
                double d = squared(x[i], x[j]);
                if (d < nearest[k - 1]) {
                    int p = k - 1;
                    while (p > 0 && nearest[p - 1] > d) {
                        nearest[p] = nearest[p - 1];
                        p--;
                    }
                    nearest[p] = d;
                }
            }
            radii[i] = nearest[k - 1];
        }
        return radii;
    }

    /** The share of {@code queries} within the radius of at least one sample of {@code manifold} (ball boundary in). */
    private static double coveredShare(double[][] queries, double[][] manifold, double[] radiiSquared) {
        int inside = 0;
        for (double[] q : queries) {
            for (int j = 0; j < manifold.length; j++) {
                if (squared(q, manifold[j]) <= radiiSquared[j]) {
                    inside++;
                    break;
                }
            }
        }
        return (double) inside / queries.length;
    }

    private static double squared(double[] a, double[] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) {
            double t = a[c] - b[c];
            s += t * t;
        }
        return s;
    }
}
