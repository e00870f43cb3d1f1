package org.eqvae4j.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eqvae4j.runtime.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelBundleTest {
    @TempDir
    Path tmp;

    @Test
    void opensAValidFolder() throws Exception {
        Path dir = BundleFixtures.folder(tmp.resolve("b"), ModelBundle.toJson(BundleFixtures.manifest()));
        ModelBundle b = ModelBundle.open(dir);
        assertEquals(dir, b.root());
        assertEquals(BundleFixtures.manifest(), b.manifest());
        assertEquals(dir.resolve("encoder.onnx"), b.file("encoder"));
        assertEquals(dir.resolve("decoder.onnx"), b.file("decoder"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.file("generator"));
        assertTrue(e.getMessage().contains("generator"), e.getMessage());
    }

    @Test
    void theShippedTaef2BundleOpens() throws Exception {
        ModelBundle b = ModelBundle.open(TestSupport.repoRoot().resolve("models/taef2"));
        ModelManifest m = b.manifest();
        assertEquals("taef2", m.id());
        assertEquals(LatentKind.DETERMINISTIC, m.kind());
        assertEquals(3, m.imageChannels());
        assertEquals(32, m.latentChannels());
        assertEquals(8, m.downsamplingFactor());
        assertArrayEquals(new double[] {0, 1}, m.valueRange());
        assertTrue(Files.size(b.file("encoder")) > 1_000_000);
    }

    @Test
    void lowerCaseKindIsAccepted() throws Exception {
        // the messages spell kinds in lower case ("deterministic, kl or vq"), so a hand-written manifest may too
        ObjectNode j = BundleFixtures.manifestJson();
        j.put("kind", "kl");
        ModelBundle b = ModelBundle.open(BundleFixtures.folder(tmp.resolve("b"), j.toString()));
        assertEquals(LatentKind.KL, b.manifest().kind());
    }

    static Stream<Arguments> invalidJson() {
        return Stream.of(
                edit("kind", j -> j.remove("kind")),
                edit("kind", j -> j.putNull("kind")),
                edit("kind", j -> j.put("kind", "gan")),
                edit("formatVersion", j -> j.remove("formatVersion")),
                edit("id", j -> j.put("id", "")),
                edit("imageChannels", j -> j.put("imageChannels", 2)),
                edit("downsamplingFactor", j -> j.put("downsamplingFactor", 3)),
                edit("valueRange", j -> j.putArray("valueRange").add(0)),
                edit("tileSize", j -> j.put("tileSize", 260)),
                edit("tileHalo", j -> j.put("tileHalo", 128)),
                edit("files", j -> j.remove("files")),
                edit("files.encoder", j -> ((ObjectNode) j.get("files")).put("encoder", "sub/encoder.onnx")),
                edit("files.decoder", j -> ((ObjectNode) j.get("files")).put("decoder", "/abs/decoder.onnx")),
                edit("files.decoder", j -> ((ObjectNode) j.get("files")).putNull("decoder")),
                edit("imageChannels", j -> j.put("imageChannels", "three")));
    }

    private static Arguments edit(String field, Consumer<ObjectNode> change) {
        return Arguments.of(field, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidJson")
    void invalidFieldGivesABundleExceptionNamingFileAndField(String field, Consumer<ObjectNode> change)
            throws Exception {
        ObjectNode j = BundleFixtures.manifestJson();
        change.accept(j);
        Path dir = BundleFixtures.folder(tmp.resolve("b"), j.toString());
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(dir));
        assertTrue(e.getMessage().contains(dir.resolve("model.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(field), "should name " + field + ": " + e.getMessage());
    }

    @Test
    void missingEncoderFile() throws Exception {
        Path dir = BundleFixtures.folder(tmp.resolve("b"), ModelBundle.toJson(BundleFixtures.manifest()));
        Files.delete(dir.resolve("encoder.onnx"));
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(dir));
        assertTrue(
                e.getMessage().contains("encoder.onnx")
                        && e.getMessage().contains("missing or empty")
                        && e.getMessage().contains(dir.toString()),
                e.getMessage());
    }

    @Test
    void emptyDecoderFile() throws Exception {
        Path dir = BundleFixtures.folder(tmp.resolve("b"), ModelBundle.toJson(BundleFixtures.manifest()));
        Files.write(dir.resolve("decoder.onnx"), new byte[0]);
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(dir));
        assertTrue(
                e.getMessage().contains("decoder.onnx") && e.getMessage().contains("missing or empty"), e.getMessage());
    }

    @Test
    void namedFileThatIsAFolder() throws Exception {
        Path dir = BundleFixtures.folder(tmp.resolve("b"), ModelBundle.toJson(BundleFixtures.manifest()));
        Files.delete(dir.resolve("encoder.onnx"));
        Files.createDirectory(dir.resolve("encoder.onnx"));
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(dir));
        assertTrue(e.getMessage().contains("encoder.onnx"), e.getMessage());
    }

    @Test
    void malformedJson() throws Exception {
        String json = ModelBundle.toJson(BundleFixtures.manifest());
        Path dir = BundleFixtures.folder(tmp.resolve("b"), json.substring(0, json.length() / 2));
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(dir));
        assertTrue(
                e.getMessage().contains(dir.resolve("model.json").toString())
                        && e.getMessage().contains("not a valid manifest"),
                e.getMessage());
    }

    @Test
    void missingModelJson() throws Exception {
        Path dir = BundleFixtures.folder(tmp.resolve("b"), "{}");
        Files.delete(dir.resolve("model.json"));
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("no model.json"), e.getMessage());
    }

    @Test
    void notAFolder() throws Exception {
        Path file = Files.writeString(tmp.resolve("model.json"), "{}");
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a folder"), e.getMessage());
        Path missing = tmp.resolve("nope");
        BundleException e2 = assertThrows(BundleException.class, () -> ModelBundle.open(missing));
        assertTrue(e2.getMessage().contains(missing.toString()), e2.getMessage());
    }
}
