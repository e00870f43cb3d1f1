package org.eqvae4j.export.eqvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.testing.OrtRunner;
import org.eqvae4j.export.testing.ProjectFiles;
import org.eqvae4j.export.weights.StateDict;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.SeparableForm;
import org.junit.jupiter.api.Test;

/** The optional objective terms compute what they claim, on TAEF2 and the reference images. */
class EqVaeLossTermsTest {
    private static final LatentTransform TAU = LatentTransform.scaleThenRotate(0.5, 1);

    private static Tensor[] feed(StateDict ref) {
        return EqVaeObjective.inputs(
                FloatTensor.of(ref.get("input").dims(), ref.get("input").toFloats()),
                FloatTensor.of(ref.get("eq_target").dims(), ref.get("eq_target").toFloats()),
                SeparableForm.of(TAU, 8, 8),
                null);
    }

    private static Graph objective(EqVaeLoss loss, Graph featureNet) throws Exception {
        AutoencoderArchitecture arch = Architectures.standard().get("taef2");
        Weights w = Weights.loaded(
                BundleExporter.readWeights(
                        List.of(), ProjectFiles.taef2EncoderWeights(), ProjectFiles.taef2DecoderWeights()),
                "taef2");
        Graph g = EqVaeObjective.build(arch, w, loss, featureNet);
        w.finish();
        return g;
    }

    @Test
    void explicitTermIsTheLatentEquivarianceErrorAndReachesTheEncoder() throws Exception {
        StateDict ref = StateDict.read(ProjectFiles.taef2Reference());
        Graph g = objective(new EqVaeLoss(0f, 0f, 0f, 0f, 1f), null);
        Map<String, Tensor> out = OrtRunner.run(g, feed(ref));
        // reference: tau applied to the reference latent against the encoder's latent of the reference eq_target
        Graph enc = objective(new EqVaeLoss(1f, 0f, 0f), null);
        FloatTensor tauZ = TAU.apply(
                FloatTensor.of(ref.get("latent").dims(), ref.get("latent").toFloats()));
        Map<String, Tensor> encOut = OrtRunner.run(
                BundleExporter.buildGraphs(new BundleExporter.Request(
                                Architectures.standard().get("taef2"),
                                BundleExporter.readWeights(
                                        List.of(),
                                        ProjectFiles.taef2EncoderWeights(),
                                        ProjectFiles.taef2DecoderWeights()),
                                0,
                                "t",
                                "t",
                                "t",
                                null,
                                null,
                                256,
                                32))
                        .encoder(),
                ref.get("eq_target").renamed("image"));
        float[] e = encOut.get("latent").toFloats();
        double mse = 0;
        for (int i = 0; i < e.length; i++) {
            mse += Math.pow(tauZ.data()[i] - e[i], 2) / e.length;
        }
        assertEquals(mse, out.get(EqVaeObjective.EXPLICIT_LOSS).toFloats()[0], 1e-4 * mse);
        assertEquals(
                out.get(EqVaeObjective.LOSS).toFloats()[0],
                out.get(EqVaeObjective.EXPLICIT_LOSS).toFloats()[0],
                0f);
        Graph grads =
                Autodiff.standard().gradients(g, EqVaeObjective.LOSS, List.of("encoder.0.weight", "decoder.19.bias"));
        Map<String, Tensor> gOut = OrtRunner.run(grads, feed(ref));
        assertTrue(norm(gOut.get("encoder.0.weight_grad")) > 0, "explicit term trains the encoder");
        assertEquals(0, norm(gOut.get("decoder.19.bias_grad")), 0, "and not the decoder");
        assertTrue(enc.parameterNames().size() == g.parameterNames().size(), "the second encoder pass shares weights");
    }

    @Test
    void perceptualTermComparesFrozenFeatures() throws Exception {
        StateDict ref = StateDict.read(ProjectFiles.taef2Reference());
        GraphBuilder fb = new GraphBuilder("features");
        Value img = fb.input("img", DType.FLOAT, Shape.symbolic("n", 3, "h", "w"));
        float[] k = new float[4 * 3 * 9];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) Math.sin(i);
        }
        Value f1 = fb.relu(fb.conv(
                img,
                fb.constant(Tensor.ofFloats("k1", new long[] {4, 3, 3, 3}, k)),
                null,
                new long[] {2, 2},
                new long[] {1, 1, 1, 1},
                1));
        fb.output(f1, "f1");
        fb.output(fb.sigmoid(f1), "f2");
        Graph net = fb.build();
        Graph g = objective(new EqVaeLoss(1f, 0f, 0f, 0.5f, 0f), net);
        assertTrue(
                g.parameterNames().stream().noneMatch(p -> p.startsWith("perceptual.")), "feature network is frozen");
        Map<String, Tensor> out = OrtRunner.run(g, feed(ref));
        Map<String, Tensor> fHat = OrtRunner.run(net, ref.get("eq_recon").renamed("img"));
        Map<String, Tensor> fT = OrtRunner.run(net, ref.get("eq_target").renamed("img"));
        double expected = 0;
        for (String o : List.of("f1", "f2")) {
            float[] a = fHat.get(o).toFloats();
            float[] t = fT.get(o).toFloats();
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += (a[i] - t[i]) * (double) (a[i] - t[i]);
            }
            expected += s / a.length;
        }
        assertEquals(expected, out.get(EqVaeObjective.PERCEPTUAL_LOSS).toFloats()[0], 1e-3 * expected + 1e-6);
        float rec = out.get(EqVaeObjective.REC_LOSS).toFloats()[0];
        assertEquals(rec + 0.5 * expected, out.get(EqVaeObjective.LOSS).toFloats()[0], 1e-3 * expected + 1e-5);
    }

    @Test
    void badWeightsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EqVaeLoss(0f, 0f, 1f, 0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new EqVaeLoss(-1f, 0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> objective(new EqVaeLoss(1f, 0f, 0f, 1f, 0f), null));
    }

    private static double norm(Tensor t) {
        double s = 0;
        for (float v : t.toFloats()) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
