package org.eqvae4j.fiji.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the eqvae4j site ships from a plugin distribution: not the jars Fiji has, and only at Fiji's versions. */
class PluginUpdateSiteTest {
    @TempDir
    Path tmp;

    Path dist;
    Path bundle;

    @BeforeEach
    void distribution() throws Exception {
        dist = tmp.resolve("fiji");
        Files.createDirectories(dist.resolve("plugins"));
        Files.createDirectories(dist.resolve("jars"));
        UpdaterChecksumsTest.jar(dist.resolve("plugins/eqvae4j_fiji-0.1.0.jar"), new String[][] {{"P.class", "p"}});
        UpdaterChecksumsTest.jar(dist.resolve("jars/onnxruntime-1.28.0.jar"), new String[][] {{"O.class", "o"}});
        UpdaterChecksumsTest.jar(dist.resolve("jars/jackson-core-2.19.2.jar"), new String[][] {{"J.class", "j"}});
        UpdaterChecksumsTest.jar(dist.resolve("jars/stale-0.9.jar"), new String[][] {{"S.class", "s"}});
        Files.copy(ManagedVersionsTest.tinyBom(), dist.resolve(PluginUpdateSite.FIJI_BOM));
        dependencies("2.19.2");
        bundle = Files.createDirectories(tmp.resolve("models/tiny"));
        Files.writeString(bundle.resolve("model.json"), "{}");
        Files.writeString(bundle.resolve("encoder.onnx"), "enc");
    }

    void dependencies(String jacksonVersion) throws IOException {
        Files.writeString(dist.resolve(PluginUpdateSite.DEPENDENCY_LIST), """
                The following files have been resolved:
                   com.fasterxml.jackson.core:jackson-core:jar:%s:compile -- module com.fasterxml.jackson.core
                   com.microsoft.onnxruntime:onnxruntime:jar:1.28.0:compile -- module com.microsoft.onnxruntime [auto]
                """.formatted(jacksonVersion));
    }

    @Test
    void shipsThePluginItsNewJarsAndModelsButNotFijisJars() throws Exception {
        PluginUpdateSite.Contents c = PluginUpdateSite.contents(dist, List.of(bundle));
        assertEquals(
                List.of(
                        "jars/onnxruntime-1.28.0.jar",
                        "plugins/eqvae4j_fiji-0.1.0.jar",
                        "models/eqvae4j/tiny/encoder.onnx",
                        "models/eqvae4j/tiny/model.json"),
                c.entries().stream().map(UpdateSiteWriter.Entry::filename).toList());
        assertEquals(
                List.of("jackson-core"),
                c.providedByFiji().stream().map(MavenArtifact::artifactId).toList());
        assertEquals(List.of("jars/onnxruntime-1.28.0.jar"), c.entries().get(1).dependsOn());
        Path site = tmp.resolve("site");
        PluginUpdateSite.write(c, site, UpdateSiteWriterTest.T1, UpdateSiteWriterTest.UTC);
        assertEquals(List.of(), UpdateSiteWriter.verify(site));
        assertTrue(Files.isRegularFile(site.resolve("models/eqvae4j/tiny/model.json-20261201100000")));
    }

    @Test
    void refusesAJarAtAnotherVersionThanFijis() throws Exception {
        dependencies("2.23.0");
        IOException e = assertThrows(IOException.class, () -> PluginUpdateSite.contents(dist, List.of()));
        assertTrue(e.getMessage().contains("jackson-core is 2.23.0, the BOM manages 2.19.2"), e.getMessage());
    }

    @Test
    void refusesADistributionThatLacksAListedJar() throws Exception {
        Files.delete(dist.resolve("jars/onnxruntime-1.28.0.jar"));
        IOException e = assertThrows(IOException.class, () -> PluginUpdateSite.contents(dist, List.of()));
        assertTrue(e.getMessage().contains("lacks jars/onnxruntime-1.28.0.jar"), e.getMessage());
    }
}
