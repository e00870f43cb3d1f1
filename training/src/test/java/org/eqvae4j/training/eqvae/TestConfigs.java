package org.eqvae4j.training.eqvae;

import java.nio.file.Path;
import org.eqvae4j.export.eqvae.AdversarialLoss;
import org.eqvae4j.export.eqvae.EqVaeLoss;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.testsupport.RepositoryRoot;

/** The small TAEF2 fine-tunes the trainer tests run: the shipped bundle, the bundled photos, L1 only, one thread. */
final class TestConfigs {
    private TestConfigs() {}

    /** 32 px crops, batch 2, seed 7, grid scales when {@code scaleGrid} (else U(0.25, 1)), no other recipe option. */
    static EqVaeTrainConfig taef2(long steps, float lr, int checkpointEvery, boolean scaleGrid) {
        return taef2(steps, lr, checkpointEvery, scaleGrid, EqVaeTrainConfig.RecipeOptions.DEFAULT);
    }

    /** The same with the given recipe options. */
    static EqVaeTrainConfig taef2(
            long steps, float lr, int checkpointEvery, boolean scaleGrid, EqVaeTrainConfig.RecipeOptions options) {
        return taef2(steps, lr, checkpointEvery, scaleGrid, options, null);
    }

    /** The same with an adversarial term from step 0 (or none when null). */
    static EqVaeTrainConfig taef2(
            long steps,
            float lr,
            int checkpointEvery,
            boolean scaleGrid,
            EqVaeTrainConfig.RecipeOptions options,
            AdversarialLoss adversarial) {
        Path root = RepositoryRoot.get();
        return new EqVaeTrainConfig(
                root.resolve("models/taef2"),
                root.resolve("test-images/photos"),
                null,
                32,
                2,
                1,
                steps,
                lr,
                0,
                7,
                0.5,
                0.25,
                scaleGrid,
                false,
                Interpolation.BILINEAR,
                new EqVaeLoss(1f, 0f, 0f),
                null,
                checkpointEvery,
                1,
                ExecutionProvider.CPU,
                256,
                "eq-test",
                adversarial,
                0,
                0,
                0,
                options);
    }
}
