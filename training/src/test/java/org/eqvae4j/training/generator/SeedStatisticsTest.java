package org.eqvae4j.training.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.eqvae4j.training.eval.IterationRatio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedStatisticsTest {
    private static final long[] SEEDS = {0, 1, 2};

    /** FD falling linearly 100 - slope * step, evaluated every 250 steps to 3000; KID a tenth of it. */
    private static SeedStatistics.Run line(String arm, long seed, double slope) {
        List<SeedStatistics.Evaluation> ev = new ArrayList<>();
        for (long s = 250; s <= 3000; s += 250) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("fd", 100 - slope * s);
            m.put("kid", (100 - slope * s) / 10);
            ev.add(new SeedStatistics.Evaluation(s, m));
        }
        return new SeedStatistics.Run(arm, seed, ev);
    }

    /** control: slope 0.02 for every seed; eq: 0.03, 0.04, 0.06 (ratios 1.5, 2, 3); base: 0.01 (ratio 0.5 vs control). */
    private static SeedStatistics stats() {
        double[] eq = {0.03, 0.04, 0.06};
        List<SeedStatistics.Run> runs = new ArrayList<>();
        for (int i = 0; i < SEEDS.length; i++) {
            runs.add(line("base", SEEDS[i], 0.01));
            runs.add(line("control", SEEDS[i], 0.02));
            runs.add(line("eq", SEEDS[i], eq[i]));
        }
        return new SeedStatistics(runs, 10_000, 0.95, 5);
    }

    @Test
    void ratiosPerSeedPairAndTheirInterval() {
        SeedStatistics s = stats();
        assertEquals(List.of("base", "control", "eq"), s.arms());
        assertEquals(List.of("fd", "kid"), s.metrics());
        SeedStatistics.PairRatio r = s.ratio("control", "eq", "fd", IterationRatio.Curve.MEASURED);
        assertEquals(1.5, r.perSeed()[0].ratio(), 1e-12);
        assertEquals(2, r.perSeed()[1].ratio(), 1e-12);
        assertEquals(3, r.perSeed()[2].ratio(), 1e-12);
        assertEquals(Math.cbrt(9), r.interval().estimate(), 1e-12);
        assertTrue(r.interval().low() > 1, "every seed pair favours eq: " + r.interval());
        // KID is FD / 10: the same crossings, the same ratios
        assertEquals(
                r.interval(),
                s.ratio("control", "eq", "kid", IterationRatio.Curve.MEASURED).interval());
        SeedStatistics.PairRatio slow = s.ratio("control", "base", "fd", IterationRatio.Curve.MEASURED);
        assertEquals(0.5, slow.interval().estimate(), 1e-12);
        assertEquals(0.5, slow.interval().high(), 1e-12, "all seeds equal: no width");
    }

    @Test
    void bandsAreMeansOverSeedsWithIntervalsInsideTheRange() {
        List<SeedStatistics.Band> bands = stats().bands("eq", "fd");
        assertEquals(12, bands.size());
        SeedStatistics.Band last = bands.get(11);
        assertEquals(3000, last.step());
        assertEquals(3, last.seeds());
        // seeds end at 10, -20, -80
        assertEquals((10 - 20 - 80) / 3.0, last.interval().estimate(), 1e-9);
        assertTrue(
                last.interval().low() >= -80 && last.interval().high() <= 10,
                last.interval().toString());
    }

    @Test
    void stepsNotScoredByEverySeedGetNoBand() {
        List<SeedStatistics.Run> runs = new ArrayList<>(List.of(line("a", 0, 0.02), line("a", 1, 0.02)));
        runs.add(new SeedStatistics.Run(
                "a", 2, line("a", 2, 0.02).evaluations().subList(0, 4))); // a run still in progress
        SeedStatistics s = new SeedStatistics(runs, 100, 0.95, 1);
        assertEquals(4, s.bands("a", "fd").size());
        assertEquals(4, s.commonSteps().size());
    }

    @Test
    void floorsWithin20PercentPassAndWiderFail() {
        var ok = SeedStatistics.floors(Map.of("base", 10.0, "control", 11.5, "eq", 12.0), 0.2);
        assertEquals(0.2, ok.spread(), 1e-12);
        assertTrue(ok.within());
        var wide = SeedStatistics.floors(Map.of("base", 12.0, "eq", 117.0), 0.2);
        assertFalse(wide.within());
        assertEquals(117 / 12.0 - 1, wide.spread(), 1e-12);
    }

    @Test
    void writesEveryNumberAsCsvAndABandChart(@TempDir Path dir) throws Exception {
        SeedStatistics s = stats();
        s.writeRunsCsv(dir.resolve("runs.csv"));
        s.writeBandsCsv(dir.resolve("bands.csv"));
        SeedStatistics.writeRatiosCsv(
                List.of(s.ratio("control", "eq", "fd", IterationRatio.Curve.MEASURED)), dir.resolve("ratios.csv"));
        s.writeBandChart("fd", "FD", "FD", dir.resolve("fd.png"));
        List<String> runs = Files.readAllLines(dir.resolve("runs.csv"));
        assertEquals("arm,seed,step,fd,kid", runs.get(0));
        assertEquals(1 + 3 * 3 * 12, runs.size());
        assertTrue(runs.contains("eq,2,3000,-80.0000,-8.00000"), runs.toString());
        List<String> bands = Files.readAllLines(dir.resolve("bands.csv"));
        assertEquals(1 + 3 * 2 * 12, bands.size());
        List<String> ratios = Files.readAllLines(dir.resolve("ratios.csv"));
        assertEquals(5, ratios.size());
        assertTrue(
                ratios.get(3).startsWith("control,eq,fd,measured,2,3.00000,,,40.0000,1000.00,true,false"),
                ratios.get(3));
        assertTrue(ratios.get(4).startsWith("control,eq,fd,measured,all,2.08008,"), ratios.get(4));
        var png = ImageIO.read(dir.resolve("fd.png").toFile());
        assertEquals(900, png.getWidth());
    }

    @Test
    void armsWithoutCommonSeedsAreRefused() {
        var s = new SeedStatistics(List.of(line("a", 0, 0.02), line("b", 1, 0.02)), 100, 0.95, 1);
        var e = assertThrows(
                IllegalArgumentException.class, () -> s.ratio("a", "b", "fd", IterationRatio.Curve.MEASURED));
        assertTrue(e.getMessage().contains("share no seed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.ratio("a", "zzz", "fd", IterationRatio.Curve.MEASURED));
    }
}
