package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's reverse-mode autodiff produces gradient graphs that the artifacts take as they are. */
class AutodiffTrainingTest {

    @Test
    void autodiffGradientsEqualTheHandWrittenOnesAndTrain(@TempDir Path dir) throws Exception {
        TestModels.Model m = TestModels.convNet(2);
        Graph gradient = Autodiff.standard().gradients(m.eval(), "loss", m.trainable());
        Tensor x = TestModels.convInput("x", 16, 3);
        Tensor t = TestModels.convTarget(x);

        Map<String, Tensor> byAutodiff = OrtInference.run(gradient, x, t);
        Map<String, Tensor> byHand = OrtInference.run(m.gradient(), x, t);
        for (String p : m.trainable()) {
            String grad = TrainingArtifacts.gradientName(p);
            assertArrayEquals(byHand.get(grad).toFloats(), byAutodiff.get(grad).toFloats(), 1e-6f, grad);
        }

        Path folder = dir.resolve("conv-autodiff");
        new TrainingArtifacts(gradient, m.eval(), m.trainable(), OptimizerConfig.eqVaeAdam()).writeTo(folder);
        try (TrainingSession s = TrainingSession.open(folder, RuntimeOptions.DEFAULT.withThreads(1))) {
            assertEquals(List.of("loss", "y"), s.trainOutputNames(), "the forward outputs stay visible");
            s.setLearningRate(0.01f);
            float first = s.trainStep(x, t);
            s.optimizerStep();
            float last = first;
            for (int i = 1; i < 20; i++) {
                last = s.trainStep(x, t);
                s.optimizerStep();
            }
            assertTrue(last < 0.5f * first, "loss " + first + " -> " + last);
        }
    }
}
