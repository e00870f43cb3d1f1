package org.eqvae4j.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.Prefs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.eqvae4j.runtime.bundle.BundleException;
import org.eqvae4j.runtime.bundle.ModelBundle;
import org.eqvae4j.runtime.bundle.ModelManifest;
import org.eqvae4j.runtime.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Install Model...: bundle folders, zips and bioimage.io package pairs into the plugin's models folder. */
class ModelInstallerTest {
    @TempDir
    Path tmp;

    static Path models(String name) {
        return FijiTests.repoRoot().resolve("models").resolve(name);
    }

    @Test
    void installsABundleFolderOnceAndReplacesOnlyWhenAsked() throws Exception {
        Path into = tmp.resolve("models");
        ModelInstaller.Installed r = ModelInstaller.install(models("vq-small-fmnist"), into, false);
        assertEquals("vq-small-fmnist", r.id());
        assertFalse(r.alreadyInstalled());
        for (String f : List.of("model.json", "encoder.onnx", "decoder.onnx", "codebook.onnx", "LICENSE")) {
            assertEquals(
                    -1,
                    Files.mismatch(
                            models("vq-small-fmnist").resolve(f),
                            into.resolve("vq-small-fmnist").resolve(f)),
                    f);
        }
        assertTrue(
                ModelInstaller.install(models("vq-small-fmnist"), into, false).alreadyInstalled());
        assertEquals(
                List.of("vq-small-fmnist"),
                Models.shipped(List.of(into)).stream().map(Models.Shipped::name).toList());

        Files.writeString(into.resolve("vq-small-fmnist/LICENSE"), "edited");
        BundleException e = assertThrows(
                BundleException.class, () -> ModelInstaller.install(models("vq-small-fmnist"), into, false));
        assertTrue(
                e.getMessage().contains("already installed") && e.getMessage().contains("replace"), e.getMessage());
        assertFalse(
                ModelInstaller.install(models("vq-small-fmnist"), into, true).alreadyInstalled());
        assertEquals(
                -1,
                Files.mismatch(models("vq-small-fmnist").resolve("LICENSE"), into.resolve("vq-small-fmnist/LICENSE")));
    }

    @Test
    void installsAZippedBundleInAFolder() throws Exception {
        Path zip = zip(models("eq-vq-small-fmnist"), tmp.resolve("eq.zip"), "some-folder/");
        ModelInstaller.Installed r = ModelInstaller.install(zip, tmp.resolve("models"), false);
        assertEquals("eq-vq-small-fmnist", r.id());
        ModelBundle.open(r.folder());
        assertEquals(
                -1,
                Files.mismatch(
                        models("eq-vq-small-fmnist").resolve("encoder.onnx"),
                        r.folder().resolve("encoder.onnx")));
    }

