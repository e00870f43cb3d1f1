package org.eqvae4j.fiji.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing into a Fiji.app folder: copies, leaves identical files, and never overwrites a differing one silently. */
class FijiInstallerTest {
    @TempDir
    Path tmp;

    private Path dist;
    private Path fiji;
    private Path bundle;

    @BeforeEach
    void layout() throws IOException {
        dist = tmp.resolve("dist");
        write(dist.resolve("plugins/eqvae4j_fiji-0.1.0.jar"), "plugin");
        write(dist.resolve("jars/onnxruntime-1.28.0.jar"), "ort");
        write(dist.resolve("jars/jackson-core-2.23.0.jar"), "jackson new");
        write(dist.resolve("jars/commons-imaging-1.0.0-alpha6.jar"), "imaging");
        fiji = tmp.resolve("Fiji.app");
        write(fiji.resolve("jars/ij-1.54p.jar"), "ij");
        Files.createDirectories(fiji.resolve("plugins"));
        bundle = tmp.resolve("models/tiny");
        write(bundle.resolve("model.json"), "{}");
        write(bundle.resolve("encoder.onnx"), "enc");
    }

    private static void write(Path p, String content) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @Test
    void installsPluginDependenciesAndBundlesThenFindsThemIdentical() throws IOException {
        List<FijiInstaller.Action> first =
                FijiInstaller.install(dist, List.of(bundle), fiji, FijiInstaller.OnConflict.FAIL, false);
        assertTrue(first.stream().allMatch(a -> a.kind() == FijiInstaller.Kind.COPY), first.toString());
        assertEquals("plugin", Files.readString(fiji.resolve("plugins/eqvae4j_fiji-0.1.0.jar")));
        assertEquals("ort", Files.readString(fiji.resolve("jars/onnxruntime-1.28.0.jar")));
        assertEquals("enc", Files.readString(fiji.resolve("models/eqvae4j/tiny/encoder.onnx")));
        assertEquals("ij", Files.readString(fiji.resolve("jars/ij-1.54p.jar")));

        List<FijiInstaller.Action> again =
                FijiInstaller.install(dist, List.of(bundle), fiji, FijiInstaller.OnConflict.FAIL, false);
        assertTrue(again.stream().allMatch(a -> a.kind() == FijiInstaller.Kind.SAME), again.toString());
    }

    @Test
    void conflictsStopTheInstallBeforeAnythingIsCopied() throws IOException {
        write(fiji.resolve("jars/jackson-core-2.12.0.jar"), "fiji's jackson");
        write(fiji.resolve("jars/commons-imaging-1.0.0-alpha6.jar"), "another build");
        IOException e = assertThrows(
                IOException.class,
                () -> FijiInstaller.install(dist, List.of(bundle), fiji, FijiInstaller.OnConflict.FAIL, false));
        assertTrue(
                e.getMessage().contains("2 conflict(s)")
                        && e.getMessage().contains("jackson-core-2.12.0.jar")
                        && e.getMessage().contains("commons-imaging-1.0.0-alpha6.jar")
                        && e.getMessage().contains("--on-conflict"),
                e.getMessage());
        assertFalse(Files.exists(fiji.resolve("plugins/eqvae4j_fiji-0.1.0.jar")), "nothing copied");
        assertEquals("another build", Files.readString(fiji.resolve("jars/commons-imaging-1.0.0-alpha6.jar")));
    }

    @Test
    void keepLeavesFijisJarsAndReplaceMovesThemAside() throws IOException {
        write(fiji.resolve("jars/jackson-core-2.12.0.jar"), "fiji's jackson");
        List<FijiInstaller.Action> kept =
                FijiInstaller.install(dist, List.of(), fiji, FijiInstaller.OnConflict.KEEP, false);
        assertTrue(kept.stream().anyMatch(a -> a.kind() == FijiInstaller.Kind.KEEP), kept.toString());
        assertFalse(Files.exists(fiji.resolve("jars/jackson-core-2.23.0.jar")));
        assertEquals("fiji's jackson", Files.readString(fiji.resolve("jars/jackson-core-2.12.0.jar")));

        FijiInstaller.install(dist, List.of(), fiji, FijiInstaller.OnConflict.REPLACE, false);
        assertEquals("jackson new", Files.readString(fiji.resolve("jars/jackson-core-2.23.0.jar")));
        assertFalse(Files.exists(fiji.resolve("jars/jackson-core-2.12.0.jar")));
        try (Stream<Path> s = Files.walk(fiji.resolve(FijiInstaller.REPLACED))) {
            Path moved = s.filter(p -> p.getFileName().toString().equals("jackson-core-2.12.0.jar"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("fiji's jackson", Files.readString(moved));
        }
    }

    @Test
    void dryRunCopiesNothingAndBadFoldersAreNamed() throws IOException {
        FijiInstaller.install(dist, List.of(bundle), fiji, FijiInstaller.OnConflict.FAIL, true);
        assertFalse(Files.exists(fiji.resolve("plugins/eqvae4j_fiji-0.1.0.jar")));
        IOException notFiji = assertThrows(
                IOException.class,
                () -> FijiInstaller.install(
                        dist, List.of(), tmp.resolve("models"), FijiInstaller.OnConflict.FAIL, false));
        assertTrue(notFiji.getMessage().contains("not a Fiji.app folder"), notFiji.getMessage());
        IOException noBundle =
                assertThrows(IOException.class, () -> FijiInstaller.bundles(tmp.resolve("models"), List.of("nope")));
        assertTrue(
                noBundle.getMessage().contains("'nope'")
                        && noBundle.getMessage().contains("tiny"),
                noBundle.getMessage());
    }

    @Test
    void versionsAreSplitFromArtifactNames() {
        assertEquals(Optional.of("jackson-core"), FijiInstaller.artifact("jackson-core-2.23.0.jar"));
        assertEquals(Optional.of("commons-imaging"), FijiInstaller.artifact("commons-imaging-1.0.0-alpha6.jar"));
        assertEquals(Optional.of("eqvae4j_fiji"), FijiInstaller.artifact("eqvae4j_fiji-0.1.0-SNAPSHOT.jar"));
        assertEquals(Optional.empty(), FijiInstaller.artifact("plain.jar"));
    }
}
