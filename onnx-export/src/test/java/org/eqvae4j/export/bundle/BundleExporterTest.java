package org.eqvae4j.export.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eqvae4j.export.arch.Architectures;
import org.eqvae4j.export.arch.AutoencoderArchitecture;
import org.eqvae4j.export.arch.WeightMismatchException;
import org.eqvae4j.export.graph.DType;
import org.eqvae4j.export.graph.Tensor;
import org.eqvae4j.export.testing.ProjectFiles;
import org.eqvae4j.export.weights.WeightFileException;
import org.eqvae4j.runtime.bundle.LatentKind;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.model.Autoencoder;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleExporterTest {
    private static final AutoencoderArchitecture TAEF2 =
            Architectures.standard().get("taef2");

    private static Map<String, Tensor> taef2Weights() throws IOException {
        return BundleExporter.readWeights(
                List.of(), ProjectFiles.taef2EncoderWeights(), ProjectFiles.taef2DecoderWeights());
    }

    private static BundleExporter.Request request(Map<String, Tensor> weights, long seed) {
        return new BundleExporter.Request(TAEF2, weights, seed, "test weights", "t", "test", "MIT", null, 256, 32);
    }

    @Test
    void exportsALoadableBundleWithManifest(@TempDir Path dir) throws Exception {
        ModelBundle b = BundleExporter.export(request(taef2Weights(), 0), dir.resolve("taef2"), false);
        assertEquals(LatentKind.DETERMINISTIC, b.manifest().kind());
        assertEquals(32, b.manifest().latentChannels());
        assertEquals(8, b.manifest().downsamplingFactor());
        assertEquals(1_338_528L, ((Number) b.manifest().provenance().get("encoderParameters")).longValue());
        try (Autoencoder ae = Autoencoder.open(b)) {
            FloatTensor z = ae.encode(FloatTensor.zeros(1, 3, 24, 40));
            assertArrayEquals(new long[] {1, 32, 3, 5}, z.shape());
            assertArrayEquals(new long[] {1, 3, 24, 40}, ae.decode(z).shape());
        }
    }

    /** A bundle as exports made before the tiling parts were: encoder and decoder only, with metrics. */
    @Test
    void reexportAddsTilingPartsAndKeepsWeightsProvenanceAndMetrics(@TempDir Path dir) throws Exception {
        ModelBundle full = BundleExporter.export(request(null, 3), dir.resolve("full"), false);
        Path old = Files.createDirectories(dir.resolve("old"));
        Files.copy(full.file("encoder"), old.resolve("encoder.onnx"));
        Files.copy(full.file("decoder"), old.resolve("decoder.onnx"));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var m = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(full.root().resolve("model.json").toFile());
        m.putObject("files").put("encoder", "encoder.onnx").put("decoder", "decoder.onnx");
        ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("provenance")).put("trainingData", "some photos");
        m.putObject("metrics").put("psnr", 31.5);
        Files.writeString(old.resolve("model.json"), m.toPrettyString());
        ModelBundle source = ModelBundle.open(old);
        assertFalse(source.has("decoderLocal"));

        ModelBundle again = BundleExporter.reexport(source, TAEF2, dir.resolve("again"), false);
        assertEquals(full.manifest().files(), again.manifest().files(), "tiling parts added");
        assertArrayEquals(Files.readAllBytes(old.resolve("encoder.onnx")), Files.readAllBytes(again.file("encoder")));
        assertArrayEquals(Files.readAllBytes(old.resolve("decoder.onnx")), Files.readAllBytes(again.file("decoder")));
        assertEquals(Map.of("psnr", 31.5), again.manifest().metrics());
        assertEquals("some photos", again.manifest().provenance().get("trainingData"));
        assertTrue(String.valueOf(again.manifest().provenance().get("reexportedBy"))
                .contains("tiling parts added"));
        assertEquals(source.manifest().id(), again.manifest().id());
        assertEquals(source.manifest().license(), again.manifest().license());

        IllegalArgumentException same =
                assertThrows(IllegalArgumentException.class, () -> BundleExporter.reexport(source, TAEF2, old, true));
        assertTrue(same.getMessage().contains("another folder"), same.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> BundleExporter.reexport(source, Architectures.standard().get("taesd"), dir.resolve("x"), false));
        assertEquals(List.of("decoder.onnx", "encoder.onnx", "model.json"), listNames(old), "the source is untouched");
    }

    private static List<String> listNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void everyMismatchedTensorIsNamedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Map<String, Tensor> w = new LinkedHashMap<>(taef2Weights());
        w.remove("encoder.3.conv.2.bias");
        w.put("decoder.99.weight", Tensor.ofFloats("decoder.99.weight", new long[] {1}, 1f));
        w.put(
                "decoder.1.weight",
                Tensor.ofFloats("decoder.1.weight", new long[] {64, 16, 3, 3}, new float[64 * 16 * 9]));
        w.put("encoder.0.bias", Tensor.ofLongs("encoder.0.bias", new long[] {64}, new long[64]));
        Path target = dir.resolve("bundle");
        WeightMismatchException e =
                assertThrows(WeightMismatchException.class, () -> BundleExporter.export(request(w, 0), target, false));
        assertTrue(e.getMessage().contains("encoder.3.conv.2.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("decoder.99.weight"), e.getMessage());
        assertTrue(
                e.getMessage().contains("decoder.1.weight is [64, 16, 3, 3], expected [64, 32, 3, 3]"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder.0.bias has dtype INT64"), e.getMessage());
        assertTrue(e.getMessage().contains("test weights"), "names the source: " + e.getMessage());
        assertEquals(List.of("encoder.3.conv.2.bias [64]"), e.missing());
        assertEquals(List.of("decoder.99.weight"), e.unexpected());
        assertEquals(2, e.misshaped().size());
        assertFalse(Files.exists(target));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count(), "no staging folders left behind");
        }
    }

    @Test
    void existingBundleIsKeptUnlessReplacing(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("b");
        BundleExporter.export(request(null, 1), target, false);
        byte[] before = Files.readAllBytes(target.resolve("encoder.onnx"));
        assertThrows(
                java.nio.file.FileAlreadyExistsException.class,
                () -> BundleExporter.export(request(null, 2), target, false));
        assertArrayEquals(before, Files.readAllBytes(target.resolve("encoder.onnx")));
        BundleExporter.export(request(null, 2), target, true);
        assertFalse(
                java.util.Arrays.equals(before, Files.readAllBytes(target.resolve("encoder.onnx"))),
                "replaced by the seed-2 export");
    }

    @Test
    void initialisationIsReproducibleForASeed() {
        var a = BundleExporter.buildGraphs(request(null, 7))
                .encoder()
                .initializers()
                .get("0.weight")
                .toFloats();
        var b = BundleExporter.buildGraphs(request(null, 7))
                .encoder()
                .initializers()
                .get("0.weight")
                .toFloats();
        var c = BundleExporter.buildGraphs(request(null, 8))
                .encoder()
                .initializers()
                .get("0.weight")
                .toFloats();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
        double bound = 1 / Math.sqrt(3 * 9);
        for (float v : a) {
            assertTrue(Math.abs(v) <= bound, "fan-in uniform bound");
        }
    }

    @Test
    void unknownArchitectureListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Architectures.standard().get("sd-vea"));
        assertTrue(e.getMessage().contains("'sd-vea'") && e.getMessage().contains("taef2"), e.getMessage());
    }

    @Test
    void duplicateNamesAcrossWeightFilesAreRefused() {
        Path enc = ProjectFiles.taef2EncoderWeights();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> BundleExporter.readWeights(List.of(enc, enc), null, null));
        assertTrue(e.getMessage().contains("more than one") && e.getMessage().contains("0.weight"), e.getMessage());
    }

    @Test
    void corruptOrTruncatedWeightFilesNameTheFile(@TempDir Path dir) throws Exception {
        byte[] real = Files.readAllBytes(ProjectFiles.taef2EncoderWeights());
        Path truncated = dir.resolve("enc-truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(real, real.length - 1000));
        WeightFileException e = assertThrows(
                WeightFileException.class, () -> BundleExporter.readWeights(List.of(truncated), null, null));
        assertTrue(e.getMessage().contains("enc-truncated.safetensors"), e.getMessage());
        Path text = dir.resolve("notes.pth");
        Files.writeString(text, "these are not weights");
        e = assertThrows(WeightFileException.class, () -> BundleExporter.readWeights(List.of(text), null, null));
        assertTrue(e.getMessage().contains("notes.pth"), e.getMessage());
    }

    @Test
    void halfPrecisionWeightsBecomeExactFloats() throws Exception {
        Tensor f16 = taef2Weights().get("encoder.0.weight");
        assertEquals(DType.FLOAT16, f16.dtype());
        Tensor f32 = BundleExporter.buildGraphs(request(taef2Weights(), 0))
                .encoder()
                .initializers()
                .get("0.weight");
        assertEquals(DType.FLOAT, f32.dtype());
        assertArrayEquals(f16.toFloats(), f32.toFloats());
    }
}