    @Test
    void joinsTheEncoderAndDecoderPackagesOfABundle() throws Exception {
        Path exported = Files.createDirectories(tmp.resolve("exported"));
        Path enc = bioimageioPackage(exported, "kl-vae-small", "encoder");
        zip(bioimageioPackage(exported, "kl-vae-small", "decoder"), exported.resolve("kl-vae-small-decoder.zip"), "");
        Models.deleteTree(exported.resolve("kl-vae-small-decoder"));
        Path encZip = zip(enc, exported.resolve("kl-vae-small-encoder.zip"), "");

        ModelInstaller.Installed r = ModelInstaller.install(encZip, tmp.resolve("models"), false);
        assertEquals("kl-vae-small", r.id());
        assertTrue(r.from().contains("(encoder)'") && r.from().contains("(decoder)'"), r.from());
        ModelManifest got = ModelBundle.open(r.folder()).manifest();
        ModelManifest want = ModelBundle.open(models("kl-vae-small")).manifest();
        assertEquals(want.imageChannels(), got.imageChannels());
        assertEquals(want.latentChannels(), got.latentChannels());
        assertEquals(want.downsamplingFactor(), got.downsamplingFactor());
        assertArrayEquals(want.valueRange(), got.valueRange());
        assertEquals(want.tileSize(), got.tileSize());
        assertEquals(want.tileHalo(), got.tileHalo());
        assertEquals(
                -1,
                Files.mismatch(
                        models("kl-vae-small").resolve("decoder.onnx"),
                        r.folder().resolve("decoder.onnx")));
        // it runs: the joined bundle reconstructs as the original does
        FloatTensor x = FloatTensor.zeros(1, 3, 16, 16);
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] = (float) Math.sin(i * 0.37) * 0.8f;
        }
        try (OpenModel a = OpenModel.open(r.folder().toString(), List.of(), Ij.runtimeOptions());
                OpenModel b = OpenModel.open(models("kl-vae-small").toString(), List.of(), Ij.runtimeOptions())) {
            assertArrayEquals(
                    b.autoencoder().decode(b.autoencoder().encode(x)).data(),
                    a.autoencoder().decode(a.autoencoder().encode(x)).data(),
                    1e-6f);
        }
        // the decoder package (the rdf.yaml file itself) finds its encoder folder the same way
        Path exported2 = Files.createDirectories(tmp.resolve("exported2"));
        bioimageioPackage(exported2, "kl-vae-small", "encoder");
        Path dec = bioimageioPackage(exported2, "kl-vae-small", "decoder");
        assertTrue(ModelInstaller.install(dec.resolve("rdf.yaml"), tmp.resolve("models"), false)
                .alreadyInstalled());
    }

    @Test
    void refusesAPackageThePluginCannotUse() throws Exception {
        Path exported = Files.createDirectories(tmp.resolve("exported"));
        Path enc = bioimageioPackage(exported, "kl-vae-small", "encoder");
        BundleException alone =
                assertThrows(BundleException.class, () -> ModelInstaller.install(enc, tmp.resolve("models"), false));
        assertTrue(
                alone.getMessage().contains("encoder half of eqvae4j bundle kl-vae-small")
                        && alone.getMessage().contains("kl-vae-small-decoder"),
                alone.getMessage());

        Path other = Files.createDirectories(tmp.resolve("unet"));
        Files.writeString(
                other.resolve("rdf.yaml"),
                "format_version: 0.5.4\ntype: model\nname: some U-Net\nweights:\n  onnx:\n"
                        + "    source: weights.onnx\n");
        BundleException notOurs =
                assertThrows(BundleException.class, () -> ModelInstaller.install(other, tmp.resolve("models"), false));
        assertTrue(
                notOurs.getMessage().contains("'some U-Net'")
                        && notOurs.getMessage().contains("not an eqvae4j autoencoder"),
                notOurs.getMessage());

        bioimageioPackage(exported, "kl-vae-small", "decoder");
        Files.write(
                exported.resolve("kl-vae-small-decoder/decoder.onnx"),
                new byte[] {1, 2, 3},
                java.nio.file.StandardOpenOption.APPEND);
        BundleException damaged =
                assertThrows(BundleException.class, () -> ModelInstaller.install(enc, tmp.resolve("models"), false));
        assertTrue(damaged.getMessage().contains("does not match the sha256"), damaged.getMessage());

        Path junk = Files.createDirectories(tmp.resolve("junk"));
        Files.writeString(junk.resolve("notes.txt"), "x");
        BundleException neither =
                assertThrows(BundleException.class, () -> ModelInstaller.install(junk, tmp.resolve("models"), false));
        assertTrue(neither.getMessage().contains("neither a model bundle"), neither.getMessage());
        assertFalse(Files.exists(tmp.resolve("models")), "nothing half-installed");
    }

    @Test
    void commandsRunOnImageJsThreadSetting() {
        int old = Prefs.getThreads();
        try {
            Prefs.setThreads(3);
            assertEquals(3, Ij.runtimeOptions().intraOpThreads());
            Prefs.setThreads(1);
            assertEquals(1, Ij.runtimeOptions().intraOpThreads());
        } finally {
            Prefs.setThreads(old);
        }
    }

    /**
     * A bioimage.io package of one half of a bundle, shaped as eqvae export-bioimageio writes it
     * (rdf.yaml with config.eqvae4j, the ONNX graph with its sha256, the licence).
     */
    static Path bioimageioPackage(Path into, String bundle, String role) throws Exception {
        ModelBundle b = ModelBundle.open(models(bundle));
        ModelManifest m = b.manifest();
        Path dir = Files.createDirectories(into.resolve(bundle + "-" + role));
        Path onnx = dir.resolve(role + ".onnx");
        Files.copy(b.file(role), onnx);
        Files.copy(b.root().resolve("LICENSE"), dir.resolve("LICENSE"));
        String image = """
                  - id: "image"
                    axes:
                      - type: "batch"
                      - type: "channel"
                        channel_names: ["r", "g", "b"]
                      - type: "space"
                        id: "y"
                      - type: "space"
                        id: "x"
                """;
        String latent = "  - id: \"latent\"\n    axes:\n      - type: \"batch\"\n";
        boolean encoder = role.equals("encoder");
        Files.writeString(
                dir.resolve("rdf.yaml"),
                "format_version: \"0.5.7\"\ntype: \"model\"\nname: \"" + m.name() + " (" + role + ")\"\n"
                        + "license: \"" + m.license() + "\"\n"
                        + "inputs:\n" + (encoder ? image : latent) + "outputs:\n" + (encoder ? latent : image)
                        + "weights:\n  onnx:\n    source: \"" + onnx.getFileName() + "\"\n    sha256: \""
                        + BioimageioPackage.sha256(onnx) + "\"\n"
                        + "    opset_version: 17\n"
                        + "config:\n  bioimageio:\n    architecture_type: \"" + m.architecture() + "\"\n  eqvae4j:\n"
                        + "    bundle_id: \"" + m.id() + "\"\n    role: \"" + role + "\"\n    downsampling_factor: "
                        + m.downsamplingFactor() + "\n"
                        + "    latent_channels: " + m.latentChannels() + "\n    latent_scale: " + m.latentScale() + "\n"
                        + "    latent_shift: " + m.latentShift() + "\n    value_range:\n    - " + m.valueRange()[0]
                        + "\n    - " + m.valueRange()[1] + "\n"
                        + "    tile_size: " + m.tileSize() + "\n    tile_halo: " + m.tileHalo() + "\n");
        return dir;
    }

    static Path zip(Path dir, Path zip, String prefix) throws IOException {
        try (OutputStream os = Files.newOutputStream(zip);
                ZipOutputStream z = new ZipOutputStream(os);
                Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                z.putNextEntry(new ZipEntry(prefix + f.getFileName()));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
        return zip;
    }
}
