package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.eqvae4j.export.graph.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightEmaTest {

    /** Weights w_j of a tiny two-tensor model after step j (j = 0: the start). */
    private static Map<String, float[]> weightsAt(int j) {
        SplittableRandom r = new SplittableRandom(100 + j);
        Map<String, float[]> w = new LinkedHashMap<>();
        w.put("conv.weight", new float[] {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()
        });
        w.put("conv.bias", new float[] {(float) r.nextGaussian()});
        return w;
    }

    private static Map<String, Tensor> tensors(Map<String, float[]> w) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("conv.weight", Tensor.ofFloats("conv.weight", new long[] {1, 3}, w.get("conv.weight")));
        t.put("conv.bias", Tensor.ofFloats("conv.bias", new long[] {1}, w.get("conv.bias")));
        return t;
    }

    @Test
    void afterKStepsTheAverageIsTheClosedForm() {
        double d = 0.9;
        int k = 25;
        WeightEma ema = new WeightEma(tensors(weightsAt(0)));
        for (int j = 1; j <= k; j++) {
            Map<String, float[]> w = weightsAt(j);
            ema.update(w::get, d);
        }
        // ema_k = d^k w_0 + (1 - d) sum_{j=1..k} d^(k-j) w_j
        for (String name : ema.values().keySet()) {
            float[] got = ema.values().get(name);
            for (int i = 0; i < got.length; i++) {
                double expected = Math.pow(d, k) * weightsAt(0).get(name)[i];
                for (int j = 1; j <= k; j++) {
                    expected += (1 - d) * Math.pow(d, k - j) * weightsAt(j).get(name)[i];
                }
                assertEquals(expected, got[i], 1e-5, name + "[" + i + "]");
            }
        }
    }

    @Test
    void writtenAndReadBackItContinuesBitForBit(@TempDir Path dir) throws IOException {
        WeightEma straight = new WeightEma(tensors(weightsAt(0)));
        WeightEma first = new WeightEma(tensors(weightsAt(0)));
        for (int j = 1; j <= 3; j++) {
            straight.update(weightsAt(j)::get, 0.99);
            first.update(weightsAt(j)::get, 0.99);
        }
        first.write(dir.resolve("ema.safetensors"));
        WeightEma resumed = WeightEma.read(dir.resolve("ema.safetensors"), tensors(weightsAt(0)));
        for (int j = 4; j <= 6; j++) {
            straight.update(weightsAt(j)::get, 0.99);
            resumed.update(weightsAt(j)::get, 0.99);
        }
        for (String name : straight.values().keySet()) {
            assertArrayEquals(straight.values().get(name), resumed.values().get(name), name);
        }
        assertArrayEquals(
                new long[] {1, 3}, resumed.tensors().get("conv.weight").dims());
    }

    @Test
    void anAverageOfAnotherModelIsRefusedWithTheFile(@TempDir Path dir) throws IOException {
        new WeightEma(tensors(weightsAt(0))).write(dir.resolve("ema.safetensors"));
        Map<String, Tensor> other = new LinkedHashMap<>(tensors(weightsAt(0)));
        other.put("extra.weight", Tensor.ofFloats("extra.weight", new long[] {1}, 0f));
        IOException e = assertThrows(IOException.class, () -> WeightEma.read(dir.resolve("ema.safetensors"), other));
        assertTrue(
                e.getMessage().contains("ema.safetensors") && e.getMessage().contains("extra.weight"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new WeightEma(tensors(weightsAt(0))).update(weightsAt(1)::get, 1.0));
    }
}
