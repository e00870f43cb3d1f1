package org.eqvae4j.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.eqvae4j.runtime.image.HostileFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * model.json fuzzed (fixed seed): the shipped generator bundle's manifest with fields removed, given
 * values of the wrong type, sign or size, or bytes changed. Opening the bundle either works or fails as a
 * BundleException naming model.json; never a NullPointerException or another unchecked exception.
 */
class ManifestFuzzTest {
    @TempDir
    Path tmp;

    @Test
    void mutatedManifestsOpenOrFailNamingModelJson() throws Exception {
        Path shipped = Path.of("").toAbsolutePath().getParent().resolve("models/taef2-dit-fmnist/model.json");
        String original = Files.readString(shipped);
        Path bundle = BundleFixtures.folder(tmp.resolve("b"), original);
        for (var f : ModelBundle.JSON.readTree(original).get("files").properties()) {
            Files.write(bundle.resolve(f.getValue().asText()), new byte[] {1, 2, 3});
        }
        ModelBundle.open(bundle); // the unmutated manifest is valid here, so the mutations are what fails
        Random random = new Random(18);
        Path json = bundle.resolve("model.json");
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            String text = HostileFiles.mutateJson(original, random);
            try {
                if (i % 10 == 0) { // the whole open on every tenth: file checks, generator section
                    Files.writeString(json, text);
                    ModelBundle.open(bundle).manifest().toString();
                } else {
                    ModelBundle.parseManifest(text, json).toString();
                }
            } catch (BundleException e) {
                refused++;
                assertTrue(
                        e.getMessage().contains(json.toString())
                                || e.getMessage().contains(bundle.toString()),
                        "case " + i + ": " + e.getMessage());
                assertTrue(
                        !e.getMessage().contains("\n"), "case " + i + " has a multi-line message: " + e.getMessage());
            } catch (Throwable t) {
                throw new AssertionError("case " + i + " escaped as " + t + " for " + text, t);
            }
        }
        assertTrue(refused > 1000, "only " + refused + " of 3000 refused: the fuzz did not reach validation");
    }
}
