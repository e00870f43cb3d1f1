package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.junit.jupiter.api.Test;

/** The hand-written gradients of the test models agree with central finite differences of the loss. */
class TestModelsGradientTest {

    @Test
    void linearGradientsMatchFiniteDifferences() throws Exception {
        Tensor x = TestModels.linearInput("x", 5, 1);
        Tensor t = TestModels.linearTarget(TestModels.linearInput("x", 5, 2));
        assertGradientsMatch(TestModels.linear(3), 1e-3, x, t);
    }

    @Test
    void convNetGradientsMatchFiniteDifferences() throws Exception {
        Tensor x = TestModels.convInput("x", 2, 4);
        Tensor t = TestModels.convTarget(x);
        // a small step, so that no ReLU pre-activation crosses zero (where the loss has a kink)
        assertGradientsMatch(TestModels.convNet(5), 1e-4, x, t);
    }

    /**
     * Every element of every trainable parameter: (L(p + e) - L(p - e)) / 2e against the graph's gradient.
     * The losses are float32, so the error allowed is relative to the largest gradient of the parameter.
     */
    private static void assertGradientsMatch(TestModels.Model model, double epsilon, Tensor... inputs)
            throws Exception {
        double tolerance = 5e-3;
        Graph g = model.gradient();
        Map<String, Tensor> analytic = OrtInference.run(g, inputs);
        for (String p : model.trainable()) {
            float[] grad = analytic.get(TrainingArtifacts.gradientName(p)).toFloats();
            Tensor value = g.initializers().get(p);
            float[] base = value.toFloats();
            double maxGrad = 0;
            double maxError = 0;
            for (int i = 0; i < base.length; i++) {
                double plus = lossWith(g, value, base, i, epsilon, inputs);
                double minus = lossWith(g, value, base, i, -epsilon, inputs);
                double numeric = (plus - minus) / (2 * epsilon);
                maxError = Math.max(maxError, Math.abs(numeric - grad[i]));
                maxGrad = Math.max(maxGrad, Math.abs(grad[i]));
            }
            assertTrue(maxGrad > 1e-4, p + ": gradient is zero, the check would be empty");
            System.out.printf("%s: max |numeric - analytic| / max |gradient| = %.1e%n", p, maxError / maxGrad);
            assertTrue(
                    maxError <= tolerance * maxGrad,
                    p + ": max |numeric - analytic| = " + maxError + " exceeds " + tolerance + " * max |gradient| "
                            + maxGrad);
        }
    }

    private static double lossWith(Graph g, Tensor value, float[] base, int index, double delta, Tensor... inputs)
            throws Exception {
        float[] moved = base.clone();
        moved[index] += (float) delta;
        Graph perturbed = g.withInitializers(Map.of(value.name(), Tensor.ofFloats(value.name(), value.dims(), moved)));
        return OrtInference.run(perturbed, inputs).get("loss").toFloats()[0];
    }
}
