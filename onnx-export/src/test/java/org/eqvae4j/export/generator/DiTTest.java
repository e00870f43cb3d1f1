package org.eqvae4j.export.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqvae4j.export.arch.Init;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.autodiff.Autodiff;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.testing.OrtRunner;
import org.junit.jupiter.api.Test;

class DiTTest {
    /** 2 channels, 4x4 latent, 2x2 patches (4 tokens), D 8, 2 blocks, 2 heads, 3 classes. */
    private static final DiTConfig TINY = new DiTConfig(2, 4, 2, 8, 2, 2, 2, 3, 8);

    /** Every parameter random (also the ones adaLN-Zero starts at zero), so every path carries signal. */
    private static Weights allRandom(long seed, Map<String, Tensor> record) {
        Weights base = Weights.initialized(seed);
        return new Weights() {
            @Override
            public Tensor get(String name, Init init, long fanIn, long... shape) {
                Tensor t = base.get(name, Init.FAN_IN_UNIFORM, Math.max(2, shape[shape.length - 1] / 2), shape);
                if (record != null) {
                    record.put(name, t);
                }
                return t;
            }

            @Override
            public Weights withPrefix(String prefix) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void finish() {}
        };
    }

    private static Map<String, Tensor> run(Graph g, float[] x, float[] t, long[] y) throws Exception {
        int n = t.length;
        DiTConfig c = TINY;
        return OrtRunner.run(
                g,
                Tensor.ofFloats(DiT.X_T, new long[] {n, c.latentChannels(), c.latentSize(), c.latentSize()}, x),
                Tensor.ofFloats(DiT.T, new long[] {n}, t),
                Tensor.ofLongs(DiT.CLASS, new long[] {n}, y));
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }

    @Test
    void freshModelPredictsZeroVelocityOfTheLatentShape() throws Exception {
        Graph g = DiT.build(TINY, Weights.initialized(1));
        Tensor v = run(g, random(3 * 32, 2), new float[] {0.1f, 0.5f, 0.9f}, new long[] {0, 2, 3})
                .get(DiT.VELOCITY);
        assertEquals(
                List.of(3L, 2L, 4L, 4L),
                java.util.Arrays.stream(v.dims()).boxed().toList());
        for (float f : v.toFloats()) {
            assertEquals(0f, f, "adaLN-Zero: modulation and final layer start at zero");
        }
    }

    @Test
    void samplesAreIndependentAndConditioned() throws Exception {
        Graph g = DiT.build(TINY, allRandom(3, null));
        float[] x = random(2 * 32, 4);
        Tensor both = run(g, x, new float[] {0.3f, 0.7f}, new long[] {1, 3}).get(DiT.VELOCITY);
        Tensor second = run(g, java.util.Arrays.copyOfRange(x, 32, 64), new float[] {0.7f}, new long[] {3})
                .get(DiT.VELOCITY);
        float[] b = both.toFloats();
        assertTrue(
                OrtRunner.maxAbsDiff(java.util.Arrays.copyOfRange(b, 32, 64), second.toFloats()) < 1e-5,
                "a sample does not see the others in its batch");
        Tensor otherClass = run(g, java.util.Arrays.copyOfRange(x, 32, 64), new float[] {0.7f}, new long[] {0})
                .get(DiT.VELOCITY);
        Tensor otherTime = run(g, java.util.Arrays.copyOfRange(x, 32, 64), new float[] {0.2f}, new long[] {3})
                .get(DiT.VELOCITY);
        assertTrue(
                OrtRunner.maxAbsDiff(otherClass.toFloats(), second.toFloats()) > 1e-3,
                "the class conditions the output");
        assertTrue(
                OrtRunner.maxAbsDiff(otherTime.toFloats(), second.toFloats()) > 1e-3, "the time conditions the output");
    }

    @Test
    void positionEmbeddingIsTheMaeSinCosTable() {
        float[] pe = DiT.positionEmbedding(8, 3);
        // token (row 2, col 1), D 8: quarter 2, omegas 1 and 1/100
        int base = (2 * 3 + 1) * 8;
        assertEquals(Math.sin(1), pe[base], 1e-6);
        assertEquals(Math.sin(0.01), pe[base + 1], 1e-6);
        assertEquals(Math.cos(1), pe[base + 2], 1e-6);
        assertEquals(Math.sin(2), pe[base + 4], 1e-6);
        assertEquals(Math.cos(0.02), pe[base + 7], 1e-6);
    }

    @Test
    void badConfigsAreRefusedByName() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new DiTConfig(4, 6, 4, 64, 2, 4, 4, 10, 256));
        assertTrue(e.getMessage().contains("patchSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DiTConfig(4, 8, 2, 64, 2, 5, 4, 10, 256));
        assertTrue(e.getMessage().contains("heads"), e.getMessage());
    }

    /**
     * The whole model's parameter gradients (every op's rule composed) against central differences of
     * loss = sum(velocity * R), for a few elements of every parameter.
     */
    @Test
    void parameterGradientsMatchFiniteDifferences() throws Exception {
        Map<String, Tensor> params = new LinkedHashMap<>();
        Graph model = DiT.build(TINY, allRandom(5, params));
        float[] x = random(2 * 32, 6);
        float[] t = {0.25f, 0.8f};
        long[] y = {2, 3};
        float[] r = random(2 * 32, 7);
        Graph withLoss = lossGraph(model, r);
        List<String> names = new ArrayList<>(params.keySet());
        Graph grads = Autodiff.standard().gradients(withLoss, "loss", names);
        Map<String, Tensor> analytic = run(grads, x, t, y);
        SplittableRandom pick = new SplittableRandom(8);
        double eps = 1e-2;
        int checked = 0;
        for (String name : names) {
            float[] g = analytic.get(name + Autodiff.GRAD_SUFFIX).toFloats();
            for (int k = 0; k < 2; k++) {
                int i = pick.nextInt(g.length);
                double lp = lossWith(params, name, i, eps, r, x, t, y);
                double lm = lossWith(params, name, i, -eps, r, x, t, y);
                double numeric = (lp - lm) / (2 * eps);
                assertEquals(numeric, g[i], 2e-3 + 2e-2 * Math.abs(numeric), name + "[" + i + "]");
                checked++;
            }
        }
        assertTrue(checked >= 2 * 20, "checked " + checked);
    }

    private static double lossWith(
            Map<String, Tensor> params, String name, int index, double delta, float[] r, float[] x, float[] t, long[] y)
            throws Exception {
        Map<String, Tensor> changed = new LinkedHashMap<>(params);
        float[] v = params.get(name).toFloats().clone();
        v[index] += (float) delta;
        changed.put(name, Tensor.ofFloats(name, params.get(name).dims(), v));
        Graph g = lossGraph(DiT.build(TINY, Weights.loaded(changed, "test")), r);
        return run(g, x, t, y).get("loss").toFloats()[0];
    }

    private static Graph lossGraph(Graph model, float[] r) {
        GraphBuilder b = GraphBuilder.from(model);
        Value v = b.value(model.output(DiT.VELOCITY).name());
        Value w = b.constant(Tensor.ofFloats("R", new long[] {2, 2, 4, 4}, r));
        b.output(b.reduceSum(b.mul(v, w), false), "loss");
        return b.build();
    }
}
