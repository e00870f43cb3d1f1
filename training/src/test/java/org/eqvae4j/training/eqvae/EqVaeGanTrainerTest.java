package org.eqvae4j.training.eqvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.arch.PatchGanConfig;
import org.eqvae4j.export.eqvae.AdversarialLoss;
import org.eqvae4j.export.eqvae.EqVaeLoss;
import org.eqvae4j.export.eqvae.EqVaeObjective;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.training.Checkpoint;
import org.eqvae4j.export.training.CheckpointFile;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EQ-VAE fine-tuning with the hinge PatchGAN term: the shipped TAEF2 on the bundled photos at 32 px with a
 * one-layer discriminator, a few steps. The discriminator starts at step 3 (1-based), so steps 1-2 show
 * that nothing adversarial happens before the start.
 */
class EqVaeGanTrainerTest {
    private static final Path ROOT = RepositoryRoot.get();
    private static final PatchGanConfig DISC = new PatchGanConfig(3, 8, 1, PatchGanConfig.Norm.BATCH_STATISTICS);

    private static EqVaeTrainConfig config(long steps, long discStart, PatchGanConfig disc, int crop) {
        return new EqVaeTrainConfig(
                ROOT.resolve("models/taef2"),
                ROOT.resolve("test-images/photos"),
                null,
                crop,
                2,
                1,
                steps,
                1e-4f,
                0,
                7,
                0.5,
                0.25,
                true,
                false,
                org.eqvae4j.runtime.transform.Interpolation.BILINEAR,
                new EqVaeLoss(1f, 0f, 0f),
                null,
                1,
                1,
                ExecutionProvider.CPU,
                256,
                "eq-gan-test",
                new AdversarialLoss(disc, 0.5f),
                discStart,
                0,
                0,
                EqVaeTrainConfig.RecipeOptions.DEFAULT);
    }

    /** metrics.csv rows without the timing column, by step. */
    private static List<String> rows(Path run) throws Exception {
        return Files.readAllLines(run.resolve(EqVaeTrainer.METRICS)).stream()
                .skip(1)
                .map(l -> {
                    String[] f = l.split(",");
                    f[3] = "";
                    return String.join(",", f);
                })
                .toList();
    }

    private static double column(Path run, int step, String name) throws Exception {
        List<String> lines = Files.readAllLines(run.resolve(EqVaeTrainer.METRICS));
        int c = Arrays.asList(lines.get(0).split(",")).indexOf(name);
        assertTrue(c >= 0, "metrics.csv has a " + name + " column: " + lines.get(0));
        return Double.parseDouble(lines.get(step).split(",")[c]);
    }

    private static Map<String, Tensor> discriminator(Checkpoint c) {
        Map<String, Tensor> d = new java.util.TreeMap<>();
        c.trainable().forEach((k, v) -> {
            if (k.startsWith(EqVaeObjective.DISCRIMINATOR_PREFIX)) {
                d.put(k, v);
            }
        });
        return d;
    }

    private static void assertSameValues(Map<String, Tensor> a, Map<String, Tensor> b, boolean same) {
        assertEquals(a.keySet(), b.keySet());
        boolean allEqual = a.keySet().stream()
                .allMatch(k -> Arrays.equals(a.get(k).toFloats(), b.get(k).toFloats()));
        assertEquals(same, allEqual, same ? "discriminator unchanged" : "discriminator trained");
    }

