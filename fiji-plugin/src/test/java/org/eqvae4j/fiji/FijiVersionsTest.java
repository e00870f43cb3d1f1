package org.eqvae4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.eqvae4j.fiji.dist.ManagedVersions;
import org.eqvae4j.fiji.dist.MavenArtifact;
import org.junit.jupiter.api.Test;

/**
 * Every jar the plugin installs into Fiji.app/jars that Fiji also ships must be the version Fiji ships
 * (pom-scijava's): another version of Jackson or Commons IO there breaks Fiji's own plugins or ours.
 * The build writes both inputs into target/fiji (dependency:list of the runtime scope, and the POM of
 * the pom-scijava it imports).
 */
class FijiVersionsTest {
    private static final Path DIST = Path.of("target/fiji");

    @Test
    void everyInstalledJarThatFijiShipsIsFijisVersion() throws Exception {
        ManagedVersions fiji = ManagedVersions.read(DIST.resolve("pom-scijava.pom"));
        List<MavenArtifact> installed = MavenArtifact.readList(DIST.resolve("maven-dependencies.txt"));

        assertEquals(System.getProperty("pom-scijava.version", "45.0.0"), fiji.bomVersion());
        assertTrue(fiji.size() > 500, "pom-scijava manages " + fiji.size() + " artifacts");
        assertTrue(
                installed.stream().anyMatch(a -> a.artifactId().equals("onnxruntime")), "install list: " + installed);
        // the runtime carries its Jackson relocated inside its jar: Fiji's own Jackson is never replaced
        assertTrue(
                installed.stream().noneMatch(x -> x.artifactId().startsWith("jackson-")),
                "Jackson installed: " + installed);
        // the other libraries the issue names are on the list and checked, not silently absent
        for (String a : List.of("commons-io", "commons-lang3")) {
            assertTrue(installed.stream().anyMatch(x -> x.artifactId().equals(a)), a + " not installed: " + installed);
        }
        assertEquals(
                List.of(),
                fiji.mismatches(installed),
                "jars whose version differs from Fiji's (pom-scijava " + fiji.bomVersion() + ")");
    }
}
