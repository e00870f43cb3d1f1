package org.eqvae4j.training.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.training.eval.IterationRatio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedReportTest {

    private static SeedStatistics.Run run(String arm, long seed, double slope) {
        List<SeedStatistics.Evaluation> ev = new ArrayList<>();
        for (long s = 100; s <= 400; s += 100) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("fd", 100 - slope * s);
            m.put("samples", s == 400 ? 5000.0 : 2000.0);
            ev.add(new SeedStatistics.Evaluation(s, m));
        }
        return new SeedStatistics.Run(arm, seed, ev);
    }

    private static SeedStatistics stats() {
        return new SeedStatistics(
                List.of(
                        run("control", 0, 0.1),
                        run("control", 1, 0.1),
                        run("control", 2, 0.1),
                        run("eq", 0, 0.2),
                        run("eq", 1, 0.2),
                        run("eq", 2, 0.3)),
                10_000,
                0.95,
                1);
    }

    @Test
    void finalScoresShowTheLastCommonStepWithItsSampleCountAndInterval() {
        String md = SeedReport.finalScores(stats(), List.of("fd"), "samples");
        // control ends at 60 for every seed; eq at 20, 20, -20
        assertTrue(md.contains("| control | 400 | 5000 | 60.0 [60.0, 60.0] |"), md);
        assertTrue(md.contains("| eq | 400 | 5000 | 6.67 [-20.0, 20.0] |"), md);
    }

    @Test
    void theRatioTableGivesSeedsIntervalAndVerdict() {
        SeedStatistics s = stats();
        // eq reaches control's final 60 at step 200 (slope 0.2) or 133.3 (0.3): ratios 2, 2, 3
        String md = SeedReport.ratios(List.of(s.ratio("control", "eq", "fd", IterationRatio.Curve.MEASURED)));
        assertTrue(
                md.contains(
                        "| control | eq | fd | as measured | 2.00, 2.00, 3.00 | 2.29 [2.00, 3.00] | B faster, >= 2x |"),
                md);
        String back = SeedReport.ratios(List.of(s.ratio("eq", "control", "fd", IterationRatio.Curve.MEASURED)));
        assertTrue(back.contains("| A faster |"), back);
    }

    @Test
    void floorsAndFilesAreWritten(@TempDir Path dir) throws Exception {
        SeedStatistics s = stats();
        var floors = SeedStatistics.floors(Map.of("control", 10.0, "eq", 13.0), 0.2);
        String md = SeedReport.floors(floors);
        assertTrue(md.contains("30 % above") && md.contains("**outside**"), md);
        Map<String, Double> floorsOfThree = new java.util.LinkedHashMap<>();
        floorsOfThree.put("base", 4.0);
        floorsOfThree.put("control", 8.4);
        floorsOfThree.put("eq", 8.0);
        String three = SeedReport.floors(SeedStatistics.floors(floorsOfThree, 0.2));
        assertTrue(
                three.contains(
                        "Pairwise (larger / smaller - 1): control vs base 110 % (outside); eq vs base 100 % (outside); eq vs control 5 % (within)."),
                three);
        SeedReport.writeFiles(
                dir,
                s,
                List.of(s.ratio("control", "eq", "fd", IterationRatio.Curve.MEASURED)),
                floors,
                5000,
                List.of(new SeedReport.Chart("fd", "fd.png", "FD", "FD")));
        for (String f : List.of("runs.csv", "bands.csv", "ratios.csv", "floors.csv", "fd.png")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        List<String> fl = Files.readAllLines(dir.resolve("floors.csv"));
        assertEquals("arm,reconstruction_fd_fmnist_cnn,test_images,spread,tolerance,within", fl.get(0));
        assertEquals(3, fl.size());
        assertTrue(fl.get(1).endsWith(",5000,0.300000,0.2,false") || fl.get(2).endsWith(",5000,0.300000,0.2,false"));
    }

    @Test
    void armSourcesQuoteEachBundlesRecordedRecipe() throws Exception {
        Path root = org.eqvae4j.testsupport.RepositoryRoot.get();
        Map<String, Path> arms = new LinkedHashMap<>();
        arms.put("base", root.resolve("models/taef2"));
        arms.put("eq", root.resolve("models/eq-taef2"));
        String md = SeedReport.armSources(arms);
        assertTrue(md.startsWith("| arm | bundle | id | weights (model.json provenance) |"), md);
        String eqRow =
                md.lines().filter(l -> l.startsWith("| eq |")).findFirst().orElseThrow();
        assertTrue(
                eqRow.contains("| eq-taef2 |")
                        && eqRow.contains("EQ-VAE fine-tune of taef2")
                        && eqRow.contains("p_eq 0.5"),
                eqRow);
        assertEquals(
                2,
                md.lines()
                        .filter(l -> l.startsWith("| base |") || l.startsWith("| eq |"))
                        .count(),
                md);
    }
}
