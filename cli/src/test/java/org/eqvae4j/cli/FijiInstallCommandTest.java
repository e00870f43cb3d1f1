package org.eqvae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eqvae fiji-install into a temporary Fiji.app folder. */
class FijiInstallCommandTest {
    @TempDir
    Path tmp;

    private Path fiji() throws IOException {
        Path fiji = tmp.resolve("Fiji.app");
        Files.createDirectories(fiji.resolve("plugins"));
        Files.createDirectories(fiji.resolve("jars"));
        Files.writeString(fiji.resolve("jars/ij-1.54p.jar"), "Fiji's ImageJ");
        return fiji;
    }

    private static EqvaeCliTest.Run install(String... args) {
        return EqvaeCliTest.runInCheckout(args);
    }

    @Test
    void installsTheBuiltPluginWithItsDependenciesAndABundle() throws IOException {
        Path dist = EqvaeCliTest.ROOT.resolve("fiji-plugin/target/fiji");
        assumeTrue(
                Files.isDirectory(dist.resolve("plugins")),
                "the plugin distribution is built by mvn package (verify), not by mvn test");
        Path fiji = fiji();
        EqvaeCliTest.Run r = install("fiji-install", "--fiji", fiji.toString(), "--models", "kl-vae-small");
        assertEquals(0, r.code(), r.err());
        try (Stream<Path> s = Files.list(fiji.resolve("plugins"))) {
            List<String> plugins = s.map(p -> p.getFileName().toString()).toList();
            assertEquals(1, plugins.size(), plugins.toString());
            assertTrue(plugins.get(0).matches("eqvae4j_fiji-.*\\.jar"), plugins.toString());
        }
        try (Stream<Path> s = Files.list(fiji.resolve("jars"))) {
            List<String> jars = s.map(p -> p.getFileName().toString()).toList();
            assertTrue(jars.stream().anyMatch(j -> j.startsWith("onnxruntime-")), jars.toString());
            // the runtime carries its Jackson relocated inside its jar: Fiji keeps its own
            assertTrue(jars.stream().noneMatch(j -> j.startsWith("jackson-")), jars.toString());
            assertTrue(jars.stream().anyMatch(j -> j.startsWith("commons-imaging-")), jars.toString());
            assertTrue(
                    jars.stream().noneMatch(j -> j.startsWith("scijava-common") || j.startsWith("parsington")),
                    jars.toString());
            assertEquals("Fiji's ImageJ", Files.readString(fiji.resolve("jars/ij-1.54p.jar")));
        }
        assertTrue(Files.isRegularFile(fiji.resolve("models/eqvae4j/kl-vae-small/model.json")));
        assertTrue(r.out().contains("restart Fiji"), r.out());
        EqvaeCliTest.Run again = install("fiji-install", "--fiji", fiji.toString(), "--models", "kl-vae-small");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("copied 0 files"), again.out());
    }

    @Test
    void refusesToOverwriteADifferingJar() throws IOException {
        Path dist = tmp.resolve("dist");
        Files.createDirectories(dist.resolve("plugins"));
        Files.createDirectories(dist.resolve("jars"));
        Files.writeString(dist.resolve("plugins/eqvae4j_fiji-1.jar"), "plugin");
        Files.writeString(dist.resolve("jars/onnxruntime-1.28.0.jar"), "ort");
        Path fiji = fiji();
        Files.writeString(fiji.resolve("jars/onnxruntime-1.16.0.jar"), "older ort");
        EqvaeCliTest.Run r =
                install("fiji-install", "--fiji", fiji.toString(), "--dist", dist.toString(), "--no-models");
        assertEquals(EqvaeCli.ERROR, r.code());
        assertTrue(r.err().contains("onnxruntime-1.16.0.jar") && r.err().contains("--on-conflict"), r.err());
        assertTrue(Files.notExists(fiji.resolve("plugins/eqvae4j_fiji-1.jar")));

        EqvaeCliTest.Run kept = install(
                "fiji-install",
                "--fiji",
                fiji.toString(),
                "--dist",
                dist.toString(),
                "--no-models",
                "--on-conflict",
                "keep");
        assertEquals(0, kept.code(), kept.err());
        assertEquals("older ort", Files.readString(fiji.resolve("jars/onnxruntime-1.16.0.jar")));
        assertTrue(Files.isRegularFile(fiji.resolve("plugins/eqvae4j_fiji-1.jar")));
    }
}
