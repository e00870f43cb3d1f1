package org.eqvae4j.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrecisionRecallTest {

    @Test
    void matchesTheAuthorsRuleComputedInNumpy() {
        // numpy 2.4, the rule of Kynkaanniemi et al.'s code (k = 3):
        //   radii(x) = np.partition(pairwise_dist(x, x), k, axis=1)[:, k]
        //   precision = (D(real, fake) <= radii(real)[:, None]).any(0).mean()
        //   recall    = (D(real, fake) <= radii(fake)[None, :]).any(1).mean()
        // real = setA(12, 3), fake = setB(12, 3) -> (0.6666666666666666, 0.4166666666666667)
        // fake = setB(12, 3) + 0.3               -> (0.8333333333333334, 0.3333333333333333)
        // radii(setA(12, 3))[:4] = 1.17800936 1.17800936 1.44255308 1.21320731
        double[][] real = KernelDistanceTest.setA(12, 3);
        double[][] fake = KernelDistanceTest.setB(12, 3);
        var r = PrecisionRecall.between(real, fake, 3);
        assertEquals(8 / 12.0, r.precision(), 1e-12);
        assertEquals(5 / 12.0, r.recall(), 1e-12);
        double[][] moved = new double[12][];
        for (int i = 0; i < 12; i++) {
            moved[i] = fake[i].clone();
            for (int j = 0; j < 3; j++) {
                moved[i][j] += 0.3;
            }
        }
        r = PrecisionRecall.between(real, moved, 3);
        assertEquals(10 / 12.0, r.precision(), 1e-12);
        assertEquals(4 / 12.0, r.recall(), 1e-12);
        double[] radii = PrecisionRecall.kthNeighbourSquared(real, 3);
        double[] expected = {1.17800936, 1.17800936, 1.44255308, 1.21320731};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], Math.sqrt(radii[i]), 1e-8);
        }
    }

    @Test
    void identicalSetsAreFullyCoveredAndFarSetsNotAtAll() {
        double[][] a = KernelDistanceTest.setA(30, 4);
        var same = PrecisionRecall.between(a, a, PrecisionRecall.DEFAULT_K);
        assertEquals(1, same.precision());
        assertEquals(1, same.recall());
        double[][] far = new double[30][];
        for (int i = 0; i < 30; i++) {
            far[i] = a[i].clone();
            far[i][0] += 100;
        }
        var apart = PrecisionRecall.between(a, far, 3);
        assertEquals(0, apart.precision());
        assertEquals(0, apart.recall());
    }

    @Test
    void aCollapsedGeneratorHasPrecisionButNoRecall() {
        double[][] real = KernelDistanceTest.setA(40, 2);
        // every generated sample sits on one real sample: all look real, they cover one real ball only
        double[][] collapsed = new double[40][];
        for (int i = 0; i < 40; i++) {
            collapsed[i] = real[5].clone();
        }
        var r = PrecisionRecall.between(real, collapsed, 3);
        assertEquals(1, r.precision());
        assertTrue(r.recall() < 0.2, "recall " + r.recall());
    }

    @Test
    void tooFewSamplesForKAreRefused() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> PrecisionRecall.between(KernelDistanceTest.setA(3, 2), KernelDistanceTest.setA(10, 2), 3));
        assertTrue(e.getMessage().contains("at least 4"), e.getMessage());
    }
}
