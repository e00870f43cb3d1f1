package org.eqvae4j.training.generator.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eqvae4j.export.arch.Init;
import org.eqvae4j.export.arch.Weights;
import org.eqvae4j.export.generator.DiT;
import org.eqvae4j.export.generator.DiTConfig;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.onnx.OnnxWriter;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.BundleWriter;
import org.eqvae4j.runtime.bundle.GeneratorSpec;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.generator.FlowMatchingSampler;
import org.eqvae4j.runtime.generator.LatentSampler;
import org.eqvae4j.runtime.generator.Solver;
import org.eqvae4j.runtime.ort.RuntimeOptions;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime sampler on a tiny exported DiT whose weights are all random (so it is far from zero). */
class FlowMatchingSamplerTest {
    private static final DiTConfig TINY = new DiTConfig(2, 4, 2, 16, 1, 2, 2, 3, 16);
    private static final double[] MEAN = {0.5, -1};
    private static final double[] STD = {2, 0.25};

    @TempDir
    Path tmp;

    private static Weights allRandom() {
        Weights base = Weights.initialized(11);
        return new Weights() {
            @Override
            public Tensor get(String name, Init init, long fanIn, long... shape) {
                return base.get(name, Init.FAN_IN_UNIFORM, Math.max(2, shape[shape.length - 1] / 2), shape);
            }

            @Override
            public Weights withPrefix(String prefix) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void finish() {}
        };
    }

    private ModelManifest manifest(boolean withSection) {
        ModelManifest m = new ModelManifest(
                1,
                "tiny",
                "tiny",
                "test",
                LatentKind.DETERMINISTIC,
                3,
                2,
                8,
                1.0,
                0.0,
                new double[] {0, 1},
                64,
                8,
                Map.of("encoder", "encoder.onnx", "decoder", "decoder.onnx"),
                "MIT",
                Map.of(),
                Map.of(),
                null,
                null);
        return withSection
                ? m.withGenerator(
                        "generator.onnx",
                        new GeneratorSpec("dit", 3, null, new int[] {4, 4}, MEAN, STD, "euler", 8, 1.0, Map.of()))
                : m;
    }

    private ModelBundle bundle(String name, org.eqvae4j.export.graph.Graph generator) throws Exception {
        BundleWriter w = new BundleWriter()
                .add("encoder.onnx", f -> Files.write(f, new byte[] {1}))
                .add("decoder.onnx", f -> Files.write(f, new byte[] {1}));
        ModelManifest m = manifest(generator != null);
        if (generator != null) {
            w.add("generator.onnx", f -> OnnxWriter.write(generator, f));
        }
        return w.write(m, tmp.resolve(name), false);
    }

    private FlowMatchingSampler sampler() throws Exception {
        return FlowMatchingSampler.open(
                bundle("b" + System.nanoTime(), DiT.build(TINY, allRandom())), RuntimeOptions.threads(1));
    }

    private static float[] v(FlowMatchingSampler s, float[] x, float t, long cls) throws Exception {
        return s.velocity(new FloatTensor(1, 2, 4, 4, x), new float[] {t}, new long[] {cls})
                .data();
    }

