package org.eqvae4j.export.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.arch.Layers;
import org.eqvae4j.export.arch.TinyAutoencoder;
import org.eqvae4j.export.arch.TinyAutoencoderConfig;
import org.eqvae4j.export.arch.Weights;
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
import org.junit.jupiter.api.Test;

/**
 * Gradients of TAEF2's two reference losses, computed by our autodiff and run in ONNX Runtime, match
 * the float64 PyTorch gradients: ||g - g_ref|| / ||g_ref|| <= 1e-3 for every checked parameter tensor.
 * The default build checks the 17 tensors committed in the project; with {@code -Deqvae.test.pretrained=DIR} naming a folder
 * with taef2/reference.safetensors (21 MB, not in the project) every one of the 158 tensors is checked.
 */
class Taef2GradientReferenceTest {
    private static final double TOL = 1e-3;
    private static final String PRETRAINED = System.getProperty("eqvae.test.pretrained");

    /** loss_rec = mean|D(E(x)) - x| and loss_eq = mean|D(tau(E(x))) - tau(x)| in one graph, tau = bilinear x0.5 then rot90 k=1. */
    static Graph lossGraph(Map<String, Tensor> weights, String which) {
        TinyAutoencoderConfig cfg = TinyAutoencoderConfig.taef2();
        Weights w = Weights.loaded(weights, "taef2");
        GraphBuilder b = new GraphBuilder("taef2_" + which);
        Value x = b.input("input", DType.FLOAT, Shape.of(2, 3, 64, 64));
        Value z = TinyAutoencoder.encode(new Layers(b, w.withPrefix("encoder."), "encoder."), cfg, x);
        Value target = x;
        if (which.equals("eq")) {
            Value half = b.resizeByScale(z, 0.5f, 0.5f, "linear");
            // clockwise quarter turn: out[i][j] = in[H-1-j][i] = transpose, then reverse the last axis
            float[] reverse = new float[16];
            for (int i = 0; i < 4; i++) {
                reverse[i * 4 + (3 - i)] = 1;
            }
            z = b.matmul(
                    b.transpose(half, 0, 1, 3, 2), b.constant(Tensor.ofFloats("reverse", new long[] {4, 4}, reverse)));
            target = b.input("eq_target", DType.FLOAT, Shape.of(2, 3, 32, 32));
        }
        Value recon = TinyAutoencoder.decode(new Layers(b, w.withPrefix("decoder."), "decoder."), cfg, z);
        w.finish();
        b.output(b.reduceMean(b.op("Abs", b.sub(recon, target)), false, 0, 1, 2, 3), "loss");
        return b.build();
    }

    @Test
    void recAndEqGradientsMatchTheCommittedReferenceSlice() throws Exception {
        StateDict grads =
                StateDict.read(ProjectFiles.root().resolve("test-images/reference/taef2_reference_grads.safetensors"));
        int checked = compare(grads);
        assertEquals(34, checked);
    }

    @Test
    void everyParameterGradientMatchesTheFullReference() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(PRETRAINED != null, "-Deqvae.test.pretrained not set");
        Path full = Path.of(PRETRAINED).resolve("taef2/reference.safetensors");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(full), "no " + full);
        int checked = compare(StateDict.read(full));
        assertEquals(2 * 158, checked);
    }

    /** Compares every grad_rec.* / grad_eq.* tensor present in {@code reference}; returns how many. */
    private static int compare(StateDict reference) throws Exception {
        StateDict ref = StateDict.read(ProjectFiles.taef2Reference());
        Map<String, Tensor> weights = BundleExporter.readWeights(
                List.of(), ProjectFiles.taef2EncoderWeights(), ProjectFiles.taef2DecoderWeights());
        int checked = 0;
        List<String> report = new ArrayList<>();
        for (String which : List.of("rec", "eq")) {
            Graph forward = lossGraph(weights, which);
            List<String> wanted = reference.names().stream()
                    .filter(n -> n.startsWith("grad_" + which + "."))
                    .map(n -> n.substring(("grad_" + which + ".").length()))
                    .toList();
            Graph g = Autodiff.standard().gradients(forward, "loss", wanted);
            Map<String, Tensor> out = which.equals("rec")
                    ? OrtRunner.run(g, ref.get("input"))
                    : OrtRunner.run(g, ref.get("input"), ref.get("eq_target"));
            assertEquals(ref.get("loss_" + which).toFloats()[0], out.get("loss").toFloats()[0], 1e-4, "loss_" + which);
            for (String p : wanted) {
                float[] actual = out.get(p + Autodiff.GRAD_SUFFIX).toFloats();
                float[] expected = reference.get("grad_" + which + "." + p).toFloats();
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < expected.length; i++) {
                    diff += (actual[i] - expected[i]) * (double) (actual[i] - expected[i]);
                    norm += expected[i] * (double) expected[i];
                }
                double rel = Math.sqrt(diff / norm);
                if (rel > TOL) {
                    report.add(which + " " + p + ": " + rel);
                }
                checked++;
            }
        }
        assertTrue(report.isEmpty(), "relative gradient errors above " + TOL + ": " + report);
        return checked;
    }
}
