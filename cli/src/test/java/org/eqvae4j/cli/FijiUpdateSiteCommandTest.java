package org.eqvae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eqvae4j.fiji.dist.UpdateSiteDb;
import org.eqvae4j.fiji.dist.UpdaterChecksums;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eqvae fiji-update-site from the built plugin, read back as the ImageJ updater reads a site. */
class FijiUpdateSiteCommandTest {
    @TempDir
    Path tmp;

    private static EqvaeCliTest.Run site(String... args) {
        return EqvaeCliTest.runInCheckout(args);
    }

    @Test
    void writesASiteOfThePluginItsJarsAndTheDefaultModel() throws Exception {
        Path dist = EqvaeCliTest.ROOT.resolve("fiji-plugin/target/fiji");
        assumeTrue(
                Files.isDirectory(dist.resolve("plugins")),
                "the plugin distribution is built by mvn package (verify), not by mvn test");
        Path out = tmp.resolve("site");
        EqvaeCliTest.Run r = site("fiji-update-site", "--output", out.toString());
        assertEquals(0, r.code(), r.err());

        Map<String, UpdateSiteDb.SiteFile> db = UpdateSiteDb.read(out.resolve("db.xml.gz")).stream()
                .collect(Collectors.toMap(UpdateSiteDb.SiteFile::filename, Function.identity()));
        for (UpdateSiteDb.SiteFile f : db.values()) {
            Path served = out.resolve(f.filename() + "-" + f.current().timestamp());
            assertTrue(Files.isRegularFile(served), served.toString());
            assertEquals(f.current().checksum(), UpdaterChecksums.checksum(f.filename(), served), f.filename());
            assertEquals(f.current().filesize(), Files.size(served), f.filename());
        }
        List<String> names = db.keySet().stream().sorted().toList();
        assertTrue(names.stream().anyMatch(n -> n.matches("plugins/eqvae4j_fiji-.*\\.jar")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.matches("jars/onnxruntime-.*\\.jar")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.matches("jars/eqvae4j-runtime-.*\\.jar")), names.toString());
        assertTrue(
                names.stream().noneMatch(n -> n.contains("jackson") || n.contains("commons-io") || n.contains("slf4j")),
                "Fiji's own jars are not shipped: " + names);
        for (String f : List.of("model.json", "encoder.onnx", "decoder.onnx", "codebook.onnx", "LICENSE")) {
            Path shipped =
                    EqvaeCliTest.ROOT.resolve("models/eq-vq-small-fmnist").resolve(f);
            UpdateSiteDb.SiteFile sf = db.get("models/eqvae4j/eq-vq-small-fmnist/" + f);
            assertEquals(Files.size(shipped), sf.current().filesize(), f);
        }
        UpdateSiteDb.SiteFile plugin = db.values().stream()
                .filter(f -> f.filename().startsWith("plugins/"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                db.keySet().stream().filter(n -> n.startsWith("jars/")).sorted().toList(),
                plugin.current().dependencies().stream()
                        .map(UpdateSiteDb.Dependency::filename)
                        .sorted()
                        .toList());
        assertTrue(r.out().contains("left to Fiji (pom-scijava 45.0.0"), r.out());
    }

    @Test
    void namesAMissingDistributionOrModel() {
        EqvaeCliTest.Run r = site(
                "fiji-update-site",
                "--output",
                tmp.resolve("s").toString(),
                "--dist",
                tmp.resolve("nothing").toString());
        assertEquals(EqvaeCli.ERROR, r.code());
        assertTrue(r.err().contains("plugin distribution") && r.err().contains("does not exist"), r.err());
        EqvaeCliTest.Run m = site(
                "fiji-update-site",
                "--output",
                tmp.resolve("s").toString(),
                "--dist",
                tmp.toString(),
                "--models",
                "no-such-bundle");
        assertEquals(EqvaeCli.ERROR, m.code());
        assertTrue(m.err().contains("--models: no bundle 'no-such-bundle'"), m.err());
    }
}
