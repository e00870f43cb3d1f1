package org.eqvae4j.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelManifestTest {

    @Test
    void validManifestRoundTripsThroughJson() throws Exception {
        ModelManifest m = BundleFixtures.manifest();
        assertSame(m, m.validate());
        String json = ModelBundle.toJson(m);
        ModelManifest back =
                ModelBundle.JSON.readValue(json, ModelManifest.class).validate();
        assertEquals(m, back);
        assertEquals(m.hashCode(), back.hashCode());
        assertEquals(json, ModelBundle.toJson(back));
        assertArrayEquals(new double[] {-1, 1}, back.valueRange());
        assertEquals(LatentKind.DETERMINISTIC, back.kind());
        assertEquals(Map.of("encoder", "encoder.onnx", "decoder", "decoder.onnx"), back.files());
        assertEquals(1234, back.provenance().get("encoderParameters"));
        assertEquals(31.25, back.metrics().get("psnr"));
        assertTrue(json.contains("\"kind\" : \"DETERMINISTIC\""), json);
    }

    @Test
    void vqManifestNeedsACodebookAndOnlyVqHasOne() throws Exception {
        ModelManifest m = BundleFixtures.manifest();
        Map<String, String> files = Map.of("encoder", "e.onnx", "decoder", "d.onnx", ModelManifest.CODEBOOK, "c.onnx");
        ModelManifest vq = new ModelManifest(
                        1,
                        "vq",
                        null,
                        "vq-small",
                        LatentKind.VQ,
                        1,
                        8,
                        4,
                        1,
                        0,
                        new double[] {-1, 1},
                        32,
                        0,
                        files,
                        "MIT",
                        m.provenance(),
                        m.metrics(),
                        null,
                        256)
                .validate();
        String json = ModelBundle.toJson(vq);
        assertTrue(json.contains("\"codebookSize\" : 256"), json);
        assertEquals(vq, ModelBundle.JSON.readValue(json, ModelManifest.class).validate());
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new ModelManifest(
                                        1,
                                        "vq",
                                        null,
                                        null,
                                        LatentKind.VQ,
                                        1,
                                        8,
                                        4,
                                        1,
                                        0,
                                        new double[] {-1, 1},
                                        32,
                                        0,
                                        files,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null)
                                .validate())
                .getMessage()
                .contains("codebookSize"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new ModelManifest(
                                        1,
                                        "vq",
                                        null,
                                        null,
                                        LatentKind.VQ,
                                        1,
                                        8,
                                        4,
                                        1,
                                        0,
                                        new double[] {-1, 1},
                                        32,
                                        0,
                                        Map.of("encoder", "e.onnx", "decoder", "d.onnx"),
                                        null,
                                        null,
                                        null,
                                        null,
                                        256)
                                .validate())
                .getMessage()
                .contains("must name a codebook"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new ModelManifest(
                                        1,
                                        "kl",
                                        null,
                                        null,
                                        LatentKind.KL,
                                        1,
                                        8,
                                        4,
                                        1,
                                        0,
                                        new double[] {-1, 1},
                                        32,
                                        0,
                                        files,
                                        null,
                                        null,
                                        null,
                                        null,
                                        256)
                                .validate())
                .getMessage()
                .contains("VQ bundles only"));
    }

    @Test
    void derivedManifestsKeepEverythingTheyDoNotChange() {
        ModelManifest m = BundleFixtures.manifest();
        Map<String, String> files = Map.of("encoder", "e.onnx", "decoder", "d.onnx", ModelManifest.CODEBOOK, "c.onnx");
        ModelManifest vq = new ModelManifest(
                        1,
                        "vq",
                        "VQ",
                        "vq-small",
                        LatentKind.VQ,
                        1,
                        8,
                        4,
                        1,
                        0,
                        new double[] {-1, 1},
                        32,
                        0,
                        files,
                        "MIT",
                        m.provenance(),
                        m.metrics(),
                        null,
                        256)
                .validate();
        // what MaskGitTrainer derives: another id and provenance, plus a generator file that describes itself (no
        // section)
        ModelManifest g = vq.withIdentity("vq-maskgit", "VQ + MaskGIT generator", Map.of("generator", "maskgit"))
                .withGenerator("generator.onnx", null)
                .validate();
        assertEquals("vq-maskgit", g.id());
        assertEquals("VQ + MaskGIT generator", g.name());
        assertEquals(Map.of("generator", "maskgit"), g.provenance());
        assertEquals("generator.onnx", g.files().get(ModelManifest.GENERATOR));
        assertEquals(null, g.generator());
        ModelManifest back = g.withIdentity(vq.id(), vq.name(), vq.provenance()).withGenerator(null, null);
        assertEquals(
                vq,
                back,
                "every other field (kind, channels, value range, tiling, licence, metrics, codebook) is kept");
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        var node = BundleFixtures.manifestJson();
        node.put("someFutureField", 7);
        assertEquals(BundleFixtures.manifest(), ModelBundle.JSON.treeToValue(node, ModelManifest.class));
    }

    @Test
    void manifestIsAValue() {
        double[] range = {0, 1};
        ModelManifest m = new ModelManifest(
                1,
                "a",
                null,
                null,
                LatentKind.KL,
                3,
                4,
                8,
                1,
                0,
                range,
                64,
                8,
                Map.of("encoder", "e.onnx", "decoder", "d.onnx"),
                null,
                null,
                null,
                null,
                null);
        range[1] = 5; // the caller's array is copied
        assertEquals(1.0, m.valueRange()[1]);
        m.valueRange()[1] = 7; // and the record's is not exposed
        assertEquals(1.0, m.valueRange()[1]);
        assertEquals(
                m,
                new ModelManifest(
                        1,
                        "a",
                        null,
                        null,
                        LatentKind.KL,
                        3,
                        4,
                        8,
                        1,
                        0,
                        new double[] {0, 1},
                        64,
                        8,
                        Map.of("encoder", "e.onnx", "decoder", "d.onnx"),
                        null,
                        null,
                        null,
                        null,
                        null));
        assertEquals(Map.of(), m.provenance());
        assertEquals(Map.of("x", 1), m.withMetrics(Map.of("x", 1)).metrics());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad(
                        "formatVersion",
                        m -> copy(
                                m,
                                2,
                                m.id(),
                                m.kind(),
                                m.imageChannels(),
                                m.downsamplingFactor(),
                                m.valueRange(),
                                m.tileSize(),
                                m.tileHalo(),
                                m.files())),
                bad(
                        "id",
                        m -> copy(
                                m,
                                1,
                                "has space",
                                m.kind(),
                                m.imageChannels(),
                                m.downsamplingFactor(),
                                m.valueRange(),
                                m.tileSize(),
                                m.tileHalo(),
                                m.files())),
                bad(
                        "id",
                        m -> copy(
                                m,
                                1,
                                null,
                                m.kind(),
                                m.imageChannels(),
                                m.downsamplingFactor(),
                                m.valueRange(),
                                m.tileSize(),
                                m.tileHalo(),
                                m.files())),
                bad(
                        "kind",
                        m -> copy(
                                m,
                                1,
                                m.id(),
                                null,
                                m.imageChannels(),
                                m.downsamplingFactor(),
                                m.valueRange(),
                                m.tileSize(),
                                m.tileHalo(),
                                m.files())),
                bad(
                        "imageChannels",
                        m -> copy(
                                m,
                                1,
                                m.id(),
                                m.kind(),
                                2,
                                m.downsamplingFactor(),
                                m.valueRange(),
                                m.tileSize(),
                                m.tileHalo(),
                                m.files())),
                bad("downsamplingFactor", m -> copy(m, 1, m.id(), m.kind(), 3, 3, m.valueRange(), 255, 0, m.files())),
                bad(
                        "downsamplingFactor",
                        m -> copy(m, 1, m.id(), m.kind(), 3, 0, m.valueRange(), m.tileSize(), m.tileHalo(), m.files())),
                bad(
                        "valueRange",
                        m -> copy(
                                m,
                                1,
                                m.id(),
                                m.kind(),
                                3,
                                8,
                                new double[] {1, 0},
                                m.tileSize(),
                                m.tileHalo(),
                                m.files())),
                bad("valueRange", m -> copy(m, 1, m.id(), m.kind(), 3, 8, null, m.tileSize(), m.tileHalo(), m.files())),
                bad("tileSize", m -> copy(m, 1, m.id(), m.kind(), 3, 8, m.valueRange(), 100, 0, m.files())),
                bad("tileSize", m -> copy(m, 1, m.id(), m.kind(), 3, 8, m.valueRange(), 0, 0, m.files())),
                bad("tileHalo", m -> copy(m, 1, m.id(), m.kind(), 3, 8, m.valueRange(), 256, 128, m.files())),
                bad("tileHalo", m -> copy(m, 1, m.id(), m.kind(), 3, 8, m.valueRange(), 256, 12, m.files())),
                bad(
                        "files",
                        m -> copy(m, 1, m.id(), m.kind(), 3, 8, m.valueRange(), 256, 32, Map.of("encoder", "e.onnx"))),
                bad(
                        "files.encoder",
                        m -> copy(
                                m,
                                1,
                                m.id(),
                                m.kind(),
                                3,
                                8,
                                m.valueRange(),
                                256,
                                32,
                                Map.of("encoder", "sub/encoder.onnx", "decoder", "decoder.onnx"))),
                bad(
                        "files.decoder",
                        m -> copy(
                                m,
                                1,
                                m.id(),
                                m.kind(),
                                3,
                                8,
                                m.valueRange(),
                                256,
                                32,
                                Map.of("encoder", "encoder.onnx", "decoder", "..\\decoder.onnx"))),
                bad(
                        "files.decoder",
                        m -> copy(
                                m,
                                1,
                                m.id(),
                                m.kind(),
                                3,
                                8,
                                m.valueRange(),
                                256,
                                32,
                                Map.of("encoder", "encoder.onnx", "decoder", ".hidden"))),
                bad("files.encoder", m -> copy(m, 1, m.id(), m.kind(), 3, 8, m.valueRange(), 256, 32, nullEncoder())),
                bad(
                        "latentChannels",
                        m -> new ModelManifest(
                                1,
                                "x",
                                null,
                                null,
                                LatentKind.VQ,
                                3,
                                0,
                                8,
                                1,
                                0,
                                new double[] {0, 1},
                                64,
                                0,
                                m.files(),
                                null,
                                null,
                                null,
                                null,
                                null)),
                bad(
                        "latentScale",
                        m -> new ModelManifest(
                                1,
                                "x",
                                null,
                                null,
                                LatentKind.VQ,
                                3,
                                4,
                                8,
                                0,
                                0,
                                new double[] {0, 1},
                                64,
                                0,
                                m.files(),
                                null,
                                null,
                                null,
                                null,
                                null)),
                bad(
                        "latentShift",
                        m -> new ModelManifest(
                                1,
                                "x",
                                null,
                                null,
                                LatentKind.VQ,
                                3,
                                4,
                                8,
                                1,
                                Double.NaN,
                                new double[] {0, 1},
                                64,
                                0,
                                m.files(),
                                null,
                                null,
                                null,
                                null,
                                null)));
    }

    private static Map<String, String> nullEncoder() {
        Map<String, String> files = new java.util.HashMap<>();
        files.put("encoder", null);
        files.put("decoder", "decoder.onnx");
        return files;
    }

    private static Arguments bad(String field, Function<ModelManifest, ModelManifest> edit) {
        return Arguments.of(field, edit);
    }

    private static ModelManifest copy(
            ModelManifest m,
            int formatVersion,
            String id,
            LatentKind kind,
            int imageChannels,
            int f,
            double[] valueRange,
            int tileSize,
            int tileHalo,
            Map<String, String> files) {
        return new ModelManifest(
                formatVersion,
                id,
                m.name(),
                m.architecture(),
                kind,
                imageChannels,
                m.latentChannels(),
                f,
                m.latentScale(),
                m.latentShift(),
                valueRange,
                tileSize,
                tileHalo,
                files,
                m.license(),
                m.provenance(),
                m.metrics(),
                null,
                null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidFieldIsNamed(String field, Function<ModelManifest, ModelManifest> edit) {
        ModelManifest m = edit.apply(BundleFixtures.manifest());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, m::validate);
        assertTrue(e.getMessage().startsWith("model.json: " + field), e.getMessage());
    }

    @Test
    void latentKindParsesCaseInsensitivelyAndNamesUnknownKinds() {
        assertEquals(LatentKind.KL, LatentKind.parse(" kl "));
        assertEquals(LatentKind.VQ, LatentKind.parse("Vq"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LatentKind.parse("gan"));
        assertTrue(e.getMessage().contains("'gan'"), e.getMessage());
    }
}
