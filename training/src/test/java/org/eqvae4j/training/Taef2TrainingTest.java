package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.runtime.image.ImageFiles;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.Interpolation;
import org.eqvae4j.runtime.transform.Resampler;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.eqvae4j.training.bench.TrainStepBenchmark;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TAEF2 (64x64, batch 2) trains on ONNX Runtime's training API: the reconstruction loss falls on a fixed batch. */
@Tag("slow") // real training: TAEF2 from a fresh initialisation until its loss falls (mvn -Pslow runs it)
class Taef2TrainingTest {

    @Test
    void reconstructionLossFallsOverAFewSteps(@TempDir Path dir) throws Exception {
        Path root = RepositoryRoot.get();
        FloatTensor photo = ImageFiles.read(root.resolve("test-images/photos/chelsea.png"));
        FloatTensor a = Resampler.resize(photo, 64, 64, Interpolation.AREA);
        FloatTensor b = Resampler.resize(
                ImageFiles.read(root.resolve("test-images/photos/coffee.png")), 64, 64, Interpolation.AREA);
        FloatTensor batch = FloatTensor.stack(List.of(a, b));
        // from a fresh initialisation, so that the first Adam steps can only help
        float[] losses =
                TrainStepBenchmark.losses(Architectures.standard().get("taef2"), null, batch, 10, 2e-4f, 1, dir);
        double lastThree = (losses[7] + losses[8] + losses[9]) / 3;
        assertTrue(lastThree < 0.75 * losses[0], "loss fell: " + java.util.Arrays.toString(losses));
    }
}
