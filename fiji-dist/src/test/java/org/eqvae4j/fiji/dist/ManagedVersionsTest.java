package org.eqvae4j.fiji.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedVersionsTest {
    static Path tinyBom() throws Exception {
        return Path.of(ManagedVersionsTest.class.getResource("/tiny-bom.pom").toURI());
    }

    @Test
    void resolvesVersionsThroughPropertyChains() throws Exception {
        ManagedVersions m = ManagedVersions.read(tinyBom());
        assertEquals("7.0.0", m.bomVersion());
        assertEquals(Optional.of("2.19.2"), m.version("com.fasterxml.jackson.core", "jackson-core"));
        assertEquals(Optional.of("2.20.0"), m.version("commons-io", "commons-io"));
        assertEquals(Optional.of("7.0.0"), m.version("org.example", "tiny-tool"));
        assertEquals(Optional.empty(), m.version("com.microsoft.onnxruntime", "onnxruntime"));
        assertEquals(4, m.size());
    }

    @Test
    void aVersionFromTheParentFailsOnlyWhenAskedFor() throws Exception {
        ManagedVersions m = ManagedVersions.read(tinyBom());
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> m.version("org.jetbrains.kotlin", "kotlin-stdlib"));
        assertTrue(e.getMessage().contains("${kotlin.version}"), e.getMessage());
    }

    @Test
    void mismatchesNameEachDifferingArtifact() throws Exception {
        ManagedVersions m = ManagedVersions.read(tinyBom());
        List<MavenArtifact> deps = List.of(
                new MavenArtifact("com.fasterxml.jackson.core", "jackson-core", "jar", "", "2.23.0", "compile"),
                new MavenArtifact("commons-io", "commons-io", "jar", "", "2.20.0", "compile"),
                new MavenArtifact("com.microsoft.onnxruntime", "onnxruntime", "jar", "", "1.28.0", "compile"));
        assertEquals(
                List.of(new ManagedVersions.Mismatch("com.fasterxml.jackson.core", "jackson-core", "2.23.0", "2.19.2")),
                m.mismatches(deps));
    }

    @Test
    void readsMavensDependencyList(@TempDir Path tmp) throws IOException {
        Path list = tmp.resolve("deps.txt");
        Files.writeString(list, """

                The following files have been resolved:
                   com.fasterxml.jackson.core:jackson-core:jar:2.19.2:compile -- module com.fasterxml.jackson.core
                   org.bytedeco:onnxruntime:jar:linux-x86_64:1.28.0-1.5.14:runtime -- module org.bytedeco.onnxruntime.linux.x86_64 [auto]
                """);
        List<MavenArtifact> a = MavenArtifact.readList(list);
        assertEquals(2, a.size());
        assertEquals("jackson-core-2.19.2.jar", a.get(0).fileName());
        assertEquals("onnxruntime-1.28.0-1.5.14-linux-x86_64.jar", a.get(1).fileName());
        assertEquals("runtime", a.get(1).scope());
        Files.writeString(list, "nothing here\n");
        assertThrows(IOException.class, () -> MavenArtifact.readList(list));
    }

    @Test
    void refusesAPomWithoutDependencyManagement(@TempDir Path tmp) throws IOException {
        Path pom = tmp.resolve("pom.xml");
        Files.writeString(pom, "<project><version>1</version></project>");
        IOException e = assertThrows(IOException.class, () -> ManagedVersions.read(pom));
        assertTrue(e.getMessage().contains("not a BOM"), e.getMessage());
    }
}
