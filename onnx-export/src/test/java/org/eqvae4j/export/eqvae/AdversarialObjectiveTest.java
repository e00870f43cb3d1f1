package org.eqvae4j.export.eqvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.arch.PatchGanConfig;
import org.eqvae4j.export.arch.TinyAutoencoderArchitecture;
import org.eqvae4j.export.arch.TinyAutoencoderConfig;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Node;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.testing.OrtRunner;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.eqvae4j.runtime.transform.LatentTransform;
import org.eqvae4j.runtime.transform.SeparableForm;
import org.junit.jupiter.api.Test;

/**
 * The PatchGAN term of the objective on a tiny autoencoder and discriminator, against finite
 * differences: the adaptive weight is the ratio of the numeric gradient norms at the decoder's last
 * layer, and each player's parameters get exactly the gradient of that player's own loss.
 */
class AdversarialObjectiveTest {
    private static final AutoencoderArchitecture TINY =
            new TinyAutoencoderArchitecture("tiny", "test", new TinyAutoencoderConfig(3, 4, 8, 1, false, 4, 4, 3f));
    private static final PatchGanConfig DISC = new PatchGanConfig(3, 4, 1, PatchGanConfig.Norm.BATCH_STATISTICS);
    private static final int SIDE = 16;
    private static final String D_PARAM = EqVaeObjective.DISCRIMINATOR_PREFIX + "main.0.weight";

    private static Graph objective(float discWeight) {
        Weights w = Weights.initialized(11);
        Weights d = Weights.initialized(12);
        // smooth pixel loss (L2) so that finite differences are not disturbed by |.|'s kink
        Graph g = EqVaeObjective.build(
                TINY, w, new EqVaeLoss(0f, 1f, 0f), null, new AdversarialLoss(DISC, discWeight), d);
        w.finish();
        d.finish();
        return g;
    }

