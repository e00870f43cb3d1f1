package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.loss.LossKind;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.training.ModelTrainingSetup;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.export.weights.StateDict;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixture zoo (src/test/resources/torch/zoo, made by make_fixture_zoo.py with PyTorch): torch.onnx
 * exports of TAEF2's encoder and decoder, LDM's KL-VAE, a ResNet-18-shaped classifier (training-mode
 * BatchNorm), a U-Net level with einsum self-attention, a ViT block and a DiT block, at opsets 14-17.
 * For each, training artifacts are written and one ONNX Runtime training step with plain SGD reproduces
 * PyTorch's float64 gradients: the step moves each parameter by -lr * grad, so (before - after) / lr is
 * the gradient ONNX Runtime computed. The learning rate is large so that this difference is far above
 * float32 rounding of the parameter itself.
 */
class FixtureZooTrainingTest {
    private static final double TOLERANCE = 1e-3;
    private static final float LEARNING_RATE = 1e5f;
    /** Gradient norms below this fraction of the model's largest are zero up to rounding. */
    private static final double ZERO_GRADIENT_FLOOR = 1e-6;

    private static double norm(float[] v) {
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        return Math.sqrt(s);
    }

    private static Path fixture(String file) throws Exception {
        return Path.of(
                FixtureZooTrainingTest.class.getResource("/torch/zoo/" + file).toURI());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "taef2_encoder",
                "taef2_decoder",
                "ldm_kl_vae",
                "resnet18_classifier",
                "unet_attention_block",
                "vit_block",
                "dit_block"
            })
    void oneTrainingStepReproducesPyTorchGradients(String name, @TempDir Path dir) throws Exception {
        Graph model = OnnxReader.read(fixture(name + ".onnx"));
        StateDict ref = StateDict.read(fixture(name + ".reference.safetensors"));
        Tensor target = ref.get("target").renamed("target");
        LossKind loss = target.dtype() == DType.INT64 ? LossKind.CROSS_ENTROPY : LossKind.MSE;
        TrainingArtifacts artifacts =
                new ModelTrainingSetup(null, loss, List.of(), List.of(), OptimizerConfig.sgd()).build(model);
        Path folder = dir.resolve("artifacts");
        artifacts.writeTo(folder);

        List<String> parameters = ref.names().stream()
                .filter(n -> n.startsWith("grad."))
                .map(n -> n.substring(5))
                .toList();
        assertTrue(
                artifacts.trainableParameters().containsAll(parameters),
                "every PyTorch parameter is a trainable parameter of the artifacts; missing: "
                        + parameters.stream()
                                .filter(p -> !artifacts.trainableParameters().contains(p))
                                .toList());
        assertTrue(
                artifacts.trainableParameters().stream()
                        .noneMatch(p -> p.endsWith("running_mean") || p.endsWith("running_var")),
                "BatchNorm statistics are not trained");
        List<Tensor> inputs = new ArrayList<>();
        for (Value in : model.inputs()) {
            inputs.add(ref.get("input." + in.name()).renamed(in.name()));
        }
        inputs.add(target);

        try (TrainingSession s = TrainingSession.open(folder, RuntimeOptions.DEFAULT.withThreads(1))) {
            s.setLearningRate(LEARNING_RATE);
            Map<String, float[]> before = new LinkedHashMap<>();
            for (String p : parameters) {
                before.put(p, s.parameter(p).toFloats());
            }
            float lossValue = s.trainStep(inputs.toArray(Tensor[]::new));
            double refLoss = ref.get("loss").toFloats()[0];
            assertEquals(refLoss, lossValue, 1e-4 * Math.abs(refLoss), name + ": loss");
            s.optimizerStep();

            // a gradient that is zero in exact arithmetic (the key bias of softmax attention: scores shift by a
            // constant per query) is float rounding noise in both; it is measured against the model's gradient scale
            double largest = parameters.stream()
                    .mapToDouble(p -> norm(ref.get("grad." + p).toFloats()))
                    .max()
                    .orElse(0);
            double floor = ZERO_GRADIENT_FLOOR * largest;
            List<String> failures = new ArrayList<>();
            double worst = 0;
            String worstName = "";
            for (String p : parameters) {
                float[] b = before.get(p);
                float[] a = s.parameter(p).toFloats();
                float[] expected = ref.get("grad." + p).toFloats();
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < b.length; i++) {
                    double g = ((double) b[i] - a[i]) / LEARNING_RATE;
                    diff += (g - expected[i]) * (g - expected[i]);
                    norm += (double) expected[i] * expected[i];
                }
                double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), floor);
                if (rel > worst) {
                    worst = rel;
                    worstName = p;
                }
                if (!(rel <= TOLERANCE)) {
                    failures.add(p + " " + String.format("%.2e (|grad| %.2e)", rel, Math.sqrt(norm)));
                }
            }
            System.out.printf(
                    "%s: %d parameter tensors, worst relative gradient error %.2e (%s), loss %.6f vs PyTorch %.6f%n",
                    name, parameters.size(), worst, worstName, lossValue, refLoss);
            assertTrue(failures.isEmpty(), name + ": relative gradient errors above " + TOLERANCE + ": " + failures);
        }
    }
}
