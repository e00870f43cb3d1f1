package org.eqvae4j.runtime.bundle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A valid manifest and bundle folders built from it (or from edited JSON). */
final class BundleFixtures {
    private BundleFixtures() {}

    static ModelManifest manifest() {
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("exportedBy", "test");
        provenance.put("encoderParameters", 1234);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("psnr", 31.25);
        return new ModelManifest(
                1,
                "tiny-ae",
                "Tiny autoencoder",
                "taef2",
                LatentKind.DETERMINISTIC,
                3,
                4,
                8,
                0.5,
                0.1,
                new double[] {-1, 1},
                256,
                32,
                Map.of("encoder", "encoder.onnx", "decoder", "decoder.onnx"),
                "MIT",
                provenance,
                metrics,
                null,
                null);
    }

    static ObjectNode manifestJson() throws IOException {
        return (ObjectNode) ModelBundle.JSON.readTree(ModelBundle.toJson(manifest()));
    }

    /** A bundle folder: model.json from {@code json} and non-empty encoder.onnx / decoder.onnx. */
    static Path folder(Path dir, String json) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.json"), json, StandardCharsets.UTF_8);
        Files.write(dir.resolve("encoder.onnx"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("decoder.onnx"), new byte[] {4, 5, 6});
        return dir;
    }
}