    private static Tensor[] feed(float discFactor) {
        int n = 2 * 3 * SIDE * SIDE;
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        float[] x = new float[n];
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble();
            t[i] = (float) r.nextDouble();
        }
        return EqVaeObjective.inputs(
                new FloatTensor(2, 3, SIDE, SIDE, x),
                new FloatTensor(2, 3, SIDE, SIDE, t),
                SeparableForm.of(LatentTransform.rotate90(0), SIDE / 8, SIDE / 8),
                null,
                discFactor);
    }

    /** The decoder's last conv weight: the last Conv whose weight is a decoder parameter. */
    private static String lastDecoderWeight(Graph g) {
        String last = null;
        for (Node n : g.nodes()) {
            if (n.opType().equals("Conv") && n.input(1).name().startsWith(TinyAutoencoderArchitecture.DECODER_PREFIX)) {
                last = n.input(1).name();
            }
        }
        return last;
    }

    /** The graph with some parameters turned into inputs, so one session can evaluate it at perturbed values. */
    private static Graph withParametersAsInputs(Graph g, Set<String> names) {
        List<Value> inputs = new ArrayList<>(g.inputs());
        Map<String, Tensor> init = new LinkedHashMap<>(g.initializers());
        for (String p : names) {
            Tensor t = init.remove(p);
            inputs.add(new Value(p, t.dtype(), org.eqvae4j.export.graph.Shape.of(t.dims())));
        }
        Set<String> params = new HashSet<>(g.parameterNames());
        params.removeAll(names);
        return new Graph(g.name(), inputs, g.outputs(), init, g.nodes(), g.opsetImports(), params);
    }

    private static Tensor[] with(Tensor[] base, Map<String, float[]> params, Graph g) {
        List<Tensor> all = new ArrayList<>(List.of(base));
        params.forEach((name, v) ->
                all.add(Tensor.ofFloats(name, g.initializers().get(name).dims(), v)));
        return all.toArray(Tensor[]::new);
    }

    /** Central differences of some outputs with respect to every element of one parameter. */
    private static Map<String, double[]> numericGradients(
            Graph g, String param, List<String> outputs, float discFactor, double eps) throws Exception {
        Set<String> asInputs = Set.of(param);
        Graph open = withParametersAsInputs(g, asInputs);
        float[] v = g.initializers().get(param).toFloats().clone();
        Map<String, double[]> grads = new LinkedHashMap<>();
        outputs.forEach(o -> grads.put(o, new double[v.length]));
        // one ONNX Runtime session for all evaluations: OrtRunner builds one per call, so batch the perturbations
        try (Evaluator e = new Evaluator(open)) {
            for (int i = 0; i < v.length; i++) {
                float orig = v[i];
                v[i] = (float) (orig + eps);
                Map<String, Tensor> plus = e.run(with(feed(discFactor), Map.of(param, v), g));
                v[i] = (float) (orig - eps);
                Map<String, Tensor> minus = e.run(with(feed(discFactor), Map.of(param, v), g));
                v[i] = orig;
                for (String o : outputs) {
                    grads.get(o)[i] =
                            (plus.get(o).toFloats()[0] - (double) minus.get(o).toFloats()[0]) / (2 * eps);
                }
            }
        }
        return grads;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static double relativeError(double[] expected, float[] actual) {
        double d = 0;
        for (int i = 0; i < expected.length; i++) {
            d += (expected[i] - actual[i]) * (expected[i] - actual[i]);
        }
        return Math.sqrt(d) / Math.max(norm(expected), 1e-12);
    }

    @Test
    void adaptiveWeightIsTheRatioOfNumericGradientNormsAtTheLastDecoderLayer() throws Exception {
        Graph g = objective(0.5f);
        String last = lastDecoderWeight(g);
        Map<String, Tensor> out = OrtRunner.run(g, feed(1f));
        Map<String, double[]> numeric =
                numericGradients(g, last, List.of(EqVaeObjective.REC_LOSS, EqVaeObjective.G_ADV), 1f, 1e-3);
        double rec = norm(numeric.get(EqVaeObjective.REC_LOSS));
        double gan = norm(numeric.get(EqVaeObjective.G_ADV));
        assertTrue(gan > 1e-6 && rec > 1e-6, "both terms reach the last layer: " + rec + ", " + gan);
        assertEquals(rec, out.get(EqVaeObjective.REC_GRAD_NORM).toFloats()[0], 1e-2 * rec, "||d rec / dW||");
        assertEquals(gan, out.get(EqVaeObjective.GAN_GRAD_NORM).toFloats()[0], 1e-2 * gan, "||d g_adv / dW||");
        double lambda = Math.min(rec / (gan + 1e-4), 1e4);
        assertEquals(lambda, out.get(EqVaeObjective.ADAPTIVE_WEIGHT).toFloats()[0], 2e-2 * lambda, "lambda");
        // the reported terms add up to the total
        float gen = out.get(EqVaeObjective.REC_LOSS).toFloats()[0]
                + 0.5f
                        * out.get(EqVaeObjective.ADAPTIVE_WEIGHT).toFloats()[0]
                        * out.get(EqVaeObjective.G_ADV).toFloats()[0];
        assertEquals(gen, out.get(EqVaeObjective.GENERATOR_LOSS).toFloats()[0], 1e-5);
        assertEquals(
                gen + out.get(EqVaeObjective.D_LOSS).toFloats()[0],
                out.get(EqVaeObjective.LOSS).toFloats()[0],
                1e-5);
    }

    @Test
    void eachPlayerGetsTheGradientOfItsOwnLoss() throws Exception {
        Graph g = objective(0.5f);
        String last = lastDecoderWeight(g);
        Graph grads = Autodiff.standard().gradients(g, EqVaeObjective.LOSS, List.of(last, D_PARAM));
        Map<String, Tensor> out = OrtRunner.run(grads, feed(1f));
        double w = 0.5 * out.get(EqVaeObjective.ADAPTIVE_WEIGHT).toFloats()[0];

        // generator: d(rec + w * g_adv)/dW with w held constant; the discriminator's loss does not reach the decoder
        Map<String, double[]> dec =
                numericGradients(g, last, List.of(EqVaeObjective.REC_LOSS, EqVaeObjective.G_ADV), 1f, 1e-3);
        double[] expected = new double[dec.get(EqVaeObjective.REC_LOSS).length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = dec.get(EqVaeObjective.REC_LOSS)[i] + w * dec.get(EqVaeObjective.G_ADV)[i];
        }
        double e1 = relativeError(expected, out.get(last + Autodiff.GRAD_SUFFIX).toFloats());
        assertTrue(e1 < 1e-2, "decoder gradient vs numeric: relative error " + e1);

        // discriminator: d(d_loss)/dD; the generator's adversarial term does not reach the discriminator
        // (hinge and LeakyReLU kinks make the differences noisier here, hence the looser bound; a leak of the
        // generator's term would be of the order of the gradient itself, checked by the second assertion)
        Map<String, double[]> disc =
                numericGradients(g, D_PARAM, List.of(EqVaeObjective.D_LOSS, EqVaeObjective.G_ADV), 1f, 1e-3);
        float[] dGrad = out.get(D_PARAM + Autodiff.GRAD_SUFFIX).toFloats();
        double e2 = relativeError(disc.get(EqVaeObjective.D_LOSS), dGrad);
        assertTrue(e2 < 3e-2, "discriminator gradient vs numeric: relative error " + e2);
        double[] leaked = disc.get(EqVaeObjective.D_LOSS).clone();
        for (int i = 0; i < leaked.length; i++) {
            leaked[i] += w * disc.get(EqVaeObjective.G_ADV)[i];
        }
        double e3 = relativeError(leaked, dGrad);
        assertTrue(e3 > 5 * e2, "the generator's term would be visible: " + e3 + " vs " + e2);
    }

    @Test
    void beforeTheStartStepTheDiscriminatorGetsNoGradientAndTheDecoderOnlyTheReconstructions() throws Exception {
        Graph g = objective(0.5f);
        String last = lastDecoderWeight(g);
        Graph grads = Autodiff.standard().gradients(g, EqVaeObjective.LOSS, List.of(last, D_PARAM));
        Map<String, Tensor> off = OrtRunner.run(grads, feed(0f));
        for (float v : off.get(D_PARAM + Autodiff.GRAD_SUFFIX).toFloats()) {
            assertEquals(0f, v, "no discriminator gradient at disc_factor 0");
        }
        Graph recOnly = Autodiff.standard().gradients(g, EqVaeObjective.REC_LOSS, List.of(last));
        float[] expected = OrtRunner.run(recOnly, feed(0f))
                .get(last + Autodiff.GRAD_SUFFIX)
                .toFloats();
        float[] actual = off.get(last + Autodiff.GRAD_SUFFIX).toFloats();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-7f + 1e-5f * Math.abs(expected[i]));
        }
        assertEquals(
                off.get(EqVaeObjective.REC_LOSS).toFloats()[0],
                off.get(EqVaeObjective.LOSS).toFloats()[0],
                1e-7f);
    }

    @Test
    void adversarialTermNeedsDiscriminatorWeights() {
        assertThrows(
                IllegalArgumentException.class,
                () -> EqVaeObjective.build(
                        TINY, Weights.initialized(1), EqVaeLoss.reference(), null, AdversarialLoss.reference(), null));
        assertThrows(IllegalArgumentException.class, () -> new AdversarialLoss(DISC, -1f));
    }

    /** One ONNX Runtime session over a graph, run many times. */
    private static final class Evaluator implements AutoCloseable {
        private final ai.onnxruntime.OrtSession session;

        Evaluator(Graph g) throws Exception {
            session = ai.onnxruntime.OrtEnvironment.getEnvironment()
                    .createSession(
                            org.eqvae4j.export.onnx.OnnxWriter.toBytes(g),
                            new ai.onnxruntime.OrtSession.SessionOptions());
        }

        Map<String, Tensor> run(Tensor[] inputs) throws Exception {
            return OrtRunner.run(session, inputs);
        }

        @Override
        public void close() throws Exception {
            session.close();
        }
    }
}
