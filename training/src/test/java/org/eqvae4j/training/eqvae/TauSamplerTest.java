package org.eqvae4j.training.eqvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.junit.jupiter.api.Test;

class TauSamplerTest {

    /** The scale factors (sy, sx) and the quarter turns of drawn transforms. */
    private static List<double[]> draws(TauSampler sampler, long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LatentTransform.Composite c = (LatentTransform.Composite) sampler.sample(rnd);
            LatentTransform.Scale s = (LatentTransform.Scale) c.steps().get(0);
            LatentTransform.Rotate90 r = (LatentTransform.Rotate90) c.steps().get(1);
            out.add(new double[] {s.sy(), s.sx(), r.k()});
        }
        return out;
    }

    @Test
    void aScaleSetDrawsExactlyItsValuesEachAboutEquallyOften() {
        TauSampler sampler =
                new TauSampler(TauSampler.Scales.set(List.of(0.25, 0.5, 0.75)), false, Interpolation.BILINEAR);
        List<double[]> d = draws(sampler, 11, 3000);
        Set<Double> seen = new TreeSet<>();
        int[] counts = new int[3];
        for (double[] t : d) {
            assertEquals(t[0], t[1], "isotropic");
            seen.add(t[0]);
            counts[(int) Math.round(t[0] * 4) - 1]++;
            assertTrue(t[2] >= 1 && t[2] <= 3, "rotation by 1..3 quarter turns");
        }
        assertEquals(Set.of(0.25, 0.5, 0.75), seen);
        for (int c : counts) {
            assertTrue(Math.abs(c - 1000) < 120, "each value about a third of the draws: " + c);
        }
        // seeded: the same seed draws the same sequence
        List<double[]> again = draws(sampler, 11, 3000);
        for (int i = 0; i < d.size(); i++) {
            assertEquals(List.of(d.get(i)[0], d.get(i)[2]), List.of(again.get(i)[0], again.get(i)[2]));
        }
    }

    @Test
    void anisotropicSetDrawsEachAxisFromTheSet() {
        TauSampler sampler = new TauSampler(TauSampler.Scales.set(List.of(0.5, 1.0)), true, Interpolation.BILINEAR);
        Set<List<Double>> pairs = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        for (double[] t : draws(sampler, 3, 400)) {
            pairs.add(List.of(t[0], t[1]));
        }
        assertEquals(4, pairs.size(), "all four (sy, sx) pairs: " + pairs);
    }

    @Test
    void theGridIsKOver32AndTheSmallestScalesAreKnown() {
        Set<Double> seen = new TreeSet<>();
        for (double[] t : draws(TauSampler.reference(), 5, 5000)) {
            seen.add(t[0]);
        }
        Set<Double> grid = new TreeSet<>();
        for (int k = 8; k <= 31; k++) {
            grid.add(k / 32.0);
        }
        assertEquals(grid, seen);
        assertEquals(0.25, TauSampler.Scales.grid().smallest());
        assertEquals(0.25, TauSampler.Scales.uniform().smallest());
        assertEquals(0.5, TauSampler.Scales.set(List.of(0.75, 0.5)).smallest());
    }

    @Test
    void badSetsAreRefusedWithTheValue() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TauSampler.Scales.set(List.of(0.5, 1.5)));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TauSampler.Scales.set(List.of()));
        assertThrows(IllegalArgumentException.class, () -> TauSampler.Scales.set(List.of(0.0)));
    }
}
