package org.eqvae4j.export.arch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqvae4j.export.arch.KlVaeKeys.Layout;
import org.eqvae4j.export.bundle.BundleExporter;
import org.eqvae4j.export.graph.Graph;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.testing.OrtRunner;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Loading KL-VAE weights in LDM, full-LDM and diffusers layouts, and the architecture as a bundle. */
class KlVaeArchitectureTest {

    static java.util.stream.Stream<KlVaeConfig> configs() {
        return KlAutoencoderTest.configs();
    }

    private static KlVaeArchitecture arch(KlVaeConfig cfg) {
        return new KlVaeArchitecture("test", "test", cfg);
    }

    /** What the exporter does: normalize, load, build both graphs, then check every tensor. */
    private static Graph[] graphs(KlVaeConfig cfg, Map<String, Tensor> sd) {
        KlVaeArchitecture a = arch(cfg);
        Weights w = Weights.loaded(a.normalize(sd), "synthetic");
        AutoencoderArchitecture.Graphs g = a.build(w);
        w.finish();
        return new Graph[] {g.encoder(), g.decoder()};
    }

    private static float[][] outputs(Graph[] g, KlVaeConfig cfg) throws Exception {
        int f = cfg.downsamplingFactor();
        Map<String, Tensor> e = OrtRunner.run(g[0], KlAutoencoderTest.random("image", 1, 1, 3, 2 * f, 3 * f));
        Map<String, Tensor> d = OrtRunner.run(g[1], KlAutoencoderTest.random("latent", 2, 1, cfg.embedDim(), 2, 3));
        return new float[][] {
            e.get("mean").toFloats(), e.get("logvar").toFloats(), d.get("image").toFloats()
        };
    }

