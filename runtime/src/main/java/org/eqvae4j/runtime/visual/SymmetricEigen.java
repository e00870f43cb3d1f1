package org.eqvae4j.runtime.visual;

/** Eigenvectors of a small symmetric matrix by cyclic Jacobi rotations (exact enough for PCA of latents). */
final class SymmetricEigen {
    private SymmetricEigen() {}

    /** The {@code k} eigenvectors with the largest eigenvalues, as rows, each with a positive-sum sign. */
    static double[][] topVectors(double[][] symmetric, int k) {
        int n = symmetric.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = symmetric[i].clone();
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off < 1e-22) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int r = 0; r < n; r++) {
                        double arp = a[r][p];
                        double arq = a[r][q];
                        a[r][p] = c * arp - s * arq;
                        a[r][q] = s * arp + c * arq;
                    }
                    for (int r = 0; r < n; r++) {
                        double apr = a[p][r];
                        double aqr = a[q][r];
                        a[p][r] = c * apr - s * aqr;
                        a[q][r] = s * apr + c * aqr;
                    }
                    for (int r = 0; r < n; r++) {
                        double vrp = v[r][p];
                        double vrq = v[r][q];
                        v[r][p] = c * vrp - s * vrq;
                        v[r][q] = s * vrp + c * vrq;
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double[][] diag = a;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(diag[y][y], diag[x][x]));
        double[][] top = new double[k][n];
        for (int j = 0; j < k; j++) {
            double sum = 0;
            for (int r = 0; r < n; r++) {
                top[j][r] = v[r][order[j]];
                sum += top[j][r];
            }
            if (sum < 0) {
                for (int r = 0; r < n; r++) {
                    top[j][r] = -top[j][r];
                }
            }
        }
        return top;
    }
}
