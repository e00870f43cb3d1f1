package org.eqvae4j.export.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.testing.OrtRunner;
import org.eqvae4j.runtime.tensor.ValueRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KlAutoencoderTest {

    /**
     * The small CPU config, the same with attention in levels 0 and 1 (diffusers' up-block index of level 0
     * is 2, so a wrong flip shows), and SD's layout at tiny width.
     */
    static Stream<KlVaeConfig> configs() {
        return Stream.of(KlVaeConfig.small(), KlVaeConfig.small().withAttnLevels(Set.of(0, 1)), tinySdLayout());
    }

    /** SD-VAE's structure (4 levels, 2 res blocks, channel changes at levels 1 and 2) at ch 8. */
    static KlVaeConfig tinySdLayout() {
        return new KlVaeConfig(
                3, 3, 8, List.of(1, 2, 4, 4), 2, Set.of(), 4, 4, 4, true, 0.18215f, 0f, ValueRange.MINUS_ONE_TO_ONE);
    }

    static Tensor random(String name, long seed, long... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(Tensor.numElements(dims))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return Tensor.ofFloats(name, dims, v);
    }

    @Test
    void smallConfigRunsForTwoImageSizesWithExpectedShapes() throws Exception {
        KlVaeConfig cfg = KlVaeConfig.small();
        assertEquals(4, cfg.downsamplingFactor());
        Graph enc = KlAutoencoder.encoder(cfg, Weights.initialized(7));
        Graph dec = KlAutoencoder.decoder(cfg, Weights.initialized(7));
        assertEquals(
                List.of("latent", "mean", "logvar"),
                enc.outputs().stream().map(v -> v.name()).toList());
        assertEquals("image", dec.outputs().get(0).name());

        int[][] sizes = {{2, 32, 32}, {1, 16, 24}};
        for (int[] s : sizes) {
            int n = s[0];
            int h = s[1];
            int w = s[2];
            Map<String, Tensor> e = OrtRunner.run(enc, random("image", h * 31 + w, n, 3, h, w));
            long[] latentShape = {n, cfg.embedDim(), h / 4, w / 4};
            assertArrayEquals(latentShape, e.get("mean").dims());
            assertArrayEquals(latentShape, e.get("logvar").dims());
            assertArrayEquals(latentShape, e.get("latent").dims());
            assertArrayEquals(e.get("mean").toFloats(), e.get("latent").toFloats(), "latent is the posterior mean");
            for (float v : e.get("logvar").toFloats()) {
                assertTrue(Float.isFinite(v) && v >= -30f && v <= 20f, "logvar " + v);
            }
            Map<String, Tensor> d = OrtRunner.run(dec, e.get("mean").renamed("latent"));
            assertArrayEquals(
                    new long[] {n, cfg.outChannels(), h, w}, d.get("image").dims());
            for (float v : d.get("image").toFloats()) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void graphParametersAreTheLdmStateDictNamesAndShapes(KlVaeConfig cfg) {
        Graph enc = KlAutoencoder.encoder(cfg, Weights.initialized(1));
        Graph dec = KlAutoencoder.decoder(cfg, Weights.initialized(1));
        Map<String, String> actual = new TreeMap<>();
        for (Graph g : List.of(enc, dec)) {
            g.initializers().forEach((name, t) -> {
                if (!name.contains("/") && (name.endsWith(".weight") || name.endsWith(".bias"))) {
                    actual.put(name, java.util.Arrays.toString(t.dims()));
                }
            });
        }
        Map<String, String> expected = new TreeMap<>();
        for (KlVaeKeys.Param p : KlVaeKeys.of(cfg)) {
            expected.put(p.ldm(), java.util.Arrays.toString(p.ldmShape()));
        }
        assertEquals(expected, actual);
    }

    @Test
    void sdVaePresetHasTheSdVaeParameterCount() {
        KlVaeConfig sd = KlVaeConfig.sdVae();
        assertEquals(8, sd.downsamplingFactor());
        assertEquals(0.18215f, sd.scalingFactor());
        assertEquals(ValueRange.MINUS_ONE_TO_ONE, sd.valueRange());
        // diffusers AutoencoderKL for SD 1.x/2.x: 83,653,863 parameters (34,163,592 encoder + quant_conv etc.)
        assertEquals(83_653_863L, KlVaeKeys.parameterCount(sd));
    }

    @Test
    void matchesJavaReferenceIncludingLevelAttention() throws Exception {
        KlVaeConfig cfg = KlVaeConfig.small().withAttnLevels(Set.of(1));
        Map<String, Tensor> sd = KlVaeKeys.stateDict(cfg, KlVaeKeys.Layout.LDM, 11);
        Weights w = Weights.loaded(sd, "synthetic");
        Graph enc = KlAutoencoder.encoder(cfg, w);
        Graph dec = KlAutoencoder.decoder(cfg, w);
        w.finish();
        Ref.Sd ref = new Ref.Sd(sd);

        // odd width: exercises the right/bottom-only padding of Downsample
        Tensor image = random("image", 3, 1, 3, 12, 10);
        Map<String, Tensor> e = OrtRunner.run(enc, image);
        Ref.T[] expected = Ref.encode(ref, cfg, Ref.T.of(image));
        assertArrayEquals(expected[0].dims(), e.get("mean").dims());
        double errMean = Ref.relErr(e.get("mean").toFloats(), expected[0].toFloats());
        double errLogvar = Ref.relErr(e.get("logvar").toFloats(), expected[1].toFloats());
        assertTrue(errMean < 1e-4, "mean error " + errMean);
        assertTrue(errLogvar < 1e-4, "logvar error " + errLogvar);

        Tensor latent = random("latent", 5, 1, cfg.embedDim(), 3, 4);
        Map<String, Tensor> d = OrtRunner.run(dec, latent);
        Ref.T img = Ref.decode(ref, cfg, Ref.T.of(latent));
        assertArrayEquals(img.dims(), d.get("image").dims());
        double errImage = Ref.relErr(d.get("image").toFloats(), img.toFloats());
        assertTrue(errImage < 1e-4, "image error " + errImage);
    }

    @Test
    void configRejectsGroupsThatDoNotDivideTheWidths() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> KlVaeConfig.small().withNormGroups(12));
        assertTrue(e.getMessage().contains("normGroups 12"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KlVaeConfig.small().withAttnLevels(Set.of(3)));
        assertEquals(Set.of(3), KlVaeConfig.levelsOf(256, 4, 32));
        assertThrows(IllegalArgumentException.class, () -> KlVaeConfig.levelsOf(256, 4, 48));
    }
}
