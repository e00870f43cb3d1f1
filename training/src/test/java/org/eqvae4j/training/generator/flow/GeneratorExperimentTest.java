package org.eqvae4j.training.generator.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.eqvae4j.training.eval.FrechetDistance;
import org.eqvae4j.training.eval.KernelDistance;
import org.eqvae4j.training.eval.PrecisionRecall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorExperimentTest {

    @Test
    void meanLossAveragesTheWindowEndingAtTheStep() {
        TreeMap<Long, Double> loss = new TreeMap<>();
        for (long s = 1; s <= 10; s++) {
            loss.put(s, (double) s);
        }
        assertEquals((8 + 9 + 10) / 3.0, GeneratorExperiment.meanLoss(loss, 10, 3), 1e-12);
        assertEquals(1.5, GeneratorExperiment.meanLoss(loss, 2, 100), 1e-12);
    }

    private static double[][] features(int n, int d, double shift, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = shift + r.nextDouble();
            }
        }
        return x;
    }

    @Test
    void aSnapshotIsScoredByEveryMeasureAgainstTheRightReference() {
        double[][] test = features(300, 6, 0, 1);
        double[][] samples = features(80, 6, 0.2, 2);
        double[][] recon = features(200, 6, 0.1, 3);
        int[] labels = new int[80];
        int[] predicted = new int[80];
        for (int i = 0; i < 80; i++) {
            labels[i] = i % 10;
            predicted[i] = i < 60 ? i % 10 : (i + 1) % 10;
        }
        var reference = FrechetDistance.Gaussian.fit(test, "test");
        var own = FrechetDistance.Gaussian.fit(recon, "recon");
        GeneratorExperiment.Point p = GeneratorExperiment.score(500, samples, predicted, labels, reference, own, test);
        assertEquals(500, p.step());
        assertEquals(80, p.samples());
        assertEquals(FrechetDistance.between(test, samples), p.fd(), 1e-9, "FD against all test images");
        assertEquals(FrechetDistance.between(recon, samples), p.fdOwn(), 1e-9, "FD own against the reconstructions");
        double[][] first80 = java.util.Arrays.copyOf(test, 80);
        var kd = KernelDistance.between(first80, samples, KernelDistance.DEFAULT_SUBSETS, 1000, 500);
        assertEquals(kd.mean(), p.kd(), 1e-12, "KD against as many test images as samples");
        assertEquals(kd.std(), p.kdStd(), 1e-12);
        var pr = PrecisionRecall.between(first80, samples, 3);
        assertEquals(pr.precision(), p.precision(), 0);
        assertEquals(pr.recall(), p.recall(), 0);
        assertEquals(0.75, p.accuracy(), 1e-12);
        assertTrue(p.fd() > 0.1 && p.kd() > 0, p.toString());
    }

    @Test
    void scoresSurviveTheirCsvExactlyAndAForeignFileIsRefused(@TempDir Path dir) throws Exception {
        TreeMap<Long, GeneratorExperiment.Point> points = new TreeMap<>();
        points.put(10L, new GeneratorExperiment.Point(10, 100, 50.5, 40.25, 0.0123, 0.001, 0.5, 0.25, 0.6));
        points.put(20L, new GeneratorExperiment.Point(20, 200, 30.5, 20.25, -0.0012, 0.002, 0.75, 0.5, 0.8));
        // values with more digits than a fixed format keeps: read back exactly, as a run in one go had them
        points.put(
                30L,
                new GeneratorExperiment.Point(30, 300, 221.4865233734605, 1 / 3.0, 1e-9 / 7, 0, 2 / 3.0, 0.1, 0.3));
        Path csv = dir.resolve("scores.csv");
        GeneratorExperiment.writePoints(csv, points);
        assertEquals(points, GeneratorExperiment.readPoints(csv));
        Files.writeString(csv, "step,fd_fmnist_cnn,fd_own_reconstructions,class_accuracy\n10,1,2,0.5\n");
        var e = assertThrows(java.io.IOException.class, () -> GeneratorExperiment.readPoints(csv));
        assertTrue(e.getMessage().contains("delete it"), e.getMessage());
    }

    @Test
    void theConfigRefusesDuplicateArmsAndSeedsAndTooFewSamples() {
        var base = new GeneratorExperiment.Arm("base", Path.of("a"));
        var e = assertThrows(IllegalArgumentException.class, () -> config(List.of(base, base), List.of(0L), 100, 200));
        assertTrue(e.getMessage().contains("each label once"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(List.of(base), List.of(1L, 1L), 100, 200));
        assertTrue(e.getMessage().contains("--seeds"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(List.of(base), List.of(1L), 300, 200));
        assertTrue(e.getMessage().contains("--final-samples"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GeneratorExperiment.Arm("a b", Path.of("x")));
        var ok = config(List.of(base), List.of(0L, 1L), 100, 200);
        assertEquals(Path.of("w", "base", "seed-1"), ok.run(base, 1));
    }

    private static GeneratorExperiment.Config config(
            List<GeneratorExperiment.Arm> arms, List<Long> seeds, int eval, int fin) {
        return new GeneratorExperiment.Config(
                arms, seeds, Path.of("w"), null, null, null, null, eval, fin, 4, "euler", 1, 0, 1, Path.of("o"));
    }

    @Test
    void theAutoencoderTableListsEachArmsReconstructionAndEquivariance() {
        Map<String, Map<String, Object>> arms = new java.util.LinkedHashMap<>();
        arms.put(
                "base",
                Map.of(
                        "images",
                        500,
                        "psnr",
                        30.1234,
                        "equivariance_error_rotation",
                        1.0,
                        "equivariance_error_scale",
                        0.5,
                        "psnr_transformed_latent_rotation",
                        20.0,
                        "psnr_transformed_latent_scale",
                        21.0,
                        "intrinsic_dimension_twonn",
                        12.5,
                        "latent_high_frequency_share",
                        0.25));
        arms.put("eq", Map.of("images", 500, "psnr", 29.0, "equivariance_error_rotation", 0.4));
        String md = GeneratorReport.autoencoders(arms);
        assertTrue(md.contains("| base | 30.12 | 1.000 | 0.500 | 20.00 | 21.00 | 12.5 | 0.250 |"), md);
        assertTrue(md.contains("| eq | 29.00 | 0.400 | | | | | |"), "a missing measure is an empty cell: " + md);
        assertTrue(md.contains("first 500 test images"), md);
    }
}
