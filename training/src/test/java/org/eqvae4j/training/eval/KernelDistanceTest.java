package org.eqvae4j.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelDistanceTest {

    static double[][] setA(int n, int d) {
        double[][] a = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                a[i][j] = Math.sin(0.37 * i * (j + 1)) + 0.1 * j;
            }
        }
        return a;
    }

    static double[][] setB(int n, int d) {
        double[][] b = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                b[i][j] = Math.cos(0.23 * i + 0.5 * j) * (1 + 0.3 * j) + 0.2;
            }
        }
        return b;
    }

    private static double[][] gaussian(int n, int d, double shift, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double u = r.nextDouble(), v = r.nextDouble();
                x[i][j] = shift + Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
            }
        }
        return x;
    }

    @Test
    void oneSubsetOfTheWholeSetsIsTheUnbiasedMmdOfNumpy() {
        // numpy 2.4, a = setA(12, 3), b = setB(12, 3), d = 3, m = 12:
        //   kaa = (a @ a.T / d + 1)**3 (kbb, kab likewise)
        //   (kaa.sum() - trace(kaa) + kbb.sum() - trace(kbb)) / (m (m-1)) - 2 kab.sum() / m^2
        //   -> 0.9297186754573925 for (a, b); -0.38611996698445816 for (a, a) (unbiased: below 0 for equal sets)
        var ab = KernelDistance.between(setA(12, 3), setB(12, 3), 1, 12, 7);
        assertEquals(0.9297186754573925, ab.mean(), 1e-5);
        assertEquals(0, ab.std(), 0);
        assertEquals(12, ab.subsetSize());
        assertEquals(
                -0.38611996698445816,
                KernelDistance.between(setA(12, 3), setA(12, 3), 1, 12, 7).mean(),
                1e-5);
        assertEquals(
                0.9297186754573925,
                KernelDistance.between(setB(12, 3), setA(12, 3), 1, 50, 3).mean(),
                1e-5,
                "symmetric, and the subset size is capped at the sets' size");
        var whole = KernelDistance.between(setA(12, 3), setB(12, 3), 100, 1000, 3);
        assertEquals(1, whole.subsets(), "subsets of the whole sets are all the same: one");
        assertEquals(ab.mean(), whole.mean(), 1e-12);
    }

    @Test
    void sameDistributionIsNearZeroAndAShiftIsFarAboveIt() {
        double[][] real = gaussian(400, 8, 0, 1);
        var same = KernelDistance.between(real, gaussian(400, 8, 0, 2), 20, 200, 5);
        var shifted = KernelDistance.between(real, gaussian(400, 8, 1, 3), 20, 200, 5);
        // a unit shift in 8 dimensions: MMD^2 of the cubic kernel is of order 1; the same distribution's is 0 +- noise
        assertTrue(Math.abs(same.mean()) < 0.05, "same distribution: " + same);
        assertTrue(shifted.mean() > 0.5, "shifted: " + shifted);
        assertTrue(same.std() > 0 && same.std() < 0.05, "subsets of 200 of 400 differ a little: " + same);
        assertEquals(20, same.subsets());
    }

    @Test
    void theSeedFixesTheSubsets() {
        double[][] a = gaussian(100, 4, 0, 1);
        double[][] b = gaussian(100, 4, 0.3, 2);
        assertEquals(KernelDistance.between(a, b, 10, 50, 42), KernelDistance.between(a, b, 10, 50, 42), "same seed");
        assertTrue(KernelDistance.between(a, b, 10, 50, 42).mean()
                != KernelDistance.between(a, b, 10, 50, 43).mean());
    }

    @Test
    void badInputIsNamed() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> KernelDistance.between(setA(10, 3), setA(10, 4), 1, 10, 0));
        assertTrue(e.getMessage().contains("3 vs 4"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> KernelDistance.between(setA(10, 3), new double[][] {{1, 2, Double.NaN}, {1, 2, 3}}, 1, 10, 0));
        assertTrue(e.getMessage().contains("second set") && e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelDistance.between(setA(10, 3), setA(10, 3), 0, 10, 0));
    }
}