    @Test
    void discriminatorStartsAtItsStepTrainsAfterAndResumesExactly(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight");
        new EqVaeTrainer(config(4, 2, DISC, 32), straight).train(ProgressListener.NONE);

        // before the start step: no adversarial weight, and the discriminator's parameters stay bit for bit
        Path early = dir.resolve("early");
        new EqVaeTrainer(config(2, 2, DISC, 32), early).train(ProgressListener.NONE);
        Map<String, Tensor> initial =
                discriminator(CheckpointFile.read(early.resolve("artifacts").resolve(TrainingArtifacts.CHECKPOINT)));
        assertFalse(initial.isEmpty(), "the discriminator's parameters are in the checkpoint");
        assertSameValues(
                initial,
                discriminator(CheckpointFile.read(
                        org.eqvae4j.training.RunFolder.committedFile(early, EqVaeTrainer.CHECKPOINT))),
                true);
        for (int step = 1; step <= 2; step++) {
            assertEquals(
                    column(straight, step, "rec_loss"),
                    column(straight, step, "generator_loss"),
                    0,
                    "step " + step + ": no adversarial term");
            assertEquals(
                    column(straight, step, "rec_loss"),
                    column(straight, step, "loss"),
                    1e-6,
                    "step " + step + ": no discriminator loss");
            assertTrue(column(straight, step, "lambda") > 0, "the adaptive weight is computed (and logged) all along");
        }
        // from the start step on: the discriminator trains and the generator's loss has the adversarial term
        assertSameValues(
                initial,
                discriminator(CheckpointFile.read(
                        org.eqvae4j.training.RunFolder.committedFile(straight, EqVaeTrainer.CHECKPOINT))),
                false);
        for (int step = 3; step <= 4; step++) {
            double expected = column(straight, step, "rec_loss")
                    + 0.5 * column(straight, step, "lambda") * column(straight, step, "g_adv");
            assertEquals(expected, column(straight, step, "generator_loss"), 1e-4 * Math.abs(expected) + 1e-6);
        }
        assertNotEquals(column(straight, 3, "d_loss"), column(straight, 4, "d_loss"), "d_loss changes");
        String header =
                Files.readAllLines(straight.resolve(EqVaeTrainer.METRICS)).get(0);
        assertEquals(
                "rec_loss",
                header.split(",")[org.eqvae4j.training.report.LossChart.plottedColumn(header)],
                "the chart plots rec_loss");

        // resumed from the early run's checkpoint (step 2): the same rows and the same weights as the straight run
        new EqVaeTrainer(config(4, 2, DISC, 32), early).train(ProgressListener.NONE);
        assertEquals(rows(straight), rows(early));
        Checkpoint a =
                CheckpointFile.read(org.eqvae4j.training.RunFolder.committedFile(straight, EqVaeTrainer.CHECKPOINT));
        Checkpoint b =
                CheckpointFile.read(org.eqvae4j.training.RunFolder.committedFile(early, EqVaeTrainer.CHECKPOINT));
        for (String k : a.trainable().keySet()) {
            assertArrayEquals(
                    a.trainable().get(k).toFloats(), b.trainable().get(k).toFloats(), k);
        }
        assertEquals(
                a.optimizer().orElseThrow().step(), b.optimizer().orElseThrow().step());

        // a run folder keeps its objective: resuming it without the adversarial term is refused
        EqVaeTrainConfig plain = new EqVaeTrainConfig(
                ROOT.resolve("models/taef2"),
                ROOT.resolve("test-images/photos"),
                null,
                32,
                2,
                1,
                5,
                1e-4f,
                0,
                7,
                0.5,
                0.25,
                true,
                false,
                org.eqvae4j.runtime.transform.Interpolation.BILINEAR,
                new EqVaeLoss(1f, 0f, 0f),
                null,
                1,
                1,
                ExecutionProvider.CPU,
                256,
                "eq-gan-test",
                null,
                0,
                0,
                0,
                EqVaeTrainConfig.RecipeOptions.DEFAULT);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new EqVaeTrainer(plain, early).train(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("new run folder"), e.getMessage());

        ModelBundle bundle = ModelBundle.open(early.resolve(EqVaeTrainer.BUNDLE));
        assertTrue(bundle.has(ModelManifest.DISCRIMINATOR));
        assertArrayEquals(
                Files.readAllBytes(
                        ModelBundle.open(straight.resolve(EqVaeTrainer.BUNDLE)).file(ModelManifest.DISCRIMINATOR)),
                Files.readAllBytes(bundle.file(ModelManifest.DISCRIMINATOR)));
        assertEquals(
                discriminator(b)
                        .get(EqVaeObjective.DISCRIMINATOR_PREFIX + "main.0.weight")
                        .toFloats()[0],
                OnnxReader.read(bundle.file(ModelManifest.DISCRIMINATOR))
                        .initializers()
                        .get("main.0.weight")
                        .toFloats()[0]);
        assertTrue(
                bundle.manifest().provenance().toString().contains("PatchGAN"),
                bundle.manifest().provenance().toString());
    }

    @Test
    void aDiscriminatorTooDeepForTheSmallestTargetsIsRefusedBeforeTraining(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new EqVaeTrainer(
                                config(
                                        1,
                                        0,
                                        PatchGanConfig.taming().withNorm(PatchGanConfig.Norm.BATCH_STATISTICS),
                                        64),
                                dir.resolve("run"))
                        .train(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("16 px") && e.getMessage().contains("24 px"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("run").resolve("artifacts")));
    }
}
