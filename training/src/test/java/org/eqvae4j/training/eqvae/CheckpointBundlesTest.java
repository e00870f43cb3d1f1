package org.eqvae4j.training.eqvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.training.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots of a run's kept and committed checkpoints hold exactly the weights a run of that length ends with. */
class CheckpointBundlesTest {
    private static EqVaeTrainConfig config(long steps, EqVaeTrainConfig.RecipeOptions options) {
        return TestConfigs.taef2(steps, 1e-3f, 1, true, options);
    }

    private static Map<String, Tensor> weights(ModelBundle b) throws Exception {
        return Architectures.standard()
                .get(b.manifest().architecture())
                .stateDict(OnnxReader.read(b.file("encoder")), OnnxReader.read(b.file("decoder")));
    }

    private static void assertSameWeights(Map<String, Tensor> expected, Map<String, Tensor> got, String what) {
        assertEquals(expected.keySet(), got.keySet(), what);
        for (String name : expected.keySet()) {
            assertTrue(
                    java.util.Arrays.equals(
                            expected.get(name).toFloats(), got.get(name).toFloats()),
                    what + ": weight " + name + " differs");
        }
    }

    @Test
    void keptCheckpointsExportTheWeightsOfShorterRuns(@TempDir Path dir) throws Exception {
        EqVaeTrainConfig.RecipeOptions none = EqVaeTrainConfig.RecipeOptions.DEFAULT;
        Path run = dir.resolve("run");
        new EqVaeTrainer(config(3, none), run, 1).train(ProgressListener.NONE);
        Path shorter = dir.resolve("shorter");
        new EqVaeTrainer(config(2, none), shorter).train(ProgressListener.NONE);

        var checkpoints = CheckpointBundles.checkpoints(run);
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(checkpoints.keySet()));
        assertEquals(run.resolve(RunFolder.KEPT).resolve("checkpoint-000002"), checkpoints.get(2L));

        ModelBundle two = CheckpointBundles.export(run, checkpoints.get(2L), CheckpointBundles.defaultOutput(run, 2));
        assertEquals(run.resolve("snapshots/step-000002"), two.root());
        assertSameWeights(
                weights(ModelBundle.open(shorter.resolve(EqVaeTrainer.BUNDLE))),
                weights(two),
                "step 2 of a 3-step run vs a 2-step run");
        assertEquals("eq-test-step-000002", two.manifest().id());
        String source = two.manifest().provenance().get("weights").toString();
        assertTrue(source.contains("after 2 of 3 steps"), source);

        ModelBundle three = CheckpointBundles.export(run, checkpoints.get(3L), dir.resolve("three"));
        assertSameWeights(
                weights(ModelBundle.open(run.resolve(EqVaeTrainer.BUNDLE))),
                weights(three),
                "the committed checkpoint vs the run's own bundle");

        // the kept checkpoints do not disturb a resumed run
        new EqVaeTrainer(config(4, none), run, 1).train(ProgressListener.NONE);
        assertEquals(
                List.of(1L, 2L, 3L, 4L),
                List.copyOf(CheckpointBundles.checkpoints(run).keySet()));
    }

    @Test
    void anAveragingRunsSnapshotIsItsAverage(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("ema");
        new EqVaeTrainer(config(2, EqVaeTrainConfig.RecipeOptions.DEFAULT.withEma(0.5)), run)
                .train(ProgressListener.NONE);
        ModelBundle snapshot = CheckpointBundles.export(
                run, RunFolder.committedFile(run, RunFolder.CHECKPOINT), dir.resolve("snapshot"));
        assertSameWeights(
                weights(ModelBundle.open(run.resolve(EqVaeTrainer.BUNDLE))), weights(snapshot), "EMA snapshot");
        assertTrue(snapshot.manifest().provenance().get("weights").toString().contains("EMA with decay 0.5"));

        // a copy of the checkpoint without the average saved beside it
        Path checkpoint = Files.createDirectories(dir.resolve("copy")).resolve("checkpoint-000002");
        Files.copy(RunFolder.committedFile(run, RunFolder.CHECKPOINT), checkpoint);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> CheckpointBundles.export(run, checkpoint, dir.resolve("again")));
        assertTrue(e.getMessage().contains("EMA 0.5") && e.getMessage().contains("is missing"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("again")), "nothing written");
    }

    @Test
    void aFileThatIsNoCheckpointIsRefusedByName(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        new EqVaeTrainer(config(1, EqVaeTrainConfig.RecipeOptions.DEFAULT), run).train(ProgressListener.NONE);
        Path notOne = run.resolve(RunFolder.METRICS);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> CheckpointBundles.export(run, notOne, dir.resolve("out")));
        assertTrue(e.getMessage().contains(notOne.toString()) && e.getMessage().contains("checkpoint-NNNNNN"));
        Path checkpoint = RunFolder.committedFile(run, RunFolder.CHECKPOINT);
        for (Path bad : List.of(run, dir, run.resolve("artifacts"))) {
            IllegalArgumentException e2 = assertThrows(
                    IllegalArgumentException.class,
                    () -> CheckpointBundles.export(run, checkpoint, bad),
                    bad.toString());
            assertTrue(e2.getMessage().contains("would replace run folder"), e2.getMessage());
        }
        assertTrue(Files.isRegularFile(checkpoint) && Files.isDirectory(run.resolve("artifacts")), "nothing replaced");
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class,
                () -> CheckpointBundles.export(run, run.resolve("checkpoint-000009"), dir.resolve("out")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }
}
