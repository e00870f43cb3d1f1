package org.eqvae4j.export.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.GraphBuilder;
import org.eqvae4j.export.graph.Shape;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.graph.Value;
import org.eqvae4j.export.testing.OrtRunner;
import org.junit.jupiter.api.Test;

/** GroupNorm, LDM's AttnBlock and BatchNorm in ONNX Runtime against plain double-precision loops. */
class LayersNumericsTest {

    private static Tensor random(String name, SplittableRandom r, double lo, double hi, long... dims) {
        float[] v = new float[Math.toIntExact(Tensor.numElements(dims))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return Tensor.ofFloats(name, dims, v);
    }

    @Test
    void groupNormMatchesReferenceLoop() throws Exception {
        SplittableRandom r = new SplittableRandom(42);
        long[] dims = {2, 8, 3, 5};
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("gn.weight", random("gn.weight", r, 0.5, 1.5, 8));
        sd.put("gn.bias", random("gn.bias", r, -0.5, 0.5, 8));
        // an offset and a wide spread per channel so that a wrong mean or variance shows
        Tensor x = random("x", r, -3, 5, dims);

        GraphBuilder b = new GraphBuilder("gn");
        Value in = b.input("x", DType.FLOAT, Shape.of(dims));
        Weights w = Weights.loaded(sd, "test");
        Value y = new Layers(b, w).groupNorm("gn", in, 4, 8, 1e-5f, true);
        w.finish();
        b.output(y, "y");
        float[] actual = OrtRunner.run(b.build(), x).get("y").toFloats();

        float[] xs = x.toFloats();
        float[] gamma = sd.get("gn.weight").toFloats();
        float[] beta = sd.get("gn.bias").toFloats();
        double[] expected = new double[xs.length];
        int n = 2;
        int c = 8;
        int groups = 4;
        int plane = 15;
        int per = c / groups;
        for (int s = 0; s < n; s++) {
            for (int g = 0; g < groups; g++) {
                int from = (s * c + g * per) * plane;
                int count = per * plane;
                double mean = 0;
                for (int i = 0; i < count; i++) {
                    mean += xs[from + i];
                }
                mean /= count;
                double var = 0;
                for (int i = 0; i < count; i++) {
                    var += (xs[from + i] - mean) * (xs[from + i] - mean);
                }
                var /= count;
                for (int i = 0; i < count; i++) {
                    int ch = g * per + i / plane;
                    expected[from + i] = (xs[from + i] - mean) / Math.sqrt(var + 1e-5) * gamma[ch] + beta[ch];
                }
            }
        }
        double err = 0;
        for (int i = 0; i < xs.length; i++) {
            err = Math.max(err, Math.abs(actual[i] - expected[i]));
        }
        assertTrue(err < 1e-5, "max abs error " + err);
    }

    @Test
    void attnBlockMatchesReference() throws Exception {
        KlVaeConfig cfg = KlVaeConfig.small().withNormGroups(4);
        for (long batch : new long[] {1, 2}) {
            SplittableRandom r = new SplittableRandom(7 + batch);
            long c = 8;
            long[] dims = {batch, c, 3, 4};
            Map<String, Tensor> sd = new LinkedHashMap<>();
            sd.put("attn.norm.weight", random("w", r, 0.5, 1.5, c));
            sd.put("attn.norm.bias", random("b", r, -0.5, 0.5, c));
            for (String p : new String[] {"q", "k", "v", "proj_out"}) {
                // large enough that the softmax is far from uniform
                sd.put("attn." + p + ".weight", random(p, r, -0.8, 0.8, c, c, 1, 1));
                sd.put("attn." + p + ".bias", random(p, r, -0.3, 0.3, c));
            }
            Tensor x = random("x", r, -2, 2, dims);

            GraphBuilder b = new GraphBuilder("attn");
            Value in = b.input("x", DType.FLOAT, Shape.symbolic("batch", c, "height", "width"));
            Weights w = Weights.loaded(sd, "test");
            Value y = KlAutoencoder.attnBlock(new Layers(b, w), cfg, "attn", in, c);
            w.finish();
            b.output(y, "y");
            Tensor actual = OrtRunner.run(b.build(), x).get("y");

            Ref.T expected = Ref.attn(new Ref.Sd(sd), "attn", Ref.T.of(x), 4);
            assertArrayEquals(dims, actual.dims());
            double err = OrtRunner.maxAbsDiff(actual.toFloats(), expected.toFloats());
            assertTrue(err < 1e-5, "batch " + batch + ": max abs error " + err);
            // the attention branch contributes: the block is not (close to) the identity
            assertTrue(OrtRunner.maxAbsDiff(actual.toFloats(), x.toFloats()) > 0.1);
        }
    }

    @Test
    void batchNormIsInferenceFormWithRunningStatistics() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        long[] dims = {2, 3, 4, 5};
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("bn.weight", random("w", r, 0.5, 1.5, 3));
        sd.put("bn.bias", random("b", r, -0.5, 0.5, 3));
        sd.put("bn.running_mean", random("m", r, -1, 1, 3));
        sd.put("bn.running_var", random("v", r, 0.2, 2, 3));
        sd.put("bn.num_batches_tracked", Tensor.ofLongs("n", new long[0], 1234));
        Tensor x = random("x", r, -2, 2, dims);

        GraphBuilder b = new GraphBuilder("bn");
        Value in = b.input("x", DType.FLOAT, Shape.of(dims));
        Weights w = Weights.loaded(sd, "test");
        Value y = new Layers(b, w).batchNorm("bn", in, 3, 1e-5f);
        w.finish();
        b.output(y, "y");
        Graph g = b.build();
        float[] actual = OrtRunner.run(g, x).get("y").toFloats();

        float[] xs = x.toFloats();
        float[] gamma = sd.get("bn.weight").toFloats();
        float[] beta = sd.get("bn.bias").toFloats();
        float[] mean = sd.get("bn.running_mean").toFloats();
        float[] var = sd.get("bn.running_var").toFloats();
        double err = 0;
        for (int i = 0; i < xs.length; i++) {
            int ch = (i / 20) % 3;
            double e = (xs[i] - mean[ch]) / Math.sqrt(var[ch] + 1e-5) * gamma[ch] + beta[ch];
            err = Math.max(err, Math.abs(actual[i] - e));
        }
        assertTrue(err < 1e-5, "max abs error " + err);
    }
}
