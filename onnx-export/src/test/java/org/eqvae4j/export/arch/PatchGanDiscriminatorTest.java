package org.eqvae4j.export.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.testing.OrtRunner;
import org.junit.jupiter.api.Test;

class PatchGanDiscriminatorTest {

    /** taming's NLayerDiscriminator(3, 64, 3) state dict, as PyTorch lists it. */
    private static Map<String, String> tamingStateDictShapes() {
        Map<String, String> m = new TreeMap<>();
        m.put("main.0.weight", "[64, 3, 4, 4]");
        m.put("main.0.bias", "[64]");
        int[][] convs = {{2, 64, 128}, {5, 128, 256}, {8, 256, 512}};
        for (int[] c : convs) {
            m.put("main." + c[0] + ".weight", "[" + c[2] + ", " + c[1] + ", 4, 4]");
            for (String p : new String[] {"weight", "bias", "running_mean", "running_var"}) {
                m.put("main." + (c[0] + 1) + "." + p, "[" + c[2] + "]");
            }
        }
        m.put("main.11.weight", "[1, 512, 4, 4]");
        m.put("main.11.bias", "[1]");
        return m;
    }

    @Test
    void tamingDefaultsGiveSixBySixLogitsFor64Pixels() throws Exception {
        PatchGanConfig cfg = PatchGanConfig.taming();
        Graph g = PatchGanDiscriminator.discriminator(cfg, Weights.initialized(3));
        Map<String, String> names = new TreeMap<>();
        g.initializers().forEach((k, t) -> {
            if (!k.contains("/")) {
                names.put(k, java.util.Arrays.toString(t.dims()));
            }
        });
        assertEquals(tamingStateDictShapes(), names);

        Map<String, Tensor> out = OrtRunner.run(g, KlAutoencoderTest.random("image", 1, 2, 3, 64, 64));
        assertArrayEquals(new long[] {2, 1, 6, 6}, out.get("logits").dims());
        assertEquals(6, cfg.outputSize(64));
        assertArrayEquals(new int[] {6, 6}, cfg.outputSize(64, 64));
    }

    @Test
    void outputSizeFormulaMatchesOnnxRuntime() throws Exception {
        for (int layers : new int[] {1, 2, 3}) {
            PatchGanConfig cfg = new PatchGanConfig(3, 8, layers);
            Graph g = PatchGanDiscriminator.discriminator(cfg, Weights.initialized(layers));
            int min = cfg.minInputSize();
            for (int[] hw : new int[][] {{min, min + 1}, {min + 5, 2 * min + 3}}) {
                Map<String, Tensor> out = OrtRunner.run(g, KlAutoencoderTest.random("image", 4, 1, 3, hw[0], hw[1]));
                long[] expected = {1, 1, cfg.outputSize(hw[0]), cfg.outputSize(hw[1])};
                assertArrayEquals(expected, out.get("logits").dims(), layers + " layers, " + hw[0] + "x" + hw[1]);
            }
            assertEquals(1, cfg.outputSize(min));
        }
    }

