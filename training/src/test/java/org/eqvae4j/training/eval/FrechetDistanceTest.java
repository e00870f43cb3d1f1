package org.eqvae4j.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    /** Deterministic correlated feature sets; the expected value is scipy's (sqrtm of S_a S_b), see below. */
    private static double[][] setA() {
        double[][] a = new double[100][4];
        for (int i = 0; i < 100; i++) {
            for (int j = 0; j < 4; j++) {
                a[i][j] = Math.sin(0.37 * i * (j + 1)) + 0.1 * j;
            }
        }
        return a;
    }

    private static double[][] setB() {
        double[][] b = new double[80][4];
        for (int i = 0; i < 80; i++) {
            for (int j = 0; j < 4; j++) {
                b[i][j] = Math.cos(0.23 * i + 0.5 * j) * (1 + 0.3 * j) + 0.2 + (j == 3 ? 0.5 * Math.sin(0.37 * i) : 0);
            }
        }
        return b;
    }

    @Test
    void matchesScipyReference() {
        // numpy 2.4 / scipy 1.17: m = mean diff^2 + trace(S_a + S_b - 2 sqrtm(S_a @ S_b).real), np.cov(rowvar=False)
        assertEquals(2.4447994264925064, FrechetDistance.between(setA(), setB()), 1e-7);
        assertEquals(
                FrechetDistance.between(setA(), setB()), FrechetDistance.between(setB(), setA()), 1e-9, "symmetric");
    }

    @Test
    void identicalSetsAreAtZeroAndShiftsAddTheirSquaredLength() {
        double[][] a = setA();
        assertEquals(0, FrechetDistance.between(a, a), 1e-9);
        double[][] shifted = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            shifted[i] = a[i].clone();
            shifted[i][0] += 3;
            shifted[i][2] -= 4;
        }
        assertEquals(25, FrechetDistance.between(a, shifted), 1e-8, "a pure shift costs |shift|^2");
    }

    @Test
    void oneDimensionalGaussiansHaveTheClosedForm() {
        // FD of N(m1, s1^2) and N(m2, s2^2) is (m1 - m2)^2 + (s1 - s2)^2
        double[][] a = {{-1}, {1}}; // mean 0, unbiased variance 2
        double[][] b = {{0}, {4}, {8}}; // mean 4, unbiased variance 16
        double expected = 16 + Math.pow(Math.sqrt(2) - 4, 2);
        assertEquals(expected, FrechetDistance.between(a, b), 1e-9);
        assertTrue(FrechetDistance.between(a, b) > 0);
    }

    @Test
    void rejectsBadInput() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> FrechetDistance.between(new double[][] {{1, 2}}, setA()));
        assertTrue(e.getMessage().contains("at least 2 samples"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> FrechetDistance.between(setA(), new double[][] {{1, 2}, {3, 4}}));
        assertTrue(e.getMessage().contains("4 vs 2"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> FrechetDistance.between(new double[][] {{1}, {Double.NaN}}, setA()));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}
