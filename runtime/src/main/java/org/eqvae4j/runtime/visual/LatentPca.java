package org.eqvae4j.runtime.visual;

import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Shows a latent as colour: each latent pixel's channel vector projected on the top three principal
 * components (of that latent's own pixels) gives red, green and blue, each stretched between its 1st
 * and 99th percentile. This is the EQ-VAE paper's Figure 1 (left) view: a smoother, more structured
 * latent looks like a smoother picture.
 */
public final class LatentPca {
    private LatentPca() {}

    /** [1, Z, h, w] latent (sample 0) -> [1, 3, h, w] image in [0, 1]. */
    public static FloatTensor toRgb(FloatTensor latent) {
        int z = latent.channels();
        int n = latent.height() * latent.width();
        double[][] x = new double[n][z];
        double[] mean = new double[z];
        for (int c = 0; c < z; c++) {
            for (int i = 0; i < n; i++) {
                x[i][c] = latent.data()[c * n + i];
                mean[c] += x[i][c] / n;
            }
        }
        double[][] cov = new double[z][z];
        for (double[] row : x) {
            for (int a = 0; a < z; a++) {
                row[a] -= mean[a];
            }
            for (int a = 0; a < z; a++) {
                for (int b = a; b < z; b++) {
                    cov[a][b] += row[a] * row[b] / n;
                }
            }
        }
        for (int a = 0; a < z; a++) {
            for (int b = 0; b < a; b++) {
                cov[a][b] = cov[b][a];
            }
        }
        double[][] vectors = SymmetricEigen.topVectors(cov, Math.min(3, z));
        float[] out = new float[3 * n];
        for (int k = 0; k < vectors.length; k++) {
            double[] proj = new double[n];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int c = 0; c < z; c++) {
                    s += x[i][c] * vectors[k][c];
                }
                proj[i] = s;
            }
            double[] sorted = proj.clone();
            java.util.Arrays.sort(sorted);
            double lo = sorted[(int) (0.01 * (n - 1))];
            double hi = sorted[(int) (0.99 * (n - 1))];
            for (int i = 0; i < n; i++) {
                out[k * n + i] = (float) (hi > lo ? Math.max(0, Math.min(1, (proj[i] - lo) / (hi - lo))) : 0.5);
            }
        }
        return new FloatTensor(1, 3, latent.height(), latent.width(), out);
    }
}