    @Test
    void tooSmallInputIsAClearError() {
        PatchGanConfig cfg = PatchGanConfig.taming();
        assertEquals(24, cfg.minInputSize());
        var e = assertThrows(IllegalArgumentException.class, () -> cfg.outputSize(23));
        assertTrue(e.getMessage().contains("at least 24") && e.getMessage().contains("23"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cfg.outputSize(64, 16));
        assertEquals(12, new PatchGanConfig(3, 64, 2).minInputSize());
        assertThrows(IllegalArgumentException.class, () -> new PatchGanConfig(3, 64, 0));
    }

    @Test
    void loadsATamingStateDictWithBatchCounters() throws Exception {
        PatchGanConfig cfg = new PatchGanConfig(3, 8, 2);
        Graph fresh = PatchGanDiscriminator.discriminator(cfg, Weights.initialized(9));
        Map<String, Tensor> sd = new LinkedHashMap<>();
        fresh.initializers().forEach((k, t) -> {
            if (!k.contains("/")) {
                sd.put("loss.discriminator." + k, t);
            }
        });
        sd.put("loss.discriminator.main.3.num_batches_tracked", Tensor.ofLongs("n", new long[0], 100));
        sd.put("loss.discriminator.main.6.num_batches_tracked", Tensor.ofLongs("n", new long[0], 100));
        Weights w = Weights.loaded(sd, "ckpt");
        Graph loaded = PatchGanDiscriminator.discriminator(cfg, w.withPrefix("loss.discriminator."));
        w.finish();
        Tensor x = KlAutoencoderTest.random("image", 8, 1, 3, 32, 40);
        assertArrayEquals(
                OrtRunner.run(fresh, x).get("logits").toFloats(),
                OrtRunner.run(loaded, x).get("logits").toFloats());

        sd.remove("loss.discriminator.main.3.running_var");
        Weights broken = Weights.loaded(sd, "ckpt");
        PatchGanDiscriminator.discriminator(cfg, broken.withPrefix("loss.discriminator."));
        var e = assertThrows(WeightMismatchException.class, broken::finish);
        assertEquals(1, e.missing().size());
        assertTrue(e.missing().get(0).startsWith("loss.discriminator.main.3.running_var"), e.getMessage());
    }

    @Test
    void freshWeightsFollowTamingInit() {
        Graph g = PatchGanDiscriminator.discriminator(PatchGanConfig.taming(), Weights.initialized(5));
        float[] conv = g.initializers().get("main.5.weight").toFloats();
        float[] bnScale = g.initializers().get("main.6.weight").toFloats();
        float[] bnShift = g.initializers().get("main.6.bias").toFloats();
        assertEquals(0.0, mean(conv), 1e-3);
        assertEquals(0.02, std(conv), 1e-3);
        assertEquals(1.0, mean(bnScale), 5e-3);
        assertEquals(0.02, std(bnScale), 5e-3);
        assertEquals(0.0, std(bnShift) + Math.abs(mean(bnShift)), 0.0);
        assertEquals(
                List.of(1f), List.of(g.initializers().get("main.6.running_var").toFloats()[0]));
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s / v.length;
    }

    private static double std(float[] v) {
        double m = mean(v);
        double s = 0;
        for (float f : v) {
            s += (f - m) * (f - m);
        }
        return Math.sqrt(s / v.length);
    }

    @Test
    void trainModeBatchNormUsesTheBatchsOwnStatistics() throws Exception {
        org.eqvae4j.export.graph.GraphBuilder b = new org.eqvae4j.export.graph.GraphBuilder("bn");
        org.eqvae4j.export.graph.Value x = b.input(
                "x",
                org.eqvae4j.export.graph.DType.FLOAT,
                org.eqvae4j.export.graph.Shape.symbolic("batch", 2, "height", "width"));
        Weights w = Weights.initialized(4);
        b.output(new Layers(b, w).batchNormBatchStatistics("bn", x, 2, 1e-5f, Init.NORMAL_ONE_002), "y");
        Graph g = b.build();
        Tensor in = KlAutoencoderTest.random("x", 6, 3, 2, 4, 5);
        float[] xv = in.toFloats();
        float[] y = OrtRunner.run(g, in).get("y").toFloats();
        float[] gamma = g.initializers().get("bn.weight").toFloats();
        for (int c = 0; c < 2; c++) {
            double sum = 0;
            int n = 0;
            for (int s = 0; s < 3; s++) {
                for (int i = 0; i < 20; i++) {
                    sum += xv[(s * 2 + c) * 20 + i];
                    n++;
                }
            }
            double mean = sum / n;
            double var = 0;
            for (int s = 0; s < 3; s++) {
                for (int i = 0; i < 20; i++) {
                    var += Math.pow(xv[(s * 2 + c) * 20 + i] - mean, 2) / n;
                }
            }
            for (int s = 0; s < 3; s++) {
                for (int i = 0; i < 20; i++) {
                    int k = (s * 2 + c) * 20 + i;
                    assertEquals(
                            (xv[k] - mean) / Math.sqrt(var + 1e-5) * gamma[c],
                            y[k],
                            1e-5,
                            "sample " + s + " channel " + c);
                }
            }
        }
        // a taming checkpoint's running statistics load and are ignored
        PatchGanConfig cfg = new PatchGanConfig(3, 8, 2, PatchGanConfig.Norm.BATCH_STATISTICS);
        Graph ref = PatchGanDiscriminator.discriminator(new PatchGanConfig(3, 8, 2), Weights.initialized(2));
        Weights loaded = Weights.loaded(ref.initializers(), "ref");
        Graph train = PatchGanDiscriminator.discriminator(cfg, loaded);
        loaded.finish();
        assertTrue(train.initializers().keySet().stream().noneMatch(k -> k.contains("running")));
        assertEquals(
                PatchGanConfig.Norm.NONE, cfg.withNorm(PatchGanConfig.Norm.NONE).norm());
    }
}
