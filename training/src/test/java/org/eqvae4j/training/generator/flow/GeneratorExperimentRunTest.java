package org.eqvae4j.training.generator.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.eqvae4j.runtime.metrics.AutoencoderMeasure;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.training.eval.IterationRatio;
import org.eqvae4j.training.generator.SeedStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole generator experiment, wired end to end at toy size (a one-block DiT, 4 steps, 24 synthetic images, the
 * shipped classifier): two arms on the same autoencoder with the same seeds must train the same generators, so every
 * score, floor and autoencoder measure agrees between them and every iteration ratio is exactly 1; a second run
 * trains nothing, scores nothing again and writes the same numbers.
 */
class GeneratorExperimentRunTest {

    @Test
    void twoArmsOnTheSameAutoencoderScoreAlikeAndAResumedRunRedoesNothing(@TempDir Path dir) throws Exception {
        Path[] data = GeneratorFixtures.idx(dir.resolve("data"), 24, 1);
        Path taef2 = GeneratorFixtures.ROOT.resolve("models/taef2");
        Path out = dir.resolve("report");
        GeneratorExperiment.Config cfg = new GeneratorExperiment.Config(
                List.of(new GeneratorExperiment.Arm("base", taef2), new GeneratorExperiment.Arm("same", taef2)),
                List.of(0L, 1L),
                dir.resolve("work"),
                GeneratorFixtures.tinyDit(data, null, 4, 1e-3f, 2, 2, "template"),
                data[0],
                data[1],
                GeneratorFixtures.ROOT.resolve("models/fmnist-classifier/classifier.onnx"),
                8,
                12,
                2,
                "euler",
                1.5,
                0,
                1,
                out);
        GeneratorExperiment.Result r = new GeneratorExperiment(cfg).run(ProgressListener.NONE);

        assertEquals(4, r.runs().size(), "2 arms x 2 seeds");
        for (GeneratorExperiment.RunResult run : r.runs()) {
            assertEquals(
                    List.of(2L, 4L),
                    run.points().stream().map(GeneratorExperiment.Point::step).toList(),
                    "each snapshot scored: " + run.arm().label() + " seed " + run.seed());
            assertEquals(12, run.points().get(1).samples(), "the final snapshot gets the final sample count");
            assertEquals(8, run.points().get(0).samples());
        }
        for (int i = 0; i < 2; i++) {
            GeneratorExperiment.RunResult base = r.runs().get(i);
            GeneratorExperiment.RunResult same = r.runs().get(2 + i);
            assertEquals(base.seed(), same.seed());
            assertEquals(base.loss(), same.loss(), "same autoencoder and seed: the same training");
            assertEquals(base.points(), same.points(), "and the same scores");
        }
        assertEquals(r.floors().get("base"), r.floors().get("same"));
        assertTrue(r.floors().get("base") > 0, "a reconstruction floor is a positive distance: " + r.floors());
        assertEquals(0.0, r.floorCheck().spread(), 1e-12);
        assertEquals(r.autoencoders().get("base"), r.autoencoders().get("same"));
        assertEquals(24, r.autoencoders().get("base").get("images"), "measured on every test image there is");
        assertTrue((double) r.autoencoders().get("base").get(AutoencoderMeasure.PSNR.key()) > 10);

        assertEquals(2 * 3, r.ratios().size(), "one pair x FD, FD own, KD x measured and monotone curves");
        for (SeedStatistics.PairRatio p : r.ratios()) {
            assertEquals("base", p.armA());
            assertEquals("same", p.armB());
            assertEquals(1.0, p.interval().estimate(), 1e-12, p.metric() + " " + p.curve());
            assertEquals(1.0, p.interval().low(), 1e-12);
            assertEquals(1.0, p.interval().high(), 1e-12);
        }
        assertTrue(r.ratios().stream().anyMatch(p -> p.curve() == IterationRatio.Curve.MONOTONE));

        for (String f : List.of(
                "README.md",
                "ratios.csv",
                "runs.csv",
                "bands.csv",
                "floors.csv",
                "autoencoders.csv",
                "loss.png",
                "samples-base.png",
                "samples-same.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String readme = Files.readString(out.resolve("README.md"));
        assertTrue(readme.contains("| base |") && readme.contains("| same |"), readme);
        assertTrue(readme.contains("./eqvae experiment-generators"), "the regenerate line: " + readme);

        // resumed: the runs are complete and their scores are on disk, so nothing is trained or scored again
        Path scores;
        try (var s = Files.list(cfg.run(cfg.arms().get(0), 0))) {
            scores = s.filter(p -> p.getFileName().toString().startsWith("scores-"))
                    .findFirst()
                    .orElseThrow();
        }
        FileTime scored = Files.getLastModifiedTime(scores);
        String ratios = Files.readString(out.resolve("ratios.csv"));
        GeneratorExperiment.Result again = new GeneratorExperiment(cfg).run(ProgressListener.NONE);
        assertEquals(scored, Files.getLastModifiedTime(scores), "the scores were read back, not recomputed");
        assertEquals(r.runs().get(0).points(), again.runs().get(0).points());
        assertEquals(ratios, Files.readString(out.resolve("ratios.csv")));
    }
}
