package org.eqvae4j.training.eqvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.progress.ProgressListener;
import org.eqvae4j.testsupport.RepositoryRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recipe options of issue 12 in real runs: the shipped TAEF2 on the bundled photos, tiny crops, a few steps. */
class EqVaeRecipeTrainerTest {
    private static final Path ROOT = RepositoryRoot.get();

    private static EqVaeTrainConfig config(long steps, EqVaeTrainConfig.RecipeOptions options) {
        return TestConfigs.taef2(steps, 1e-3f, 1, true, options);
    }

    /** The autoencoder weights of a bundle by state-dict name. */
    private static Map<String, Tensor> weights(Path bundle) throws Exception {
        ModelBundle b = ModelBundle.open(bundle);
        return Architectures.standard()
                .get(b.manifest().architecture())
                .stateDict(OnnxReader.read(b.file("encoder")), OnnxReader.read(b.file("decoder")));
    }

    private static void train(EqVaeTrainConfig cfg, Path run) throws Exception {
        new EqVaeTrainer(cfg, run).train(ProgressListener.NONE);
    }

    @Test
    void emaBundleIsTheClosedFormOfTheTrainedWeightsAndResumesThrough(@TempDir Path dir) throws Exception {
        double d = 0.5; // large enough a weight on every step, so a restarted average would show
        EqVaeTrainConfig.RecipeOptions none = EqVaeTrainConfig.RecipeOptions.DEFAULT;
        // the trained weights w1, w2 (an EMA does not change training: batches and weights are the same)
        Path plain = dir.resolve("plain");
        train(config(1, none), plain);
        Map<String, Tensor> w1 = weights(plain.resolve(EqVaeTrainer.BUNDLE));
        train(config(2, none), plain);
        Map<String, Tensor> w2 = weights(plain.resolve(EqVaeTrainer.BUNDLE));
        Map<String, Tensor> w0 = weights(ROOT.resolve("models/taef2"));
        // the EMA run, stopped after step 1 and resumed: its average must continue, not restart
        Path emaRun = dir.resolve("ema");
        train(config(1, none.withEma(d)), emaRun);
        assertTrue(Files.isRegularFile(org.eqvae4j.training.RunFolder.committedFile(emaRun, EqVaeTrainer.EMA)));
        train(config(2, none.withEma(d)), emaRun);
        Map<String, Tensor> e2 = weights(emaRun.resolve(EqVaeTrainer.BUNDLE));
        double worst = 0;
        int changed = 0;
        for (String name : w0.keySet()) {
            float[] a = w0.get(name).toFloats();
            float[] b = w1.get(name).toFloats();
            float[] c = w2.get(name).toFloats();
            float[] got = e2.get(name).toFloats();
            for (int i = 0; i < got.length; i++) {
                // ema_2 = d^2 w0 + (1 - d) (d w1 + w2)
                double expected = d * d * a[i] + (1 - d) * (d * b[i] + c[i]);
                worst = Math.max(worst, Math.abs(expected - got[i]) / (1e-3 + Math.abs(expected)));
                changed += Float.compare(got[i], c[i]) != 0 ? 1 : 0;
            }
        }
        assertTrue(worst < 1e-5, "EMA bundle vs closed form, worst relative difference " + worst);
        assertTrue(changed > 1000, "the bundle carries the average, not the trained weights: " + changed);
        assertTrue(
                ModelBundle.open(emaRun.resolve(EqVaeTrainer.BUNDLE))
                        .manifest()
                        .provenance()
                        .get("weights")
                        .toString()
                        .contains("EMA with decay 0.5"),
                "model.json says the weights are an EMA");
        List<String> header = Files.readAllLines(emaRun.resolve(EqVaeTrainer.METRICS));
        assertEquals("step,loss,equivariance_microbatches,ms,ema_ms", header.get(0));
        assertEquals(3, header.size());
        // switching the average off on resume is refused: the run would export something else
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train(config(3, none), emaRun));
        assertTrue(e.getMessage().contains("ema 0.5 -> 0.0"), e.getMessage());
    }

    private static boolean sameBits(Tensor a, Tensor b) {
        return java.util.Arrays.equals(a.toFloats(), b.toFloats());
    }

    /** Whether every weight of the part (by state-dict prefix) is bit-identical in a and b. */
    private static boolean partUnchanged(Map<String, Tensor> a, Map<String, Tensor> b, String prefix) {
        boolean any = false;
        for (String name : a.keySet()) {
            if (name.startsWith(prefix)) {
                any = true;
                if (!sameBits(a.get(name), b.get(name))) {
                    return false;
                }
            }
        }
        assertTrue(any, "no weights named " + prefix + "*");
        return true;
    }

    private static List<String> rows(Path run) throws Exception {
        return Files.readAllLines(run.resolve(EqVaeTrainer.METRICS)).stream()
                .map(l -> {
                    String[] f = l.split(",");
                    f[3] = ""; // the step's wall time
                    return String.join(",", f);
                })
                .toList();
    }

    @Test
    void anEncoderPhaseLeavesTheDecoderBitIdenticalAndTheNextPhaseTheEncoder(@TempDir Path dir) throws Exception {
        EqVaeTrainConfig.RecipeOptions phases = EqVaeTrainConfig.RecipeOptions.DEFAULT.withPhases(
                org.eqvae4j.training.StepStages.parse("encoder:1,decoder:1", "--phases", TrainablePart::parse));
        Map<String, Tensor> w0 = weights(ROOT.resolve("models/taef2"));
        // stopped at the phase boundary, then resumed: the checkpoint of the encoder phase carries into the decoder's
        Path resumed = dir.resolve("resumed");
        train(config(1, phases), resumed);
        Map<String, Tensor> w1 = weights(resumed.resolve(EqVaeTrainer.BUNDLE));
        assertTrue(partUnchanged(w0, w1, "decoder."), "the frozen decoder is bit-identical after the encoder phase");
        assertFalse(partUnchanged(w0, w1, "encoder."), "the encoder trained");
        assertTrue(Files.isDirectory(resumed.resolve("artifacts-encoder")));
        train(config(2, phases), resumed);
        Map<String, Tensor> w2 = weights(resumed.resolve(EqVaeTrainer.BUNDLE));
        assertTrue(partUnchanged(w1, w2, "encoder."), "the frozen encoder is bit-identical after the decoder phase");
        assertFalse(partUnchanged(w1, w2, "decoder."), "the decoder trained");
        // in one go (the weights carried over in memory): the same losses and weights
        Path straight = dir.resolve("straight");
        train(config(2, phases), straight);
        assertEquals(rows(straight), rows(resumed));
        Map<String, Tensor> s2 = weights(straight.resolve(EqVaeTrainer.BUNDLE));
        for (String name : w2.keySet()) {
            assertTrue(sameBits(w2.get(name), s2.get(name)), name);
        }
        assertTrue(ModelBundle.open(straight.resolve(EqVaeTrainer.BUNDLE))
                .manifest()
                .provenance()
                .get("weights")
                .toString()
                .contains("phases encoder:1,decoder:1"));
    }

    @Test
    void aCropScheduleSwitchesSizeAtTheBoundaryAndResumesMidSchedule(@TempDir Path dir) throws Exception {
        EqVaeTrainConfig.RecipeOptions options = EqVaeTrainConfig.RecipeOptions.DEFAULT.withCrops(
                org.eqvae4j.training.StepStages.parse("32:2,64:1", "--crops", Integer::valueOf));
        Path straight = dir.resolve("straight");
        train(config(4, options), straight);
        List<String> r = rows(straight);
        assertEquals("step,loss,equivariance_microbatches,,crop", r.get(0));
        List<String> crops = r.stream().skip(1).map(l -> l.split(",")[4]).toList();
        assertEquals(List.of("32", "32", "64", "64"), crops, "two steps at 32 px, then 64 px to the end");
        Path resumed = dir.resolve("resumed");
        train(config(3, options), resumed); // stops one step into the 64 px stage
        train(config(4, options), resumed);
        assertEquals(r, rows(resumed));
    }

    @Test
    void aCosineRunLogsItsRatesAndRefusesOtherStepsOnResume(@TempDir Path dir) throws Exception {
        EqVaeTrainConfig.RecipeOptions options = EqVaeTrainConfig.RecipeOptions.DEFAULT.withLrSchedule(
                EqVaeTrainConfig.RecipeOptions.LrSchedule.COSINE, 1e-4f);
        Path run = dir.resolve("cosine");
        train(config(3, options), run);
        List<String> r = rows(run);
        assertEquals("step,loss,equivariance_microbatches,,lr", r.get(0));
        org.eqvae4j.training.RunSchedule schedule = config(3, options).run();
        for (int k = 0; k < 3; k++) {
            assertEquals(
                    schedule.learningRateAt(k), Double.parseDouble(r.get(k + 1).split(",")[4]), 1e-9, "lr, step " + k);
        }
        assertEquals(1e-3, schedule.learningRateAt(0), 1e-9);
        assertTrue(schedule.learningRateAt(2) < 4e-4);
        // resumed with other --steps, the cosine would bend the rates already used: refused by name
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train(config(6, options), run));
        assertTrue(e.getMessage().contains("cosineSteps 3 -> 6"), e.getMessage());
    }

    /** The trainable discriminator weights of a checkpoint file. */
    private static Map<String, Tensor> discriminator(Path checkpoint) throws Exception {
        Map<String, Tensor> d = new java.util.TreeMap<>();
        org.eqvae4j.export.training.CheckpointFile.read(checkpoint).trainable().forEach((k, v) -> {
            if (k.startsWith(org.eqvae4j.export.eqvae.EqVaeObjective.DISCRIMINATOR_PREFIX)) {
                d.put(k, v);
            }
        });
        return d;
    }

    private static boolean sameValues(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        return a.keySet().stream().allMatch(k -> sameBits(a.get(k), b.get(k)));
    }

    @Test
    void theDiscriminatorTrainsInEveryPhase(@TempDir Path dir) throws Exception {
        EqVaeTrainConfig.RecipeOptions phases = EqVaeTrainConfig.RecipeOptions.DEFAULT.withPhases(
                org.eqvae4j.training.StepStages.parse("encoder:1,decoder:1", "--phases", TrainablePart::parse));
        org.eqvae4j.export.eqvae.AdversarialLoss gan = new org.eqvae4j.export.eqvae.AdversarialLoss(
                new org.eqvae4j.export.arch.PatchGanConfig(
                        3, 8, 1, org.eqvae4j.export.arch.PatchGanConfig.Norm.BATCH_STATISTICS),
                0.5f);
        Path run = dir.resolve("gan");
        new EqVaeTrainer(TestConfigs.taef2(1, 1e-3f, 1, true, phases, gan), run).train(ProgressListener.NONE);
        Map<String, Tensor> initial = discriminator(
                run.resolve("artifacts-encoder").resolve(org.eqvae4j.export.training.TrainingArtifacts.CHECKPOINT));
        assertFalse(initial.isEmpty(), "the discriminator is trainable in the encoder phase");
        Map<String, Tensor> afterEncoderPhase =
                discriminator(org.eqvae4j.training.RunFolder.committedFile(run, EqVaeTrainer.CHECKPOINT));
        assertFalse(sameValues(initial, afterEncoderPhase), "trained in the encoder phase");
        new EqVaeTrainer(TestConfigs.taef2(2, 1e-3f, 1, true, phases, gan), run).train(ProgressListener.NONE);
        Map<String, Tensor> afterDecoderPhase =
                discriminator(org.eqvae4j.training.RunFolder.committedFile(run, EqVaeTrainer.CHECKPOINT));
        assertFalse(sameValues(afterEncoderPhase, afterDecoderPhase), "trained in the decoder phase");
        assertTrue(ModelBundle.open(run.resolve(EqVaeTrainer.BUNDLE))
                .has(org.eqvae4j.runtime.bundle.ModelManifest.DISCRIMINATOR));
    }
}
