package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.loss.LossKind;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.training.ModelTrainingSetup;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models exported by torch.onnx (static batch of 2) (fixtures made by src/test/resources/torch/make_torch_model.py) train here. */
class ImportedModelTrainingTest {

    private static Graph fixture(String name) throws Exception {
        return OnnxReader.read(Path.of(
                ImportedModelTrainingTest.class.getResource("/torch/" + name).toURI()));
    }

    /** Takes {@code steps} training steps on the same batch; returns the first and the last loss. */
    private static float[] train(TrainingSession s, int steps, Tensor... batch) {
        float first = Float.NaN;
        float last = Float.NaN;
        for (int i = 0; i < steps; i++) {
            last = s.trainStep(batch);
            s.optimizerStep();
            if (i == 0) {
                first = last;
            }
        }
        return new float[] {first, last};
    }

    private static float[] uniform(SplittableRandom r, int count, double lo, double hi) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return v;
    }

    @Test
    void torchExportedClassifierTrainsWithCrossEntropy(@TempDir Path dir) throws Exception {
        TrainingArtifacts a = new ModelTrainingSetup(
                        null,
                        LossKind.CROSS_ENTROPY,
                        List.of(),
                        List.of(Pattern.compile("conv1\\..*")),
                        OptimizerConfig.adamW())
                .build(fixture("small_cnn.onnx"));
        assertTrue(
                a.frozenParameters().containsAll(List.of("conv1.weight", "conv1.bias")),
                a.frozenParameters().toString());
        a.writeTo(dir.resolve("art"));
        float[] x = uniform(new SplittableRandom(1), 2 * 64, 0, 1);
        long[] labels = {3, 7};
        Tensor image = Tensor.ofFloats("image", new long[] {2, 1, 8, 8}, x);
        Tensor target = Tensor.ofLongs("target", new long[] {2}, labels);
        try (TrainingSession s = TrainingSession.open(dir.resolve("art"), RuntimeOptions.DEFAULT.withThreads(1))) {
            s.setLearningRate(1e-2f);
            Tensor frozenBefore = s.parameter("conv1.weight");
            float[] losses = train(s, 31, image, target);
            float first = losses[0];
            float last = losses[1];
            assertTrue(last < 0.5 * first, "cross-entropy fell from " + first + " to " + last);
            assertTrue(
                    java.util.Arrays.equals(
                            frozenBefore.rawData(), s.parameter("conv1.weight").rawData()),
                    "frozen conv1 unchanged");
        }
    }

    @Test
    void torchExportedGroupNormTrains(@TempDir Path dir) throws Exception {
        // nn.GroupNorm arrives as Reshape + InstanceNormalization + Reshape(Shape(x)) + Mul + Add
        TrainingArtifacts a = new ModelTrainingSetup(null, LossKind.MSE, List.of(), List.of(), OptimizerConfig.adamW())
                .build(fixture("groupnorm_cnn.onnx"));
        // exported with constant folding: the GroupNorm affine parameters arrive pre-unsqueezed under exporter names
        assertEquals(4, a.trainableParameters().size(), a.trainableParameters().toString());
        assertTrue(
                a.trainableParameters().containsAll(List.of("conv.weight", "conv.bias")),
                a.trainableParameters().toString());
        a.writeTo(dir.resolve("art"));
        SplittableRandom r = new SplittableRandom(2);
        float[] x = uniform(r, 2 * 64, 0, 1);
        float[] t = uniform(r, 2 * 8 * 64, -1, 1);
        Tensor image = Tensor.ofFloats("image", new long[] {2, 1, 8, 8}, x);
        Tensor target = Tensor.ofFloats("target", new long[] {2, 8, 8, 8}, t);
        try (TrainingSession s = TrainingSession.open(dir.resolve("art"), RuntimeOptions.DEFAULT.withThreads(1))) {
            s.setLearningRate(1e-2f);
            float[] losses = train(s, 21, image, target);
            float first = losses[0];
            float last = losses[1];
            assertTrue(last < 0.9 * first, "mse fell from " + first + " to " + last);
        }
    }
}
