package org.eqvae4j.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import org.eqvae4j.runtime.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bundle names its encoder graph and DJL's ONNX Runtime engine for DJL's model loader. */
class DjlServingPropertiesTest {
    @Test
    void writtenBundlesCarryIt(@TempDir Path parent) throws Exception {
        Path target = parent.resolve("b");
        new BundleWriter()
                .add("encoder.onnx", f -> Files.write(f, new byte[] {1}))
                .add("decoder.onnx", f -> Files.write(f, new byte[] {2}))
                .write(BundleFixtures.manifest(), target, false);
        Properties p = load(target.resolve(DjlServingProperties.FILE_NAME));
        assertEquals("OnnxRuntime", p.getProperty("engine"));
        assertEquals("encoder", p.getProperty("option.modelName"), "DJL appends .onnx to the model name");
    }

    @Test
    void everyShippedBundleCarriesTheCurrentText() throws Exception {
        int checked = 0;
        try (Stream<Path> s = Files.list(TestSupport.repoRoot().resolve("models"))) {
            for (Path dir : s.filter(d -> Files.isRegularFile(d.resolve(ModelManifest.FILE_NAME)))
                    .sorted()
                    .toList()) {
                ModelManifest m = ModelBundle.open(dir).manifest();
                if (!m.files().containsKey(ModelManifest.ENCODER)) {
                    continue;
                }
                assertEquals(
                        DjlServingProperties.of(m),
                        Files.readString(dir.resolve(DjlServingProperties.FILE_NAME)),
                        dir.toString());
                checked++;
            }
        }
        assertTrue(checked >= 2, "checked " + checked + " bundles");
    }

    private static Properties load(Path file) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }
}