    private static float[] axpy(float[] x, float[] d, double a) {
        float[] o = x.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] += (float) (a * d[i]);
        }
        return o;
    }

    @Test
    void oneStepEulerAndHeunFollowTheirFormulas() throws Exception {
        try (FlowMatchingSampler s = sampler()) {
            float[] x0 = s.noise(1, 5).data();
            float[] v0 = v(s, x0, 0f, 1);
            float[] euler = axpy(x0, v0, 1);
            FloatTensor e = s.sample(new int[] {1}, new FlowMatchingSampler.Settings(1, 1.0, Solver.EULER), 5);
            assertArrayEquals(s.denormalize(new FloatTensor(1, 2, 4, 4, euler)).data(), e.data(), 1e-5f);
            float[] v1 = v(s, euler, 1f, 1);
            float[] heun = axpy(axpy(x0, v0, 0.5), v1, 0.5);
            FloatTensor h = s.sample(new int[] {1}, new FlowMatchingSampler.Settings(1, 1.0, Solver.HEUN), 5);
            assertArrayEquals(s.denormalize(new FloatTensor(1, 2, 4, 4, heun)).data(), h.data(), 1e-5f);
        }
    }

    /** v(x, t, c) = w[c] x cos(t): x(1) = x(0) exp(w[c] sin 1), and with guidance w = w_null + s (w_c - w_null). */
    private static final float[] W = {0.8f, -1.2f, 1.5f, 0.3f};

    private static org.eqvae4j.export.graph.Graph analyticField() {
        GraphBuilder g = new GraphBuilder("analytic");
        var x = g.input(DiT.X_T, DType.FLOAT, Shape.symbolic("N", 2L, 4L, 4L));
        var t = g.input(DiT.T, DType.FLOAT, Shape.symbolic("N"));
        var c = g.input(DiT.CLASS, DType.INT64, Shape.symbolic("N"));
        var w = g.op(
                "Gather", java.util.List.of(g.constant(Tensor.ofFloats("w", new long[] {4}, W)), c), Map.of("axis", 0));
        var scale = g.reshape(g.mul(w, g.op("Cos", t)), -1, 1, 1, 1);
        g.output(g.mul(x, scale), DiT.VELOCITY);
        return g.build();
    }

    @Test
    void solversConvergeToTheExactSolutionHeunAtSecondOrder() throws Exception {
        try (FlowMatchingSampler s =
                FlowMatchingSampler.open(bundle("analytic", analyticField()), RuntimeOptions.threads(1))) {
            float[] x0 = s.noise(1, 3).data();
            double w = W[3] + 2.0 * (W[2] - W[3]); // class 2, guidance 2 against the null class 3
            float[] exact = x0.clone();
            for (int i = 0; i < exact.length; i++) {
                exact[i] = (float) (x0[i] * Math.exp(w * Math.sin(1)));
            }
            float[] exactRaw = s.denormalize(new FloatTensor(1, 2, 4, 4, exact)).data();
            double[] eulerErr = new double[2];
            double[] heunErr = new double[2];
            for (int k = 0; k < 2; k++) {
                int steps = k == 0 ? 8 : 16;
                eulerErr[k] = rms(
                        s.sample(new int[] {2}, new FlowMatchingSampler.Settings(steps, 2.0, Solver.EULER), 3)
                                .data(),
                        exactRaw);
                heunErr[k] = rms(
                        s.sample(new int[] {2}, new FlowMatchingSampler.Settings(steps, 2.0, Solver.HEUN), 3)
                                .data(),
                        exactRaw);
            }
            assertEquals(
                    2, eulerErr[0] / eulerErr[1], 0.3, "Euler is first order: " + java.util.Arrays.toString(eulerErr));
            assertEquals(
                    4, heunErr[0] / heunErr[1], 0.6, "Heun is second order: " + java.util.Arrays.toString(heunErr));
            assertTrue(heunErr[0] < eulerErr[0] / 5, "Heun " + heunErr[0] + " vs Euler " + eulerErr[0]);
        }
    }

    @Test
    void guidanceOneIsTheConditionalModelAndZeroTheUnconditional() throws Exception {
        try (FlowMatchingSampler s = sampler()) {
            float[] x0 = s.noise(1, 7).data();
            float[] cond = axpy(x0, v(s, x0, 0f, 2), 1);
            float[] uncond = axpy(x0, v(s, x0, 0f, 3), 1);
            assertArrayEquals(
                    s.denormalize(new FloatTensor(1, 2, 4, 4, cond)).data(),
                    s.sample(new int[] {2}, new FlowMatchingSampler.Settings(1, 1.0, Solver.EULER), 7)
                            .data(),
                    1e-5f);
            assertArrayEquals(
                    s.denormalize(new FloatTensor(1, 2, 4, 4, uncond)).data(),
                    s.sample(new int[] {2}, new FlowMatchingSampler.Settings(1, 0.0, Solver.EULER), 7)
                            .data(),
                    1e-5f);
            float[] guided = new float[cond.length];
            for (int i = 0; i < guided.length; i++) {
                guided[i] = uncond[i] + 3f * (cond[i] - uncond[i]);
            }
            assertArrayEquals(
                    s.denormalize(new FloatTensor(1, 2, 4, 4, guided)).data(),
                    s.sample(new int[] {2}, new FlowMatchingSampler.Settings(1, 3.0, Solver.EULER), 7)
                            .data(),
                    1e-4f);
        }
    }

    @Test
    void seedsReproduceAndDifferAndLatentsAreDenormalised() throws Exception {
        try (FlowMatchingSampler s = sampler()) {
            int[] labels = LatentSampler.labels(4, -1, 3);
            FlowMatchingSampler.Settings set = new FlowMatchingSampler.Settings(3, 2.0, Solver.HEUN);
            assertArrayEquals(
                    s.sample(labels, set, 42).data(), s.sample(labels, set, 42).data());
            FloatTensor other = s.sample(labels, set, 43);
            assertTrue(rms(s.sample(labels, set, 42).data(), other.data()) > 1e-2);
            FloatTensor g = new FloatTensor(1, 2, 1, 1, new float[] {1f, 2f});
            assertArrayEquals(new float[] {2.5f, -0.5f}, s.denormalize(g).data(), 1e-6f);
        }
    }

    @Test
    void badClassesRequestsAndBundlesAreNamed() throws Exception {
        try (FlowMatchingSampler s = sampler()) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> s.sample(new int[] {4}, new FlowMatchingSampler.Settings(1, 1, Solver.EULER), 0));
            assertTrue(e.getMessage().contains("class 4") && e.getMessage().contains("null class 3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Solver.parse("rk4"));
            assertTrue(e.getMessage().contains("rk4"), e.getMessage());
            e = assertThrows(
                    IllegalArgumentException.class, () -> new FlowMatchingSampler.Settings(0, 1, Solver.EULER));
            assertTrue(e.getMessage().contains("steps"), e.getMessage());
        }
        ModelBundle none = bundle("none", null);
        BundleException b =
                assertThrows(BundleException.class, () -> FlowMatchingSampler.open(none, RuntimeOptions.threads(1)));
        assertTrue(b.getMessage().contains("has no generator") && b.getMessage().contains("tiny"), b.getMessage());

        GraphBuilder g = new GraphBuilder("wrong");
        g.output(g.mul(g.input("noise", DType.FLOAT, Shape.symbolic("n", 2L, "h", "w")), g.scalar(0.5f)), "latent");
        ModelBundle wrong = bundle("wrong", g.build());
        b = assertThrows(BundleException.class, () -> FlowMatchingSampler.open(wrong, RuntimeOptions.threads(1)));
        assertTrue(
                b.getMessage().contains("generator contract") && b.getMessage().contains("noise"), b.getMessage());
    }

    @Test
    void theDispatchDrawsWithTheBundlesDefaultsOrTheOverridesAndRefusesMaskGitSettings() throws Exception {
        ModelBundle b = bundle("dispatch", DiT.build(TINY, allRandom()));
        assertEquals(LatentSampler.Kind.FLOW_MATCHING, LatentSampler.kindOf(b));
        int[] labels = LatentSampler.labels(3, -1, 3);
        assertArrayEquals(new int[] {0, 1, 2}, labels);
        try (FlowMatchingSampler direct = FlowMatchingSampler.open(b, RuntimeOptions.threads(1));
                LatentSampler defaults = LatentSampler.open(b, null, RuntimeOptions.threads(1));
                LatentSampler heun = LatentSampler.open(
                        b, null, RuntimeOptions.threads(1), new LatentSampler.Overrides(3, 2.0, Solver.HEUN, null))) {
            assertArrayEquals(
                    direct.sample(labels, direct.defaults(), 9).data(),
                    defaults.sample(3, -1, 9).data());
            assertArrayEquals(
                    direct.sample(labels, new FlowMatchingSampler.Settings(3, 2.0, Solver.HEUN), 9)
                            .data(),
                    heun.sample(labels, 9).data());
            assertEquals("flow matching, heun 3 steps, cfg 2.0", heun.describe());
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LatentSampler.open(
                        b, null, RuntimeOptions.threads(1), new LatentSampler.Overrides(null, null, null, 0.5)));
        assertTrue(e.getMessage().contains("--temperature is for MaskGIT generators"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LatentSampler.labels(2, 4, 3));
        assertTrue(e.getMessage().contains("class 4 is out of range"), e.getMessage());
    }

    private static double rms(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s / a.length);
    }
}
