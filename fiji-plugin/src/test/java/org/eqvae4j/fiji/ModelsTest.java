package org.eqvae4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.eqvae4j.fiji.install.FijiInstaller;
import org.eqvae4j.runtime.bundle.BundleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles are found by shipped name or id, folder, or zip (unpacked to a temporary folder that closing removes). */
class ModelsTest {
    /** The plugin looks for installed bundles where the installer (fiji-dist, outside the plugin jar) puts them. */
    @Test
    void looksWhereFijiInstallPutsBundles() {
        assertEquals(FijiInstaller.MODELS, Models.FIJI_MODELS);
        assertEquals(
                List.of(Path.of("Fiji.app").resolve(FijiInstaller.MODELS)),
                Models.searchFolders(Path.of("Fiji.app")).stream()
                        .filter(p -> p.startsWith("Fiji.app"))
                        .toList());
    }

    @TempDir
    Path tmp;

    private List<Models.Shipped> shipped() {
        return Models.shipped(List.of(FijiTests.repoRoot().resolve("models"), tmp.resolve("missing")));
    }

    @Test
    void listsTheShippedBundles() {
        List<String> names = shipped().stream().map(Models.Shipped::name).toList();
        assertTrue(
                names.containsAll(List.of("taef2", "eq-taef2", "kl-vae-small", "eq-kl-vae-small")), names.toString());
        assertFalse(names.contains("sources") || names.contains("reports"), names.toString());
    }

    @Test
    void resolvesNamesFoldersAndZips() throws IOException {
        try (Models.Resolved r = Models.resolve("kl-vae-small", shipped())) {
            assertEquals("kl-vae-small", r.bundle().manifest().id());
        }
        Path folder = FijiTests.repoRoot().resolve("models/eq-kl-vae-small");
        try (Models.Resolved r = Models.resolve(folder.toString(), List.of())) {
            assertEquals(folder, r.bundle().root());
        }
        Path zip = tmp.resolve("bundle.zip");
        zip(folder, zip, "eq-kl-vae-small/");
        Path unpacked;
        try (Models.Resolved r = Models.resolve(zip.toString(), List.of())) {
            assertEquals("eq-kl-vae-small", r.bundle().manifest().id());
            unpacked = r.temporary();
            assertTrue(Files.isRegularFile(r.bundle().root().resolve("encoder.onnx")));
        }
        assertFalse(Files.exists(unpacked), "closing removes the unpacked zip");
    }

    @Test
    void badChoicesSayWhatIsWrong() throws IOException {
        BundleException none = assertThrows(BundleException.class, () -> Models.resolve(" ", shipped()));
        assertTrue(
                none.getMessage().contains("no model chosen")
                        && none.getMessage().contains("taef2"),
                none.getMessage());
        BundleException unknown = assertThrows(BundleException.class, () -> Models.resolve("nope", shipped()));
        assertTrue(unknown.getMessage().contains("'nope'"), unknown.getMessage());

        Path notZip = tmp.resolve("text.zip");
        Files.writeString(notZip, "not a zip");
        BundleException bad = assertThrows(BundleException.class, () -> Models.resolve(notZip.toString(), List.of()));
        assertTrue(bad.getMessage().contains("text.zip"), bad.getMessage());

        Path noManifest = tmp.resolve("empty.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(noManifest))) {
            out.putNextEntry(new ZipEntry("readme.txt"));
            out.write("hello".getBytes());
        }
        BundleException missing =
                assertThrows(BundleException.class, () -> Models.resolve(noManifest.toString(), List.of()));
        assertTrue(missing.getMessage().contains("no model.json"), missing.getMessage());

        Path slip = tmp.resolve("slip.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(slip))) {
            out.putNextEntry(new ZipEntry("../evil.txt"));
            out.write(1);
        }
        BundleException outside = assertThrows(BundleException.class, () -> Models.resolve(slip.toString(), List.of()));
        assertTrue(outside.getMessage().contains("outside"), outside.getMessage());
        assertFalse(Files.exists(tmp.resolve("evil.txt")));
    }

    static void zip(Path folder, Path zip, String prefix) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
                var files = Files.list(folder)) {
            for (Path f : files.sorted().toList()) {
                out.putNextEntry(new ZipEntry(prefix + f.getFileName()));
                try (OutputStream o = OutputStream.nullOutputStream()) {
                    Files.copy(f, out);
                }
            }
        }
    }
}