    @ParameterizedTest
    @MethodSource("configs")
    void ldmDiffusersAndFullCheckpointLoadToIdenticalGraphs(KlVaeConfig cfg) throws Exception {
        Map<String, Tensor> ldm = KlVaeKeys.stateDict(cfg, Layout.LDM, 5);
        // an LDM autoencoder training checkpoint also holds its loss modules
        ldm.put("loss.logvar", Tensor.scalar("loss.logvar", 0f));
        ldm.put("loss.discriminator.main.0.weight", Tensor.ofFloats("d", new long[] {1}, 1f));
        Map<String, Tensor> full = KlVaeKeys.stateDict(cfg, Layout.LDM_FULL, 5);
        full.put("model.diffusion_model.input_blocks.0.0.weight", Tensor.ofFloats("u", new long[] {2}, 1f, 2f));
        full.put(
                "cond_stage_model.transformer.text_model.embeddings.position_ids",
                Tensor.ofLongs("p", new long[] {2}, 0, 1));
        Map<String, Tensor> diffusers = KlVaeKeys.stateDict(cfg, Layout.DIFFUSERS, 5);
        Map<String, Tensor> legacy = KlVaeKeys.stateDict(cfg, Layout.DIFFUSERS_LEGACY, 5);

        assertEquals(KlVaeArchitecture.Layout.LDM, KlVaeArchitecture.layout(ldm.keySet()));
        assertEquals(KlVaeArchitecture.Layout.LDM_FULL, KlVaeArchitecture.layout(full.keySet()));
        assertEquals(KlVaeArchitecture.Layout.DIFFUSERS, KlVaeArchitecture.layout(diffusers.keySet()));
        assertEquals(KlVaeArchitecture.Layout.DIFFUSERS, KlVaeArchitecture.layout(legacy.keySet()));
        assertEquals(DiffusersVaeNames.AttentionNames.LEGACY, DiffusersVaeNames.attentionNames(legacy.keySet()));
        assertEquals(DiffusersVaeNames.AttentionNames.TO_Q, DiffusersVaeNames.attentionNames(diffusers.keySet()));
        assertEquals(cfg.numLevels(), DiffusersVaeNames.levels(diffusers.keySet()));

        Graph[] reference = graphs(cfg, ldm);
        // the values really come from the file
        assertArrayEquals(
                ldm.get("decoder.up.0.block.0.conv1.weight").toFloats(),
                reference[1]
                        .initializers()
                        .get("decoder.up.0.block.0.conv1.weight")
                        .toFloats());
        float[][] expected = outputs(reference, cfg);
        for (Map<String, Tensor> sd : List.of(full, diffusers, legacy)) {
            Graph[] g = graphs(cfg, sd);
            for (int part = 0; part < 2; part++) {
                for (Map.Entry<String, Tensor> e :
                        reference[part].initializers().entrySet()) {
                    Tensor t = g[part].initializers().get(e.getKey());
                    assertArrayEquals(e.getValue().dims(), t.dims(), e.getKey());
                    assertArrayEquals(e.getValue().toFloats(), t.toFloats(), e.getKey());
                }
            }
            float[][] actual = outputs(g, cfg);
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], actual[i]);
            }
        }
    }

    @Test
    void mismatchesInAnLdmFileAreAllNamed() {
        KlVaeConfig cfg = KlVaeConfig.small();
        Map<String, Tensor> sd = KlVaeKeys.stateDict(cfg, Layout.LDM, 1);
        sd.remove("encoder.mid.attn_1.k.bias");
        sd.put("encoder.down.0.block.0.extra.weight", Tensor.ofFloats("x", new long[] {1}, 0f));
        sd.put("encoder.conv_out.weight", Tensor.ofFloats("x", new long[] {8, 64, 1, 1}, new float[8 * 64]));
        Weights w = Weights.loaded(arch(cfg).normalize(sd), "broken.safetensors");
        arch(cfg).build(w);
        var e = assertThrows(WeightMismatchException.class, w::finish);
        String m = e.getMessage();
        assertTrue(m.contains("broken.safetensors"), m);
        assertTrue(m.contains("encoder.mid.attn_1.k.bias"), m);
        assertTrue(m.contains("encoder.down.0.block.0.extra.weight"), m);
        assertTrue(m.contains("encoder.conv_out.weight is [8, 64, 1, 1], expected [8, 64, 3, 3]"), m);
        assertEquals(List.of("encoder.mid.attn_1.k.bias [64]"), e.missing());
        assertEquals(List.of("encoder.down.0.block.0.extra.weight"), e.unexpected());
        assertEquals(1, e.misshaped().size());
    }

    @Test
    void mismatchesInADiffusersFileAreNamedInLdmForm() {
        KlVaeConfig cfg = KlVaeConfig.small();
        Map<String, Tensor> sd = KlVaeKeys.stateDict(cfg, Layout.DIFFUSERS, 1);
        sd.remove("decoder.mid_block.attentions.0.to_v.weight");
        sd.put("decoder.up_blocks.0.resnets.0.extra.bias", Tensor.ofFloats("x", new long[] {1}, 0f));
        sd.put(
                "decoder.up_blocks.2.resnets.1.conv1.weight",
                Tensor.ofFloats("x", new long[] {32, 32, 3}, new float[32 * 32 * 3]));
        sd.put("stray", Tensor.scalar("stray", 1f));
        Weights w = Weights.loaded(arch(cfg).normalize(sd), "diffusion_pytorch_model.safetensors");
        arch(cfg).build(w);
        var e = assertThrows(WeightMismatchException.class, w::finish);
        String m = e.getMessage();
        assertEquals(List.of("decoder.mid.attn_1.v.weight [64, 64, 1, 1]"), e.missing());
        // up_blocks.0 is the lowest-resolution level, LDM's up.2 for three levels
        assertEquals(List.of("decoder.up.2.block.0.extra.bias", "stray"), e.unexpected());
        assertTrue(m.contains("decoder.up.0.block.1.conv1.weight is [32, 32, 3], expected [32, 32, 3, 3]"), m);
    }

    @Test
    void diffusersNamesRoundTripForTheSdVaeLayout() {
        KlVaeConfig cfg = KlVaeConfig.sdVae().withAttnLevels(java.util.Set.of(2));
        int levels = cfg.numLevels();
        for (KlVaeKeys.Param p : KlVaeKeys.of(cfg)) {
            assertEquals(
                    p.diffusers(),
                    DiffusersVaeNames.toDiffusers(p.ldm(), levels, DiffusersVaeNames.AttentionNames.TO_Q));
            assertEquals(
                    p.diffusersLegacy(),
                    DiffusersVaeNames.toDiffusers(p.ldm(), levels, DiffusersVaeNames.AttentionNames.LEGACY));
            assertEquals(p.ldm(), DiffusersVaeNames.toLdm(p.diffusers(), levels));
            assertEquals(p.ldm(), DiffusersVaeNames.toLdm(p.diffusersLegacy(), levels));
        }
        assertEquals(
                "decoder.up_blocks.0.upsamplers.0.conv.weight",
                DiffusersVaeNames.toDiffusers(
                        "decoder.up.3.upsample.conv.weight", 4, DiffusersVaeNames.AttentionNames.TO_Q));
        assertEquals("something.else", DiffusersVaeNames.toLdm("something.else", 4));
    }

    @Test
    void renamingADiffusersMapReshapesAttentionWeights() {
        KlVaeConfig cfg = KlVaeConfig.small();
        Map<String, Tensor> diffusers = KlVaeKeys.stateDict(cfg, Layout.DIFFUSERS, 2);
        Map<String, Tensor> renamed = DiffusersVaeNames.toLdm(diffusers);
        Map<String, Tensor> ldm = KlVaeKeys.stateDict(cfg, Layout.LDM, 2);
        assertEquals(ldm.keySet(), renamed.keySet());
        for (Map.Entry<String, Tensor> e : ldm.entrySet()) {
            Tensor t = renamed.get(e.getKey());
            assertEquals(e.getKey(), t.name());
            assertArrayEquals(e.getValue().dims(), t.dims(), e.getKey());
            assertArrayEquals(e.getValue().toFloats(), t.toFloats(), e.getKey());
        }
        assertArrayEquals(
                new long[] {64, 64, 1, 1},
                renamed.get("encoder.mid.attn_1.q.weight").dims());
        Map<String, Tensor> mixed = new LinkedHashMap<>(diffusers);
        mixed.put(
                "encoder.mid_block.attentions.0.query.weight",
                diffusers.get("encoder.mid_block.attentions.0.to_q.weight"));
        assertThrows(IllegalArgumentException.class, () -> DiffusersVaeNames.toLdm(mixed));
    }

    @Test
    void smallKlVaeExportsABundleTheRuntimeRuns(@TempDir Path dir) throws Exception {
        AutoencoderArchitecture a = Architectures.standard().get("kl-vae-small");
        Map<String, Tensor> weights = KlVaeKeys.stateDict(KlVaeConfig.small(), Layout.DIFFUSERS, 3);
        ModelBundle b = BundleExporter.export(
                new BundleExporter.Request(
                        a, weights, 0, "synthetic diffusers weights", "kl-small", "small KL-VAE", null, null, 64, 8),
                dir.resolve("kl"),
                false);
        assertEquals(LatentKind.KL, b.manifest().kind());
        assertEquals(4, b.manifest().latentChannels());
        assertEquals(4, b.manifest().downsamplingFactor());
        assertArrayEquals(new double[] {-1, 1}, b.manifest().valueRange());
        assertEquals(
                KlVaeKeys.parameterCount(KlVaeConfig.small()),
                ((Number) b.manifest().provenance().get("encoderParameters")).longValue()
                        + ((Number) b.manifest().provenance().get("decoderParameters")).longValue());
        assertEquals(0.18215, Architectures.standard().get("sd-vae").latentScale(), 1e-7);
        try (Autoencoder ae = Autoencoder.open(b)) {
            FloatTensor z = ae.encode(FloatTensor.zeros(1, 3, 16, 24));
            assertArrayEquals(new long[] {1, 4, 4, 6}, z.shape());
            assertArrayEquals(new long[] {1, 3, 16, 24}, ae.decode(z).shape());
        }
    }
}
