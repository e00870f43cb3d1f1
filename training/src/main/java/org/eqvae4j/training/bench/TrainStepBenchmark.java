package org.eqvae4j.training.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.eqvae.EqVaeLoss;
import org.eqvae4j.export.eqvae.EqVaeObjective;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.transform.SeparableForm;
import org.eqvae4j.training.TrainingOptions;
import org.eqvae4j.training.TrainingSession;

/**
 * Times one autoencoder training step on ONNX Runtime (forward, L1 reconstruction loss, backward,
 * AdamW), the work a fine-tuning step does on its plain branch, for a square size and batch.
 */
public final class TrainStepBenchmark {

    /** @param gradients "fused" (ORT training kernels, what training uses) or "portable" (standard ops only) */
    public record Result(String gradients, int size, int batch, double msPerStep, double imagesPerSecond) {
    }

    private TrainStepBenchmark() {
    }

    public static Result run(AutoencoderArchitecture arch, java.util.Map<String, Tensor> weights, int size, int batch,
                             int warmup, int steps, boolean fused, int threads, Path work) throws IOException {
        Weights w = Weights.loaded(weights, "benchmark weights");
        Graph objective = EqVaeObjective.build(arch, w, new EqVaeLoss(1f, 0f, 0f));
        w.finish();
        List<String> params = new ArrayList<>(objective.parameterNames());
        params.sort(null);
        Autodiff ad = fused ? Autodiff.forOnnxRuntimeTraining() : Autodiff.standard();
        Path folder = work.resolve((fused ? "fused-" : "portable-") + size + "-" + batch);
        if (!Files.isRegularFile(folder.resolve(TrainingArtifacts.CHECKPOINT))) {
            new TrainingArtifacts(ad.gradients(objective, EqVaeObjective.LOSS, params), objective, params, OptimizerConfig.eqVaeAdam())
                    .writeTo(folder);
        }
        int f = arch.downsamplingFactor();
        SplittableRandom r = new SplittableRandom(0);
        float[] x = new float[batch * arch.imageChannels() * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        SeparableForm id = SeparableForm.of(org.eqvae4j.runtime.transform.LatentTransform.rotate90(0), size / f, size / f);
        long[] shape = {batch, arch.imageChannels(), size, size};
        Tensor[] feed = {
            Tensor.ofFloats(EqVaeObjective.IMAGE, shape, x),
            Tensor.ofFloats(EqVaeObjective.TARGET, shape, x),
            Tensor.ofFloats(EqVaeObjective.TAU_LEFT, new long[] {size / f, size / f}, SeparableForm.toFloats(id.left())),
            Tensor.ofFloats(EqVaeObjective.TAU_RIGHT, new long[] {size / f, size / f}, SeparableForm.toFloats(id.right())),
            new Tensor(EqVaeObjective.TAU_TRANSPOSE, DType.BOOL, new long[0], new byte[] {0}),
        };
        double[] ms = new double[steps];
        try (TrainingSession s = TrainingSession.open(folder, TrainingOptions.defaults().withThreads(threads))) {
            s.setLearningRate(1e-5f);
            for (int i = 0; i < warmup + steps; i++) {
                long t0 = System.nanoTime();
                s.trainStep(feed);
                s.optimizerStep();
                if (i >= warmup) {
                    ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        Arrays.sort(ms);
        double median = ms[ms.length / 2];
        return new Result(fused ? "fused" : "portable", size, batch, median, batch * 1000 / median);
    }
}
