package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.eqvae4j.export.autodiff.UnsupportedOpException;
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
        return OnnxReader.read(Path.of(ImportedModelTrainingTest.class.getResource("/torch/" + name).toURI()));
    }

    @Test
    void torchExportedClassifierTrainsWithCrossEntropy(@TempDir Path dir) throws Exception {
        TrainingArtifacts a = new ModelTrainingSetup(null, LossKind.CROSS_ENTROPY, List.of(), List.of(Pattern.compile("conv1\\..*")),
                OptimizerConfig.adamW()).build(fixture("small_cnn.onnx"));
        assertTrue(a.frozenParameters().containsAll(List.of("conv1.weight", "conv1.bias")), a.frozenParameters().toString());
        a.writeTo(dir.resolve("art"));
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[2 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        long[] labels = {3, 7};
        Tensor image = Tensor.ofFloats("image", new long[] {2, 1, 8, 8}, x);
        Tensor target = Tensor.ofLongs("target", new long[] {2}, labels);
        try (TrainingSession s = TrainingSession.open(dir.resolve("art"), RuntimeOptions.DEFAULT.withThreads(1))) {
            s.setLearningRate(1e-2f);
            Tensor frozenBefore = s.parameter("conv1.weight");
            float first = s.trainStep(image, target);
            s.optimizerStep();
            float last = first;
            for (int i = 0; i < 30; i++) {
                last = s.trainStep(image, target);
                s.optimizerStep();
            }
            assertTrue(last < 0.5 * first, "cross-entropy fell from " + first + " to " + last);
            assertTrue(java.util.Arrays.equals(frozenBefore.rawData(), s.parameter("conv1.weight").rawData()), "frozen conv1 unchanged");
        }
    }

    @Test
    void uncoveredOpInAnImportedModelIsNamed() throws Exception {
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class,
                () -> new ModelTrainingSetup(null, LossKind.MSE, List.of(), List.of(), OptimizerConfig.sgd()).build(fixture("groupnorm_cnn.onnx")));
        assertTrue(e.getMessage().contains("InstanceNormalization"), e.getMessage());
    }
}
