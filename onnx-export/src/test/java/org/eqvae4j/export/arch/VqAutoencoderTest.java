package org.eqvae4j.export.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.eqvae.EqVaeLoss;
import org.eqvae4j.export.eqvae.EqVaeObjective;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxReader;
import org.eqvae4j.export.testing.OrtRunner;
import org.eqvae4j.export.training.OptimizerConfig;
import org.eqvae4j.export.training.TrainingArtifacts;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.SeparableForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VQ autoencoder: nearest-entry quantisation, the codebook graph, the bundle and the VQ objective. */
class VqAutoencoderTest {
    private static final AutoencoderArchitecture ARCH = Architectures.standard().get("vq-small");

    private static Tensor image(int n, int side) {
        float[] v = new float[n * side * side];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i * 0.37) * 0.8f;
        }
        return Tensor.ofFloats("image", new long[] {n, 1, side, side}, v);
    }

    @Test
    void bundleEncodesToNearestEntriesAndDecodesIndices(@TempDir Path tmp) throws Exception {
        ModelBundle bundle = BundleExporter.export(
                new BundleExporter.Request(ARCH, null, 5, null, "vq-test", "vq test", "MIT", null, 32, 0),
                tmp.resolve("vq"),
                false);
        ModelManifest m = bundle.manifest();
        assertEquals(LatentKind.VQ, m.kind());
        assertEquals(256, m.codebookSize());
        assertEquals("codebook.onnx", m.files().get(ModelManifest.CODEBOOK));
        Graph enc = OnnxReader.read(bundle.file("encoder"));
        Graph cb = OnnxReader.read(bundle.file(ModelManifest.CODEBOOK));
        Map<String, Tensor> out = OrtRunner.run(enc, image(2, 32));
        Tensor latent = out.get("latent");
        Tensor indices = out.get("indices");
        assertArrayEquals(new long[] {2, 8, 8, 8}, latent.dims());
        assertArrayEquals(new long[] {2, 8, 8}, indices.dims());

        // each index is the nearest normalised codebook entry of the pre-quantisation feature
        float[] e = enc.initializers().get(VqAutoencoder.CODEBOOK).toFloats();
        int k = 256;
        int d = 8;
        Graph featuresGraph = featureGraph();
        float[] z = OrtRunner.run(featuresGraph, image(2, 32)).get("z").toFloats();
        long[] idx = indices.toLongs();
        int hw = 64;
        for (int n = 0; n < 2; n++) {
            for (int p = 0; p < hw; p++) {
                double[] zv = new double[d];
                double zn = 0;
                for (int c = 0; c < d; c++) {
                    zv[c] = z[(n * d + c) * hw + p];
                    zn += zv[c] * zv[c];
                }
                int best = -1;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double dot = 0;
                    double en = 0;
                    for (int c = 0; c < d; c++) {
                        dot += zv[c] * e[j * d + c];
                        en += e[j * d + c] * (double) e[j * d + c];
                    }
                    double score = dot / Math.sqrt(en * zn);
                    if (score > bestScore) {
                        bestScore = score;
                        best = j;
                    }
                }
                assertEquals(best, idx[n * hw + p], "index at sample " + n + " position " + p);
            }
        }
        // the codebook graph maps indices back to exactly the encoder's quantised vectors, which are unit vectors
        float[] fromIndices =
                OrtRunner.run(cb, indices.renamed("indices")).get("latent").toFloats();
        assertArrayEquals(latent.toFloats(), fromIndices, 1e-6f);
        for (int p = 0; p < hw; p++) {
            double norm = 0;
            for (int c = 0; c < d; c++) {
                norm += Math.pow(fromIndices[c * hw + p], 2);
            }
            assertEquals(1.0, norm, 1e-3);
        }
    }

    private static Graph featureGraph() {
        var b = new org.eqvae4j.export.graph.GraphBuilder("features");
        var x = b.input("image", org.eqvae4j.export.graph.DType.FLOAT, org.eqvae4j.export.graph.Shape.of(2, 1, 32, 32));
        b.output(ARCH.encode(b, Weights.initialized(5), x).latent(), "z");
        return b.build();
    }

    @Test
    void objectiveAddsQuantiserLossesAndTrainsEveryParameter(@TempDir Path tmp) throws Exception {
        Weights w = Weights.initialized(5);
        Graph objective = EqVaeObjective.build(ARCH, w, new EqVaeLoss(1f, 0f, 0f));
        w.finish();
        List<String> params = new ArrayList<>(objective.parameterNames());
        params.sort(null);
        assertTrue(params.contains(VqAutoencoder.CODEBOOK));
        Graph g = Autodiff.forOnnxRuntimeTraining().gradients(objective, EqVaeObjective.LOSS, params);
        Graph portable = Autodiff.standard().gradients(objective, EqVaeObjective.LOSS, params);
        Tensor img = image(2, 32);
        FloatTensor x = FloatTensor.of(img.dims(), img.toFloats());
        LatentTransform tau = LatentTransform.scaleThenRotate(0.5, 1);
        Map<String, Tensor> out = OrtRunner.run(
                portable,
                EqVaeObjective.inputs(x, tau.imageCounterpart(4).apply(x), SeparableForm.of(tau, 8, 8), null));
        float loss = out.get(EqVaeObjective.LOSS).toFloats()[0];
        float rec = out.get(EqVaeObjective.REC_LOSS).toFloats()[0];
        float codebook = out.get(EqVaeObjective.CODEBOOK_LOSS).toFloats()[0];
        float commitment = out.get(EqVaeObjective.COMMITMENT_LOSS).toFloats()[0];
        assertEquals(rec + codebook + 0.25f * commitment, loss, 1e-5);
        assertEquals(codebook, commitment, 1e-6f, "the two terms have equal values and differ in their gradients only");
        assertArrayEquals(
                new long[] {2, 4, 4},
                out.get(EqVaeObjective.INDICES).dims(),
                "tau (scale 0.5) acts before quantisation");
        // the encoder gets gradients through the straight-through estimator, the codebook through its losses
        for (String p : List.of(
                VqAutoencoder.CODEBOOK, "encoder.conv_in.weight", "quant_conv.weight", "decoder.conv_out.weight")) {
            float[] grad = out.get(p + Autodiff.GRAD_SUFFIX).toFloats();
            double sum = 0;
            for (float v : grad) {
                sum += Math.abs(v);
            }
            assertTrue(sum > 0 && Double.isFinite(sum), p + " gets a non-zero gradient");
        }
        new TrainingArtifacts(g, objective, params, OptimizerConfig.eqVaeAdam()).writeTo(tmp.resolve("artifacts"));
        assertTrue(java.nio.file.Files.size(tmp.resolve("artifacts").resolve(TrainingArtifacts.CHECKPOINT)) > 0);
    }
}
