package org.eqvae4j.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** model.json's generator section: written, read back equal, and every wrong field named. */
class GeneratorSpecTest {
    @TempDir
    Path tmp;

    private static GeneratorSpec spec() {
        return new GeneratorSpec(
                "dit",
                10,
                null,
                new int[] {4, 4},
                new double[] {0.1, 0.2, 0.3, 0.4},
                new double[] {1, 2, 3, 4},
                "heun",
                20,
                1.5,
                Map.of("steps", 3000));
    }

    private Path bundle(String name, String json) throws Exception {
        Path dir = BundleFixtures.folder(tmp.resolve(name), json);
        Files.write(dir.resolve("generator.onnx"), new byte[] {7});
        return dir;
    }

    @Test
    void roundTripsThroughModelJson() throws Exception {
        ModelManifest m = BundleFixtures.manifest().withGenerator("generator.onnx", spec());
        ModelBundle b = ModelBundle.open(bundle("ok", ModelBundle.toJson(m)));
        assertEquals(m, b.manifest());
        assertEquals(spec(), b.manifest().generator());
        assertEquals(10, b.manifest().generator().nullClass());
        assertTrue(b.has(ModelManifest.GENERATOR));
        assertEquals(null, BundleFixtures.manifest().generator(), "bundles without a generator have no section");
    }

    private String openError(String name, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        ObjectNode json = (ObjectNode) ModelBundle.JSON.readTree(
                ModelBundle.toJson(BundleFixtures.manifest().withGenerator("generator.onnx", spec())));
        edit.accept(json);
        Path dir = bundle(name, json.toPrettyString());
        return assertThrows(BundleException.class, () -> ModelBundle.open(dir)).getMessage();
    }

    @Test
    void wrongSectionsAreNamed() throws Exception {
        String e = openError("nosection", j -> j.remove("generator"));
        assertTrue(e.contains("no generator section"), e);
        e = openError("nofile", j -> ((ObjectNode) j.get("files")).remove("generator"));
        assertTrue(e.contains("names no generator file"), e);
        e = openError("mean", j -> ((ArrayNode) j.get("generator").get("latentMean")).remove(0));
        assertTrue(e.contains("generator.latentMean") && e.contains("4"), e);
        e = openError("std", j -> ((ArrayNode) j.get("generator").get("latentStd")).set(1, 0.0));
        assertTrue(e.contains("generator.latentStd"), e);
        e = openError("sampler", j -> ((ObjectNode) j.get("generator")).put("sampler", "rk4"));
        assertTrue(e.contains("generator.sampler") && e.contains("rk4"), e);
        e = openError("classes", j -> ((ObjectNode) j.get("generator")).put("numClasses", 0));
        assertTrue(e.contains("generator.numClasses"), e);
        e = openError(
                "size",
                j -> ((ObjectNode) j.get("generator")).putArray("latentSize").add(4));
        assertTrue(e.contains("generator.latentSize"), e);
    }
}
