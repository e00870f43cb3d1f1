package org.eqvae4j.export.eqvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.testing.OrtRunner;
import org.eqvae4j.export.testing.ProjectFiles;
import org.eqvae4j.export.weights.StateDict;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.SeparableForm;
import org.junit.jupiter.api.Test;

/**
 * The training objective, fed the separable form of the reference tau, reproduces TAEF2's reference
 * losses and their gradients: the equivariance branch gives loss_eq / grad_eq, the identity form gives
 * loss_rec / grad_rec. This ties the runtime's transform definition to the training graph.
 */
class EqVaeObjectiveTest {

    private static FloatTensor nchw(Tensor t) {
        return FloatTensor.of(t.dims(), t.toFloats());
    }

    @Test
    void reproducesTaef2ReferenceLossesAndGradients() throws Exception {
        StateDict ref = StateDict.read(ProjectFiles.taef2Reference());
        StateDict refGrads =
                StateDict.read(ProjectFiles.root().resolve("test-images/reference/taef2_reference_grads.safetensors"));
        AutoencoderArchitecture arch = Architectures.standard().get("taef2");
        Map<String, Tensor> weights = BundleExporter.readWeights(
                List.of(), ProjectFiles.taef2EncoderWeights(), ProjectFiles.taef2DecoderWeights());
        Weights w = Weights.loaded(weights, "taef2");
        Graph objective = EqVaeObjective.build(arch, w, new EqVaeLoss(1f, 0f, 0f));
        w.finish();

        for (String branch : List.of("eq", "rec")) {
            List<String> params = refGrads.names().stream()
                    .filter(n -> n.startsWith("grad_" + branch + "."))
                    .map(n -> n.substring(("grad_" + branch + ".").length()))
                    .toList();
            Graph g = Autodiff.standard().gradients(objective, EqVaeObjective.LOSS, params);
            LatentTransform t =
                    branch.equals("eq") ? LatentTransform.scaleThenRotate(0.5, 1) : LatentTransform.rotate90(0);
            Tensor target = branch.equals("eq") ? ref.get("eq_target") : ref.get("input");
            Map<String, Tensor> out = OrtRunner.run(
                    g, EqVaeObjective.inputs(nchw(ref.get("input")), nchw(target), SeparableForm.of(t, 8, 8), null));
            assertEquals(
                    ref.get("loss_" + branch).toFloats()[0],
                    out.get(EqVaeObjective.LOSS).toFloats()[0],
                    1e-5,
                    "loss_" + branch);
            for (String p : params) {
                float[] a = out.get(p + Autodiff.GRAD_SUFFIX).toFloats();
                float[] e = refGrads.get("grad_" + branch + "." + p).toFloats();
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < e.length; i++) {
                    diff += (a[i] - e[i]) * (double) (a[i] - e[i]);
                    norm += e[i] * (double) e[i];
                }
                assertTrue(
                        Math.sqrt(diff / norm) <= 1e-3,
                        branch + " " + p + ": relative error " + Math.sqrt(diff / norm));
            }
        }
    }

    @Test
    void klObjectiveHasSampleNoiseAndKlOutput() throws Exception {
        AutoencoderArchitecture arch = Architectures.standard().get("kl-vae-small");
        Weights w = Weights.initialized(3);
        Graph g = EqVaeObjective.build(arch, w, EqVaeLoss.reference());
        assertTrue(g.inputs().stream().anyMatch(v -> v.name().equals(EqVaeObjective.NOISE)));
        int f = arch.downsamplingFactor();
        float[] img = new float[2 * 3 * 16 * 16];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) ((i * 7919) % 255) / 255f;
        }
        Map<String, Tensor> out = OrtRunner.run(
                g,
                EqVaeObjective.inputs(
                        new FloatTensor(2, 3, 16, 16, img),
                        FloatTensor.zeros(2, 3, 8, 8),
                        SeparableForm.of(LatentTransform.scaleThenRotate(0.5, 1), 16 / f, 16 / f),
                        FloatTensor.zeros(2, arch.latentChannels(), 16 / f, 16 / f)));
        float loss = out.get(EqVaeObjective.LOSS).toFloats()[0];
        float rec = out.get(EqVaeObjective.REC_LOSS).toFloats()[0];
        float kl = out.get(EqVaeObjective.KL_LOSS).toFloats()[0];
        assertTrue(kl > 0, "KL of an untrained posterior is positive: " + kl);
        assertEquals(rec + 1e-6f * kl, loss, 1e-6);
    }
}
