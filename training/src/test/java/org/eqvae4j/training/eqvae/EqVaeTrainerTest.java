package org.eqvae4j.training.eqvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.eqvae4j.training.TrainingDivergedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EQ-VAE fine-tuning of the shipped TAEF2 on the bundled photos, a few small steps at a time. */
class EqVaeTrainerTest {
    private static final Path ROOT = RepositoryRoot.get();

    private static EqVaeTrainConfig config(long steps, float lr, int checkpointEvery) {
        return TestConfigs.taef2(steps, lr, checkpointEvery, true);
    }

    private static List<String> losses(Path run) throws Exception {
        return Files.readAllLines(run.resolve(EqVaeTrainer.METRICS)).stream()
                .skip(1)
                .map(l -> l.split(",")[0] + ":" + l.split(",")[1])
                .toList();
    }

    @Test
    void resumedRunContinuesExactlyLikeAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight");
        new EqVaeTrainer(config(4, 1e-4f, 2), straight).train(ProgressListener.NONE);
        Path resumed = dir.resolve("resumed");
        new EqVaeTrainer(config(2, 1e-4f, 2), resumed).train(ProgressListener.NONE);
        new EqVaeTrainer(config(4, 1e-4f, 2), resumed).train(ProgressListener.NONE);
        assertEquals(losses(straight), losses(resumed));
        ModelBundle b = ModelBundle.open(resumed.resolve(EqVaeTrainer.BUNDLE));
        assertEquals("eq-test", b.manifest().id());
        assertEquals("taef2", b.manifest().architecture());
        assertFalse(
                java.util.Arrays.equals(
                        Files.readAllBytes(b.file("decoder")),
                        Files.readAllBytes(ROOT.resolve("models/taef2/decoder.onnx"))),
                "weights changed");
    }

    @Test
    void divergenceStopsWithTheLastGoodCheckpointNamed(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class,
                () -> new EqVaeTrainer(config(40, 1e9f, 1), run).train(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("at step"), e.getMessage());
        assertTrue(
                Files.isRegularFile(run.resolve(EqVaeTrainer.CHECKPOINT_STATE))
                        == e.getMessage().contains("last good checkpoint"),
                e.getMessage());
        assertFalse(Files.exists(run.resolve(EqVaeTrainer.BUNDLE)), "no bundle from a diverged run");
    }
}
