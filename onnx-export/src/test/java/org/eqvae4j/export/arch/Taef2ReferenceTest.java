package org.eqvae4j.export.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.testing.OrtRunner;
import org.eqvae4j.export.testing.ProjectFiles;
import org.eqvae4j.export.weights.StateDict;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TAEF2 graphs built from the published weights reproduce the float64 reference outputs, and the
 * runtime's latent transform reproduces the reference tau (bilinear x0.5, then rot90 k=1 clockwise).
 */
class Taef2ReferenceTest {
    private static final double TOL = 1e-3;
    private static StateDict ref;
    private static AutoencoderArchitecture.Graphs graphs;

    @BeforeAll
    static void build() throws Exception {
        ref = StateDict.read(ProjectFiles.taef2Reference());
        Map<String, Tensor> weights = BundleExporter.readWeights(
                List.of(), ProjectFiles.taef2EncoderWeights(), ProjectFiles.taef2DecoderWeights());
        graphs = BundleExporter.buildGraphs(new BundleExporter.Request(
                Architectures.standard().get("taef2"),
                weights,
                0,
                "taef2 safetensors",
                "taef2",
                "TAEF2",
                "MIT",
                null,
                256,
                32));
    }

    private static Tensor encode(Tensor image) throws Exception {
        return OrtRunner.run(graphs.encoder(), image.renamed("image")).get("latent");
    }

    private static Tensor decode(Tensor latent) throws Exception {
        return OrtRunner.run(graphs.decoder(), latent.renamed("latent")).get("image");
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.dims(), actual.dims(), what + " shape");
        double err = OrtRunner.maxAbsDiff(expected.toFloats(), actual.toFloats());
        assertTrue(err <= TOL, what + ": max abs error " + err + " > " + TOL);
    }

    private static FloatTensor asNchw(Tensor t) {
        return FloatTensor.of(t.dims(), t.toFloats());
    }

    private static Tensor asTensor(FloatTensor t) {
        return Tensor.ofFloats("t", t.shape(), t.data());
    }

    @Test
    void encoderAndDecoderMatchReference() throws Exception {
        Tensor latent = encode(ref.get("input"));
        assertClose(ref.get("latent"), latent, "latent");
        assertClose(ref.get("recon"), decode(ref.get("latent")), "recon");
    }

    @Test
    void parameterCountsMatchThePublishedModel() {
        assertEquals(1_338_528, graphs.encoder().parameterCount());
        assertEquals(1_338_499, graphs.decoder().parameterCount());
    }

    @Test
    void latentTransformMatchesReferenceTau() throws Exception {
        LatentTransform tau = LatentTransform.scaleThenRotate(0.5, 1);
        Tensor eqLatent = asTensor(tau.apply(asNchw(encode(ref.get("input")))));
        assertClose(ref.get("eq_latent"), eqLatent, "eq_latent");
        Tensor eqTarget = asTensor(tau.imageCounterpart(8).apply(asNchw(ref.get("input"))));
        assertClose(ref.get("eq_target"), eqTarget, "eq_target");
        assertClose(ref.get("eq_recon"), decode(ref.get("eq_latent")), "eq_recon");
    }

    @Test
    void referenceLossesAreReproduced() throws Exception {
        Tensor recon = decode(encode(ref.get("input")));
        assertEquals(ref.get("loss_rec").toFloats()[0], meanAbs(recon, ref.get("input")), 1e-4);
        LatentTransform tau = LatentTransform.scaleThenRotate(0.5, 1);
        Tensor eqRecon = decode(asTensor(tau.apply(asNchw(encode(ref.get("input"))))));
        assertEquals(ref.get("loss_eq").toFloats()[0], meanAbs(eqRecon, ref.get("eq_target")), 1e-4);
    }

    @Test
    void rotationConventionMatchesReferenceGrid() {
        float[] grid = {0, 1, 2, 3, 4, 5};
        FloatTensor rotated = LatentTransform.rotate90(1).apply(new FloatTensor(1, 1, 2, 3, grid));
        Tensor expected = ref.get("rot90_k1_of_arange_2x3");
        assertArrayEquals(expected.dims(), rotated.shape());
        assertArrayEquals(expected.toFloats(), rotated.data());
    }

    private static double meanAbs(Tensor a, Tensor b) {
        float[] x = a.toFloats();
        float[] y = b.toFloats();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += Math.abs(x[i] - y[i]);
        }
        return s / x.length;
    }
}
